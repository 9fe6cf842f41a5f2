import { ServiceEnv } from '@orderflow/runtime';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;

/**
 * order-api's environment: the shared variables plus the limit after which a PENDING order
 * is ended as REJECTED (reason TIMEOUT), see ADR 0004.
 */
export class OrderEnv extends ServiceEnv {
  /** How long an order may stay PENDING before order-api ends it (default 10 minutes). */
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of milliseconds, at least 1000' })
  @Min(1_000, { message: 'must be a whole number of milliseconds, at least 1000' })
  PENDING_TIMEOUT_MS = 600_000;

  /** How often order-api looks for overdue PENDING orders. */
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of milliseconds, at least 100' })
  @Min(100, { message: 'must be a whole number of milliseconds, at least 100' })
  PENDING_SWEEP_INTERVAL_MS = 30_000;
}
