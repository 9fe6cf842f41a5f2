import { ConsumerGroups, Topics } from '@orderflow/contracts';
import { eventually, infraEnv } from '@orderflow/testing';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { ServiceName } from './services';

export interface GroupTopic {
  groupId: string;
  topic: string;
}

/** The topics a service reads, each with the service's one consumer group. */
export function consumerGroupsOf(service: ServiceName): GroupTopic[] {
  const { groupId, topics } = ConsumerGroups[service];
  return topics.map((key) => ({ groupId, topic: Topics[key].name }));
}

/** Runs `work` with an admin client of the Kafka the suite's services use. */
export async function withKafkaAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
  const kafka = new Kafka({ clientId: 'pipeline-e2e', brokers: infraEnv().KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/**
 * When the process running the suite started: no service of this run published anything
 * before. On a Kafka kept between runs, older events belong to databases of earlier runs.
 */
export const suiteStartedAt = (): Date => new Date(Date.now() - process.uptime() * 1000);

/**
 * Moves every consumer group of `service` back to the first event published at or after
 * `since` (to the very start of its topics without `since`), so that it reads all of them
 * again once it runs. Kafka refuses while the group has members: stop the service
 * gracefully first.
 */
export async function rewind(service: ServiceName, since?: Date): Promise<void> {
  await withKafkaAdmin(async (admin) => {
    for (const { groupId, topic } of consumerGroupsOf(service)) {
      if (!since) {
        await admin.resetOffsets({ groupId, topic, earliest: true });
        continue;
      }
      const partitions = await admin.fetchTopicOffsetsByTimestamp(topic, since.getTime());
      await admin.setOffsets({ groupId, topic, partitions });
    }
  });
}

/** Where each of `service`'s partitions that is not consumed to the end stands. */
export async function partitionsBehind(
  admin: Admin,
  service: ServiceName,
): Promise<{ groupId: string; partition: number; position: bigint; high: bigint }[]> {
  const behind: { groupId: string; partition: number; position: bigint; high: bigint }[] = [];
  for (const { groupId, topic } of consumerGroupsOf(service)) {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    for (const { partition, high, low } of ends) {
      const offset = committed?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
      // A group that never committed on a partition stands at its start.
      const position = BigInt(offset) < 0n ? BigInt(low) : BigInt(offset);
      if (position < BigInt(high)) behind.push({ groupId, partition, position, high: BigInt(high) });
    }
  }
  return behind;
}

/** The partitions on which a group of `service` has not consumed to the end, as "group[partition] at x of y". */
export async function lagOf(admin: Admin, service: ServiceName): Promise<string[]> {
  return (await partitionsBehind(admin, service)).map((p) => `${p.groupId}[${p.partition}] at ${p.position} of ${p.high}`);
}

/**
 * Polls until every consumer group of `service` has committed up to the end of its topic,
 * i.e. the service has handled every event there is for it.
 */
export function caughtUp(service: ServiceName, timeoutMs = 120_000): Promise<void> {
  return withKafkaAdmin((admin) =>
    eventually(
      async () => {
        const behind = await lagOf(admin, service);
        if (behind.length > 0) throw new Error(`${service} has not consumed everything yet: ${behind.join(', ')}`);
      },
      { timeoutMs, intervalMs: 250 },
    ),
  );
}
