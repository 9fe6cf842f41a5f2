import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Params } from 'nestjs-pino';
import type { LevelWithSilent } from 'pino';
import { correlationFields } from './log.mixin';
import { REDACTED, REDACTED_PATHS } from './log.redaction';

export type NestLogLevel = 'error' | 'warn' | 'log' | 'debug' | 'verbose';

export interface LoggerSettings {
  service: string;
  level: NestLogLevel;
  /** `json`: one object per line; `text`: human-readable; unset: text on a terminal, JSON otherwise. */
  format?: 'text' | 'json';
  /** Whether stdout is a terminal (for the unset format). */
  tty?: boolean;
}

const PINO_LEVEL: Record<NestLogLevel, LevelWithSilent> = {
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/** Probes and scrapes come every few seconds and say nothing about orders. */
const QUIET_PATHS = /^\/(health|metrics)(\/|\?|$)/;

/**
 * The pino (nestjs-pino) configuration of every service: one JSON object per line with the
 * service name, the time (pino's epoch milliseconds: formatting an ISO date costs more than
 * the rest of the line), the level as a word and the correlation fields; one line per HTTP
 * request with its status and duration; credentials redacted.
 */
export function loggerOptions(settings: LoggerSettings): Params {
  const pretty = (settings.format === 'text' || (settings.format === undefined && settings.tty === true)) && prettyInstalled();
  return {
    pinoHttp: {
      level: PINO_LEVEL[settings.level],
      base: { service: settings.service },
      formatters: { level: (label) => ({ level: label }) },
      mixin: correlationFields,
      redact: { paths: REDACTED_PATHS, censor: REDACTED },
      customAttributeKeys: { responseTime: 'duration_ms' },
      serializers: {
        // Method, path and status say what happened; headers would mostly repeat themselves.
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
      autoLogging: { ignore: (req: IncomingMessage) => QUIET_PATHS.test(req.url ?? '') },
      customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
      customSuccessMessage: (req: IncomingMessage, res: ServerResponse) => `${req.method} ${req.url} ${res.statusCode}`,
      customErrorMessage: (req: IncomingMessage, res: ServerResponse) => `${req.method} ${req.url} ${res.statusCode}`,
      ...(pretty && {
        transport: {
          target: 'pino-pretty',
          options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', messageFormat: `{service} {msg}` },
        },
      }),
    },
    // Nest's own context (the class name) goes in a field of its own.
    renameContext: 'logger',
  };
}

/**
 * pino-pretty is loaded by name in a worker thread, so the build's pruned package.json (the
 * image's) does not list it: where it is missing, lines stay JSON rather than the service failing.
 */
function prettyInstalled(): boolean {
  try {
    // Resolved from the process's working directory, as pino resolves transport targets;
    // createRequire keeps the bundler from resolving it at build time.
    createRequire(join(process.cwd(), 'noop.js')).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}
