import { IsIn, IsOptional } from 'class-validator';
import type { NestLogLevel } from './logger.options';

/** The variables TelemetryModule's logger reads. */
export class LogConfig {
  @IsOptional()
  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'], {
    message: 'must be one of error, warn, log, debug, verbose',
  })
  LOG_LEVEL: NestLogLevel = 'log';

  /** Unset: human-readable on a terminal, one JSON object per line otherwise. */
  @IsOptional()
  @IsIn(['text', 'json'], { message: 'must be text or json' })
  LOG_FORMAT?: 'text' | 'json';
}
