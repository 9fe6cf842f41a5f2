import type { INestApplication, LoggerService } from '@nestjs/common';
import { Logger } from 'nestjs-pino';

/**
 * Makes the structured (pino) logger the application's logger, so every `new Logger(X.name)`
 * in the services writes through it, and returns it for the bootstrap's own lines.
 */
export function useStructuredLogs(app: INestApplication): LoggerService {
  const logger = app.get(Logger);
  app.useLogger(logger);
  return logger;
}
