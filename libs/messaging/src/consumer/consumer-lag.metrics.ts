import { Gauge, type Registry } from 'prom-client';
import type { Admin, Kafka } from 'kafkajs';

/** A scrape must not hang on a broker that does not answer; the gauge then keeps its last values. */
const LOOKUP_TIMEOUT_MS = 2_000;

/**
 * `orderflow_consumer_lag`: per topic and partition, how many messages the service's
 * consumer group has yet to commit — the log end offset minus the group's committed offset
 * (from the earliest offset when it has committed none). Read from the broker at scrape
 * time, so it covers partitions this replica does not own and a consumer that is stuck;
 * every replica reports the same group's lag, so dashboards take `max` over instances.
 */
export class ConsumerLagMetrics {
  private readonly admin: Admin;
  private connected = false;

  constructor(
    kafka: Kafka,
    registry: Registry,
    private readonly groupId: string,
    private readonly topics: string[],
  ) {
    this.admin = kafka.admin({ retry: { retries: 0 } });
    this.admin.on(this.admin.events.CONNECT, () => (this.connected = true));
    this.admin.on(this.admin.events.DISCONNECT, () => (this.connected = false));
    const lagOf = () => this.lag();
    new Gauge({
      name: 'orderflow_consumer_lag',
      help: "Messages of a topic partition not yet committed by the service's consumer group",
      labelNames: ['group', 'topic', 'partition'],
      registers: [registry],
      async collect() {
        const lags = await withTimeout(lagOf(), LOOKUP_TIMEOUT_MS).catch(() => undefined);
        if (!lags) return;
        for (const { topic, partition, lag } of lags) this.set({ group: groupId, topic, partition: String(partition) }, lag);
      },
    });
  }

  async lag(): Promise<{ topic: string; partition: number; lag: number }[]> {
    if (!this.connected) await this.admin.connect();
    const committed = await this.admin.fetchOffsets({ groupId: this.groupId, topics: this.topics });
    const result: { topic: string; partition: number; lag: number }[] = [];
    for (const topic of this.topics) {
      const ends = await this.admin.fetchTopicOffsets(topic);
      const group = committed.find((c) => c.topic === topic)?.partitions ?? [];
      for (const end of ends) {
        const offset = Number(group.find((p) => p.partition === end.partition)?.offset ?? -1);
        const from = offset >= 0 ? offset : Number(end.low);
        result.push({ topic, partition: end.partition, lag: Math.max(0, Number(end.high) - from) });
      }
    }
    return result;
  }

  async close(): Promise<void> {
    await this.admin.disconnect().catch(() => undefined);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
}
