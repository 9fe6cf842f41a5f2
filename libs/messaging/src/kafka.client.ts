import { Logger } from '@nestjs/common';
import { withoutSecrets } from '@orderflow/observability';
import { Kafka, KafkaConfig, logLevel, LogEntry, SASLOptions } from 'kafkajs';
import type { MessagingConfig } from './messaging.config';
import { patchRequestQueue } from './request-queue.patch';

const toNestLevel = (level: logLevel): 'error' | 'warn' | 'log' | 'debug' =>
  level === logLevel.ERROR || level === logLevel.NOTHING
    ? 'error'
    : level === logLevel.WARN
      ? 'warn'
      : level === logLevel.INFO
        ? 'log'
        : 'debug';

/**
 * Routes kafkajs's own log lines through the service's logger, its details as fields. Their
 * shape is kafkajs's, so anything named like a credential is blanked at any depth.
 */
const logCreator = () => {
  const logger = new Logger('kafkajs');
  return ({ level, log }: LogEntry) => {
    const { message, ...extra } = log;
    logger[toNestLevel(level)]({ msg: message, kafka: withoutSecrets(extra) });
  };
};

function sasl(env: MessagingConfig): SASLOptions | undefined {
  if (!env.KAFKA_SASL_MECHANISM) return undefined;
  return {
    mechanism: env.KAFKA_SASL_MECHANISM,
    username: env.KAFKA_SASL_USERNAME ?? '',
    password: env.KAFKA_SASL_PASSWORD ?? '',
  } as SASLOptions;
}

/** kafkajs's waits between attempts to reach the broker: from 250 ms, at most 2 s. */
export const RETRY_WAITS = { initialRetryTime: 250, maxRetryTime: 2_000 };

/** A kafkajs client for this service, honouring the TLS and SASL settings of a managed Kafka. */
export function createKafkaClient(clientId: string, env: MessagingConfig): Kafka {
  patchRequestQueue();
  const config: KafkaConfig = {
    clientId,
    brokers: env.kafkaBrokers,
    ssl: env.KAFKA_SSL === 'true',
    sasl: sasl(env),
    logLevel: logLevel.WARN,
    logCreator,
    // kafkajs backs off up to 30 s between attempts by default, and restarts a consumer that
    // ran out of attempts after the last of those waits: a broker back within seconds went
    // unused for as long. Waits of at most 2 s, more of them, give up after about as long.
    retry: { ...RETRY_WAITS, retries: 10 },
  };
  return new Kafka(config);
}
