import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/** `host:port` entries separated by commas, e.g. `kafka-0:9092,kafka-1:9092`. */
const BROKER_LIST = /^[A-Za-z0-9.-]+:\d{1,5}(,[A-Za-z0-9.-]+:\d{1,5})*$/;

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;

/**
 * The environment every Orderflow service needs. Apps extend it with their own variables.
 * Values come only from the environment: there are no silent defaults for where the
 * infrastructure lives, so a mis-deployed pod stops at once instead of talking to localhost.
 */
export class ServiceEnv {
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number from 1 to 65535' })
  @Min(1, { message: 'must be a whole number from 1 to 65535' })
  @Max(65535, { message: 'must be a whole number from 1 to 65535' })
  PORT!: number;

  @Matches(BROKER_LIST, { message: 'must be a comma-separated list of host:port' })
  KAFKA_BROKERS!: string;

  @Matches(/^mongodb(\+srv)?:\/\/\S+$/, { message: 'must be a mongodb:// or mongodb+srv:// URI' })
  MONGODB_URI!: string;

  /** Overrides the service's own database name (tests use it to isolate runs). */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'must be 1-63 letters, digits, _ or -' })
  MONGODB_DATABASE?: string;

  /** How long a graceful shutdown may take before the process gives up. */
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of milliseconds' })
  @Min(0, { message: 'must be a whole number of milliseconds' })
  SHUTDOWN_TIMEOUT_MS = 10_000;

  @IsOptional()
  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'], {
    message: 'must be one of error, warn, log, debug, verbose',
  })
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  /** Unset: human-readable on a terminal, one JSON object per line otherwise. */
  @IsOptional()
  @IsIn(['text', 'json'], { message: 'must be text or json' })
  LOG_FORMAT?: 'text' | 'json';

  /** First and longest wait between retries of a message whose handler failed transiently. */
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of milliseconds' })
  @Min(1, { message: 'must be a whole number of milliseconds' })
  CONSUMER_RETRY_INITIAL_MS = 200;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of milliseconds' })
  @Min(1, { message: 'must be a whole number of milliseconds' })
  CONSUMER_RETRY_MAX_MS = 10_000;

  /** How often the outbox relay looks for events left behind (writers also wake it at once). */
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of milliseconds' })
  @Min(10, { message: 'must be a whole number of milliseconds, at least 10' })
  OUTBOX_SWEEP_INTERVAL_MS = 10_000;

  /** ISO 4217 code of the one currency this deployment prices in. */
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code such as USD' })
  CURRENCY = 'USD';

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
