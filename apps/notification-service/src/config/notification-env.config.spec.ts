import { configProblems, loadConfig } from '@orderflow/config';
import { serviceConfig } from '@orderflow/runtime';
import { NOTIFICATION_SERVICE_CONFIG, NotificationEnv } from './notification-env.config';

const base = {
  PORT: '3003',
  KAFKA_BROKERS: '127.0.0.1:9092',
  MONGODB_URI: 'mongodb://127.0.0.1:27017',
  AUTH_JWKS_URL: 'https://issuer.example.com/.well-known/jwks.json',
  AUTH_ISSUER: 'https://issuer.example.com',
  AUTH_AUDIENCE: 'orderflow',
};

const problemsOf = (env: Record<string, string | undefined>) => configProblems(serviceConfig(NOTIFICATION_SERVICE_CONFIG), env);

describe('NotificationEnv', () => {
  it('delivers by logging, with sensible retry defaults, when nothing is set', () => {
    const env = loadConfig(NotificationEnv, base);
    expect(env.NOTIFICATION_WEBHOOK_URL).toBeUndefined();
    expect(env).toMatchObject({
      NOTIFICATION_WEBHOOK_TIMEOUT_MS: 5_000,
      NOTIFICATION_MAX_ATTEMPTS: 5,
      NOTIFICATION_RETRY_INITIAL_MS: 1_000,
      NOTIFICATION_RETRY_MAX_MS: 60_000,
    });
  });

  const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

  it('takes a webhook URL and numbers from the environment', () => {
    const env = loadConfig(NotificationEnv, {
      ...base,
      NOTIFICATION_WEBHOOK_URL: 'http://127.0.0.1:8080/hooks/notify',
      NOTIFICATION_WEBHOOK_SECRET: SECRET,
      NOTIFICATION_MAX_ATTEMPTS: '3',
      NOTIFICATION_RETRY_INITIAL_MS: '50',
    });
    expect(env).toMatchObject({
      NOTIFICATION_WEBHOOK_URL: 'http://127.0.0.1:8080/hooks/notify',
      NOTIFICATION_MAX_ATTEMPTS: 3,
      NOTIFICATION_RETRY_INITIAL_MS: 50,
    });
  });

  it('treats an empty webhook URL as unset', () => {
    expect(loadConfig(NotificationEnv, { ...base, NOTIFICATION_WEBHOOK_URL: '' }).NOTIFICATION_WEBHOOK_URL).toBeUndefined();
  });

  it.each([
    ['NOTIFICATION_WEBHOOK_URL', 'ftp://example.com/x'],
    ['NOTIFICATION_WEBHOOK_URL', 'not a url'],
    ['NOTIFICATION_WEBHOOK_TIMEOUT_MS', 'soon'],
    ['NOTIFICATION_MAX_ATTEMPTS', '0'],
    ['NOTIFICATION_SEND_CONCURRENCY', '1000'],
  ])('names a malformed %s (%s)', (variable, value) => {
    const problems = problemsOf({ ...base, NOTIFICATION_WEBHOOK_SECRET: SECRET, [variable]: value });
    expect(problems).toEqual([{ variable, problem: expect.stringMatching(/^must be/) }]);
  });

  it.each(['https://hooks.example.com/notify', 'http://localhost:8080/notify', 'http://127.0.0.1/notify', 'http://[::1]:9000/notify'])(
    'takes %s: https, or plain http on this machine only',
    (url) => {
      expect(
        loadConfig(NotificationEnv, { ...base, NOTIFICATION_WEBHOOK_URL: url, NOTIFICATION_WEBHOOK_SECRET: SECRET })
          .NOTIFICATION_WEBHOOK_URL,
      ).toBe(url);
    },
  );

  it('refuses a plain http webhook anywhere but on this machine', () => {
    expect(
      problemsOf({ ...base, NOTIFICATION_WEBHOOK_URL: 'http://hooks.example.com/notify', NOTIFICATION_WEBHOOK_SECRET: SECRET }),
    ).toEqual([
      { variable: 'NOTIFICATION_WEBHOOK_URL', problem: 'must be an https:// URL (plain http:// only to localhost, 127.0.0.1 or [::1])' },
    ]);
  });

  it('needs a signing secret with a webhook, in the Standard Webhooks form', () => {
    const url = 'https://hooks.example.com/notify';
    expect(problemsOf({ ...base, NOTIFICATION_WEBHOOK_URL: url })).toEqual([
      { variable: 'NOTIFICATION_WEBHOOK_SECRET', problem: 'is missing' },
    ]);
    for (const secret of ['swordfish', `whsec_${Buffer.alloc(8).toString('base64')}`, 'whsec_not base64!']) {
      expect(problemsOf({ ...base, NOTIFICATION_WEBHOOK_URL: url, NOTIFICATION_WEBHOOK_SECRET: secret })).toEqual([
        { variable: 'NOTIFICATION_WEBHOOK_SECRET', problem: 'must be whsec_ followed by the base64 of 24 to 64 random bytes' },
      ]);
    }
  });

  it('still names the shared variables that are missing', () => {
    expect(problemsOf({ ...base, MONGODB_URI: undefined })).toEqual([{ variable: 'MONGODB_URI', problem: 'is missing' }]);
  });
});
