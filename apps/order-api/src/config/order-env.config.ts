import { envInteger } from '@orderflow/config';
import { CURRENCY_CODE, CURRENCY_CODE_MESSAGE } from '@orderflow/contracts';
import { MessagingConfig } from '@orderflow/messaging';
import { MongoConfig } from '@orderflow/persistence';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Matches, Min } from 'class-validator';

/**
 * order-api's own variables: the currency orders are placed in, and the limit after which a
 * PENDING order is ended as REJECTED (reason TIMEOUT), see ADR 0004. The libs' variables are
 * declared by the libs.
 */
export class OrderEnv {
  /** ISO 4217 code of the one currency this deployment prices in. */
  @IsOptional()
  @Matches(CURRENCY_CODE, { message: CURRENCY_CODE_MESSAGE })
  CURRENCY = 'USD';

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
