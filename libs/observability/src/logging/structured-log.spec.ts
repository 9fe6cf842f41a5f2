import pino from 'pino';
import { Writable } from 'node:stream';
import { LogContext } from './log.context';
import { loggerOptions } from './logger.options';
import { withoutSecrets } from './log.redaction';

/** A pino logger configured as the services configure theirs, writing into an array. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const { pinoHttp } = loggerOptions({ service: 'order-api', level: 'log', format: 'json' }) as { pinoHttp: pino.LoggerOptions };
  return { logger: pino(pinoHttp, sink), lines };
}

describe('structured log lines', () => {
  it('are JSON objects with the service, the time, the level as a word and the fields of the work under way', () => {
    const { logger, lines } = capture();
    const traceparent = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`;
    LogContext.run({ order_id: 'o-1', event_id: 'e-1', traceparent }, () => {
      logger.info('order o-1: reserved');
    });
    logger.info('outside any order');

    expect(lines[0]).toMatchObject({
      level: 'info',
      service: 'order-api',
      order_id: 'o-1',
      event_id: 'e-1',
      trace_id: 'a'.repeat(32),
      msg: 'order o-1: reserved',
    });
    expect(Math.abs((lines[0]['time'] as number) - Date.now())).toBeLessThan(60_000);
    expect(lines[1]).not.toHaveProperty('order_id');
    expect(lines[1]).not.toHaveProperty('trace_id');
  });

  it('keeps fields assigned later in the same scope, across awaits', async () => {
    const { logger, lines } = capture();
    await LogContext.run({}, async () => {
      await Promise.resolve();
      LogContext.assign({ order_id: 'o-2' });
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.info('later');
    });
    expect(lines[0]).toMatchObject({ order_id: 'o-2' });
  });

  it('blanks credentials: authorization headers, SASL passwords, tokens', () => {
    const { logger, lines } = capture();
    logger.info({ req: { headers: { authorization: 'Bearer abc.def' } } }, 'request');
    logger.warn(
      {
        kafka: withoutSecrets({
          broker: 'k:9092',
          sasl: { mechanism: 'plain', username: 'u', password: 'hunter2' },
          nested: { accessToken: 'tok' },
        }),
      },
      'kafkajs',
    );

    const text = JSON.stringify(lines);
    expect(text).not.toContain('abc.def');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('"tok"');
    expect(lines[1]).toMatchObject({ kafka: { broker: 'k:9092', sasl: { mechanism: 'plain', username: 'u', password: '[Redacted]' } } });
  });

  it('maps the service log levels onto pino levels', () => {
    const level = (l: 'error' | 'warn' | 'log' | 'debug' | 'verbose') =>
      (loggerOptions({ service: 's', level: l, format: 'json' }) as { pinoHttp: pino.LoggerOptions }).pinoHttp.level;
    expect(['error', 'warn', 'log', 'debug', 'verbose'].map((l) => level(l as 'log'))).toEqual(['error', 'warn', 'info', 'debug', 'trace']);
  });

  it('is human-readable on a terminal unless JSON is asked for', () => {
    const transport = (format: 'text' | 'json' | undefined, tty: boolean) =>
      (loggerOptions({ service: 's', level: 'log', format, tty }) as { pinoHttp: pino.LoggerOptions }).pinoHttp.transport;
    expect(transport(undefined, true)).toMatchObject({ target: 'pino-pretty' });
    expect(transport(undefined, false)).toBeUndefined();
    expect(transport('json', true)).toBeUndefined();
    expect(transport('text', false)).toMatchObject({ target: 'pino-pretty' });
  });
});
