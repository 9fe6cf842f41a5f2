import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { ReadinessProbe } from '@orderflow/observability';
import { Admin, Kafka } from 'kafkajs';
import { EventConsumerServer } from './consumer/event-consumer.server';

/** Ready when the cluster answers and every consumer of this service has joined its group. */
@Injectable()
export class KafkaReadiness implements ReadinessProbe, OnApplicationShutdown {
  readonly name = 'kafka';
  private readonly admin: Admin;

  constructor(
    kafka: Kafka,
    private readonly consumers: EventConsumerServer,
  ) {
    // One quick attempt per probe: the probe is asked again in a few seconds anyway.
    this.admin = kafka.admin({ retry: { retries: 0 } });
  }

  async check(): Promise<void> {
    await this.admin.connect();
    const cluster = await this.admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('no broker in the cluster');
    const problems = this.consumers.problems();
    if (problems.length > 0) throw new Error(problems.join('; '));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin.disconnect();
  }
}
