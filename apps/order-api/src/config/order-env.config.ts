import { envInteger } from '@orderflow/contracts';
import { MessagingConfig } from '@orderflow/messaging';
import { MongoConfig } from '@orderflow/persistence';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';

/**
 * order-api's own variables: the limit after which a PENDING order is ended as REJECTED
 * (reason TIMEOUT), see ADR 0004. The libs' variables are declared by the libs.
 */
export class OrderEnv {
  /** How long an order may stay PENDING before order-api ends it (default 10 minutes). */
  @IsOptional()
  @Transform(envInteger)
  @IsInt({ message: 'must be a whole number of milliseconds, at least 1000' })
  @Min(1_000, { message: 'must be a whole number of milliseconds, at least 1000' })
  PENDING_TIMEOUT_MS = 600_000;

  /** How often order-api looks for overdue PENDING orders. */
  @IsOptional()
  @Transform(envInteger)
  @IsInt({ message: 'must be a whole number of milliseconds, at least 100' })
  @Min(100, { message: 'must be a whole number of milliseconds, at least 100' })
  PENDING_SWEEP_INTERVAL_MS = 30_000;
}

/** Everything order-api reads from its environment besides what runtime reads itself. */
export const ORDER_API_CONFIG = [MessagingConfig, MongoConfig, OrderEnv] as const;
