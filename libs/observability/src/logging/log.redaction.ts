/**
 * Paths pino blanks out in any line that carries them: credentials in request headers and
 * in client options an error might log. Exact paths only: wildcards make pino walk every
 * line's keys, and logging must stay cheap on the hot path. Objects of unknown shape go
 * through `withoutSecrets` first (kafkajs's log payloads do).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'sasl.password',
  'kafka.sasl.password',
  'password',
  'token',
  'accessToken',
];

export const REDACTED = '[Redacted]';

const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|credential/i;

/**
 * A copy of `value` with every property whose name suggests a secret replaced, at any
 * depth. For objects of unknown shape (a third-party client's log payload), where fixed
 * redaction paths cannot reach.
 */
export function withoutSecrets(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => withoutSecrets(item, depth + 1));
  if (value instanceof Error || Buffer.isBuffer(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    copy[key] = SECRET_KEY.test(key) && inner !== undefined && inner !== null ? REDACTED : withoutSecrets(inner, depth + 1);
  }
  return copy;
}
