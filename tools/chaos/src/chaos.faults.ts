import { Topics, ConsumerGroups, DeadLetterHeader, deadLetterTopic, type TopicKey } from '@orderflow/contracts';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { SERVICES } from '@orderflow/stack';
import type { ChaosFleet } from './chaos.fleet';
import type { PrivateInfra } from './private.infra';

export const FAULT_KINDS = [
  'service-kill',
  'broker-kill',
  'broker-term',
  'database-restart',
  'database-cut',
  'kafka-cut',
  'kafka-freeze',
  'replica-churn',
  'poison',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultContext {
  infra: PrivateInfra;
  fleet: ChaosFleet;
  random: () => number;
  log: (line: string) => void;
  /** Poison messages published so far, per dead-letter topic: what must be parked there. */
  poisoned: Map<string, number>;
}

export interface InjectedFault {
  kind: FaultKind;
  detail: string;
  /** When what the fault broke answered again (ms since epoch); a killed replica may still be starting. */
  recovered: Promise<number>;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)];

/** Injects one fault, waits, undoes it (restart, reconnect), and says when all answered again. */
export async function inject(kind: FaultKind, ctx: FaultContext): Promise<InjectedFault> {
  const { infra, fleet, random } = ctx;
  const outageMs = 2_000 + Math.floor(random() * 4_000);
  let detail: string;
  switch (kind) {
    case 'service-kill': {
      // The next fault does not wait for the replica to be back: a replica may die again
      // while it starts, or every replica of a service may be down at once for a while.
      const { service, ready } = await fleet.kill(Math.floor(random() * fleet.size), 'SIGKILL', true);
      // Under a dense run of broker faults a replica may take longer than the wait to join its
      // group: it keeps trying, and the end state still has to come out right.
      const recovered = ready.then(
        () => Date.now(),
        (error: Error) => {
          ctx.log(`${service} replica not ready yet after its restart: ${error.message.split('\n')[0]}`);
          return Date.now();
        },
      );
      return { kind, detail: `SIGKILL of one ${service} replica, restarted`, recovered };
    }
    case 'broker-kill':
    case 'broker-term': {
      await infra.kill('kafka', kind === 'broker-kill' ? 'SIGKILL' : 'SIGTERM');
      await pause(outageMs);
      await infra.restart();
      detail = `${kind === 'broker-kill' ? 'SIGKILL' : 'SIGTERM'} of the broker, restarted after ${outageMs} ms`;
      break;
    }
    case 'database-restart': {
      await infra.kill('mongodb', 'SIGKILL');
      await pause(outageMs);
      await infra.restart();
      detail = `SIGKILL of the database, restarted after ${outageMs} ms`;
      break;
    }
    case 'database-cut': {
      await fleet.databaseLink.stop();
      await pause(outageMs);
      await fleet.databaseLink.start();
      detail = `every service's database connections cut for ${outageMs} ms`;
      break;
    }
    case 'kafka-cut': {
      const service = pick(SERVICES, random).name;
      const link = fleet.kafkaLinks[service];
      await link.stop();
      await pause(outageMs);
      await link.start();
      detail = `${service}'s Kafka connections cut for ${outageMs} ms`;
      break;
    }
    case 'kafka-freeze': {
      infra.freeze('kafka', true);
      try {
        await pause(outageMs);
      } finally {
        infra.freeze('kafka', false);
      }
      detail = `the broker frozen (SIGSTOP) for ${outageMs} ms: every Kafka connection hangs, then resumes`;
      break;
    }
    case 'replica-churn': {
      const service = pick(SERVICES, random).name;
      await fleet.add(service);
      await pause(outageMs);
      // The oldest replica of that service leaves gracefully; the partitions rebalance twice.
      await (
        await fleet.kill(fleet.indexOf(service, 0), 'SIGTERM', false)
      ).ready;
      detail = `one more ${service} replica joined, and its oldest left ${outageMs} ms later`;
      break;
    }
    case 'poison': {
      const topics = await poisonEveryTopic(infra.brokers, ctx.poisoned);
      detail = `an undecodable message on each of ${topics.join(', ')}`;
      break;
    }
  }
  return { kind, detail, recovered: Promise.resolve(Date.now()) };
}

/** How many consumer groups read each topic: each parks its own copy of a poison message. */
export function readersOf(topic: TopicKey): number {
  return Object.values(ConsumerGroups).filter((group) => (group.topics as readonly string[]).includes(topic)).length;
}

async function poisonEveryTopic(brokers: string, poisoned: Map<string, number>): Promise<string[]> {
  const kafka = new Kafka({ clientId: 'chaos-poison', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const topics = (Object.keys(Topics) as TopicKey[]).filter((key) => readersOf(key) > 0);
  try {
    for (const key of topics) {
      await producer.send({
        topic: Topics[key].name,
        messages: [{ key: randomUUID(), value: Buffer.from('not a protobuf event'), headers: { ce_type: 'orderflow.unknown.v1.Poison' } }],
      });
      const dlt = deadLetterTopic(Topics[key].name);
      poisoned.set(dlt, (poisoned.get(dlt) ?? 0) + readersOf(key));
    }
  } finally {
    await producer.disconnect();
  }
  return topics.map((key) => Topics[key].name);
}

/**
 * Events parked on each dead-letter topic now: distinct (consumer group, source topic,
 * partition, offset), as the dead-letter headers name them. Parking is at least once like
 * any effect — a replica killed after parking a message and before committing past it
 * parks it again when the message is redelivered — so a message may be on its dead-letter
 * topic twice; it is still one event parked.
 */
export async function deadLetterCounts(brokers: string): Promise<Map<string, number>> {
  const kafka = new Kafka({ clientId: 'chaos-dlt', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `chaos-dlt-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250 });
  try {
    const topics = Object.values(Topics).map((topic) => deadLetterTopic(topic.name));
    let stored = 0;
    for (const dlt of topics) {
      for (const p of await admin.fetchTopicOffsets(dlt)) stored += Number(BigInt(p.high) - BigInt(p.low));
    }
    const sources = new Map(topics.map((dlt) => [dlt, new Set<string>()]));
    let read = 0;
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const header = (name: string) => message.headers?.[name]?.toString() ?? '';
        sources
          .get(topic)
          ?.add(
            [DeadLetterHeader.group, DeadLetterHeader.topic, DeadLetterHeader.partition, DeadLetterHeader.offset].map(header).join(' '),
          );
        read += 1;
      },
    });
    const deadline = Date.now() + 60_000;
    while (read < stored) {
      if (Date.now() > deadline) throw new Error(`read ${read} of the ${stored} dead letters in 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return new Map([...sources].map(([dlt, set]) => [dlt, set.size]));
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
