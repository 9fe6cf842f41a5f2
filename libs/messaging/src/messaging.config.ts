import { envInteger } from '@orderflow/config';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Min } from 'class-validator';

/** `host:port` entries separated by commas, e.g. `kafka-0:9092,kafka-1:9092`. */
const BROKER_LIST = /^[A-Za-z0-9.-]+:\d{1,5}(,[A-Za-z0-9.-]+:\d{1,5})*$/;

/** The variables MessagingModule reads: where Kafka is, how to log in, and the timings of consumers and the outbox. */
export class MessagingConfig {
  @Matches(BROKER_LIST, { message: 'must be a comma-separated list of host:port' })
  KAFKA_BROKERS!: string;

  /** First and longest wait between retries of a message whose handler failed transiently. */
  @IsOptional()
  @Transform(envInteger)
  @IsInt({ message: 'must be a whole number of milliseconds' })
  @Min(1, { message: 'must be a whole number of milliseconds' })
  CONSUMER_RETRY_INITIAL_MS = 200;

  @IsOptional()
  @Transform(envInteger)
  @IsInt({ message: 'must be a whole number of milliseconds' })
  @Min(1, { message: 'must be a whole number of milliseconds' })
  CONSUMER_RETRY_MAX_MS = 10_000;

  /**
   * How long the broker waits for a silent consumer before giving its partitions to another.
   * It is also what a restarted broker waits for the members it remembers before handing out
   * partitions again, so it bounds recovery after a broker restart. The broker allows 6 s to
   * 30 min by default; heartbeats go out at a tenth of it. 6 s, the broker's least: after a
   * broker restart the last order was final 2.0–3.8 s after it was back, against 11.4–12.3 s
   * with 10 s, and no fault scenario lost a replica's partitions to a missed heartbeat.
   */
  @IsOptional()
  @Transform(envInteger)
  @IsInt({ message: 'must be a whole number of milliseconds from 6000' })
  @Min(6_000, { message: 'must be a whole number of milliseconds from 6000' })
  KAFKA_SESSION_TIMEOUT_MS = 6_000;

  /** How often the outbox relay looks for events left behind (writers also wake it at once). */
  @IsOptional()
  @Transform(envInteger)
  @IsInt({ message: 'must be a whole number of milliseconds' })
  @Min(10, { message: 'must be a whole number of milliseconds, at least 10' })
  OUTBOX_SWEEP_INTERVAL_MS = 10_000;

  /** SASL and TLS for a managed Kafka; plain TCP when unset. */
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  KAFKA_SSL?: 'true' | 'false';

  @IsOptional()
  @IsIn(['plain', 'scram-sha-256', 'scram-sha-512'], {
    message: 'must be one of plain, scram-sha-256, scram-sha-512',
  })
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512';

  @IsOptional()
  @IsString()
  KAFKA_SASL_USERNAME?: string;

  @IsOptional()
  @IsString()
  KAFKA_SASL_PASSWORD?: string;

  get kafkaBrokers(): string[] {
    return this.KAFKA_BROKERS.split(',');
  }
}
