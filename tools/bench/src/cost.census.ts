import mongoose from 'mongoose';
import { scrape, total, type Sample, SERVICES, type ServiceName } from '@orderflow/stack';

/** What one service asked of the database and the broker during a run, per order. */
export interface ServiceCensus {
  service: ServiceName;
  /** MongoDB commands by name (find, insert, update, findAndModify, aggregate, …). */
  commands: Record<string, number>;
  /** Insert, update and delete statements those commands carried. */
  documentsWritten: number;
  /** The same, by collection. */
  writtenTo: Record<string, number>;
  produced: number;
  /** Messages consumed, and how many of them no handler here wanted. */
  consumed: number;
  ignored: number;
  produceRequests: number;
  fetchRequests: number;
  /** Offset commits: a consumer's most frequent request. */
  commitRequests: number;
}

/** The census of a run: per service and per order, and the local database's journal commits. */
export interface Census {
  services: ServiceCensus[];
  /** Journal records (document writes) and commits (write()s) of the local database, per order; absent on another database. */
  database?: { records: number; commits: number };
}

export interface CensusPoint {
  metrics: Record<string, Sample[]>;
  journal?: { records: number; commits: number };
}

/** Counters now: every service's /metrics and the local database's journal (from serverStatus). */
export async function censusPoint(mongoUri: string): Promise<CensusPoint> {
  const metrics = Object.fromEntries(await Promise.all(SERVICES.map(async (s) => [s.name, await scrape(s.name)] as const)));
  return { metrics, journal: await journalCounters(mongoUri) };
}

/**
 * Documents with outbox entries, in every database on the server: events not yet published,
 * and published ones whose removal still waits for the document's next write. A run's writes
 * include those removals, so its census is taken once this is back where it was before it.
 */
export async function documentsWithOutbox(uri: string): Promise<number> {
  const connection = await mongoose.createConnection(uri).asPromise();
  try {
    const admin = connection.db?.admin();
    const { databases } = (await admin?.listDatabases({ nameOnly: true })) ?? { databases: [] };
    let count = 0;
    for (const { name } of databases) {
      if (['admin', 'local', 'config'].includes(name)) continue;
      const db = connection.useDb(name, { useCache: false }).db;
      for (const { name: collection } of (await db?.listCollections({}, { nameOnly: true }).toArray()) ?? []) {
        count += (await db?.collection(collection).countDocuments({ 'outbox.eventId': { $exists: true } })) ?? 0;
      }
    }
    return count;
  } finally {
    await connection.close();
  }
}

async function journalCounters(uri: string): Promise<CensusPoint['journal']> {
  const connection = await mongoose.createConnection(uri).asPromise();
  try {
    const status = await connection.db?.admin().command({ serverStatus: 1 });
    const journal = status?.['journal'] as { records?: number; commits?: number } | undefined;
    return journal?.records === undefined ? undefined : { records: Number(journal.records), commits: Number(journal.commits) };
  } finally {
    await connection.close();
  }
}

const byLabel = (samples: Sample[], name: string, label: string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const s of samples) if (s.name === name) out[s.labels[label]] = (out[s.labels[label]] ?? 0) + s.value;
  return out;
};

/** What happened between two points, divided by the run's orders. */
export function censusBetween(before: CensusPoint, after: CensusPoint, orders: number): Census {
  const per = (value: number) => value / Math.max(1, orders);
  const services = SERVICES.map(({ name }) => {
    const [b, a] = [before.metrics[name] ?? [], after.metrics[name] ?? []];
    const delta = (metric: string, labels: Record<string, string> = {}) => per(total(a, metric, labels) - total(b, metric, labels));
    const commandsBefore = byLabel(b, 'orderflow_mongodb_commands_total', 'command');
    const commands = Object.fromEntries(
      Object.entries(byLabel(a, 'orderflow_mongodb_commands_total', 'command'))
        .map(([command, count]) => [command, per(count - (commandsBefore[command] ?? 0))] as const)
        .filter(([, count]) => count > 0),
    );
    const writtenBefore = byLabel(b, 'orderflow_mongodb_documents_written_total', 'collection');
    const writtenTo = Object.fromEntries(
      Object.entries(byLabel(a, 'orderflow_mongodb_documents_written_total', 'collection'))
        .map(([collection, count]) => [collection, per(count - (writtenBefore[collection] ?? 0))] as const)
        .filter(([, count]) => count > 0),
    );
    return {
      service: name,
      commands,
      documentsWritten: delta('orderflow_mongodb_documents_written_total'),
      writtenTo,
      produced: delta('orderflow_kafka_messages_produced_total'),
      consumed: delta('orderflow_messages_handled_total'),
      ignored: delta('orderflow_messages_handled_total', { outcome: 'ignored' }),
      produceRequests: delta('orderflow_kafka_requests_total', { api: 'Produce' }),
      fetchRequests: delta('orderflow_kafka_requests_total', { api: 'Fetch' }),
      commitRequests: delta('orderflow_kafka_requests_total', { api: 'OffsetCommit' }),
    };
  });
  const database =
    before.journal && after.journal
      ? { records: per(after.journal.records - before.journal.records), commits: per(after.journal.commits - before.journal.commits) }
      : undefined;
  return { services, ...(database && { database }) };
}
