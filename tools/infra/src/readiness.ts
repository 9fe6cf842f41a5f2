import { allTopics } from '@orderflow/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { mongo } from 'mongoose';
import { delay } from './daemon';
import { UsageError } from './paths';

/** Polls `attempt` until it succeeds or the deadline passes; then fails naming the log to read. */
async function waitFor(what: string, logHint: string, timeoutMs: number, attempt: () => Promise<void>) {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      await attempt();
      return;
    } catch (error) {
      lastError = error;
      await delay(500);
    }
  }
  throw new UsageError(
    `${what} did not accept connections within ${timeoutMs / 1000} s ` + `(${(lastError as Error)?.message ?? 'no answer'}); ${logHint}`,
  );
}

const kafkaClient = (brokers: string, retries: number) =>
  new Kafka({
    clientId: 'orderflow-infra',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries },
  });

export async function waitForKafka(brokers: string, logHint: string, timeoutMs = 90_000) {
  await waitFor(`Kafka at ${brokers}`, logHint, timeoutMs, async () => {
    const admin = kafkaClient(brokers, 0).admin();
    try {
      await admin.connect();
      await admin.describeCluster();
    } finally {
      await admin.disconnect();
    }
  });
}

export async function waitForMongo(uri: string, logHint: string, timeoutMs = 90_000) {
  await waitFor(`MongoDB at ${uri}`, logHint, timeoutMs, async () => {
    const client = new mongo.MongoClient(uri, { serverSelectionTimeoutMS: 1_000 });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
    } finally {
      await client.close();
    }
  });
}

/**
 * Creates every topic of the registry that does not exist yet; returns the names created.
 * On a new cluster it also wakes the group coordinator and the producer-id manager, whose
 * first requests otherwise answer with retriable errors that clients log as ERROR.
 */
export async function createTopics(brokers: string): Promise<string[]> {
  const kafka = kafkaClient(brokers, 8);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.describeGroups(['orderflow.warm-up']);
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.disconnect();
    const existing = new Set(await admin.listTopics());
    const missing = allTopics().filter((t) => !existing.has(t.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({ topic: t.name, numPartitions: t.partitions })),
      });
    }
    return missing.map((t) => t.name);
  } finally {
    await admin.disconnect();
  }
}
