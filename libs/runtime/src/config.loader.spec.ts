import { AuthConfig, authOptionsOf } from '@orderflow/auth';
import { LogConfig } from '@orderflow/observability';
import { IsOptional, Matches } from 'class-validator';
import { ConfigError, configProblems, loadConfig } from '@orderflow/config';
import { RuntimeConfig, serviceConfig } from './runtime.config';

const valid = {
  PORT: '3000',
  AUTH_JWKS_URL: 'https://issuer.example.com/.well-known/jwks.json',
  AUTH_ISSUER: 'https://issuer.example.com',
  AUTH_AUDIENCE: 'orderflow',
};

/** What runtime validates of every service, without the classes of the libs an app adds. */
const RUNTIME_CONFIG = serviceConfig([]);

const problemsOf = (env: Record<string, string | undefined>) => configProblems(RUNTIME_CONFIG, env);

describe('loadConfig', () => {
  it('returns typed values with defaults for the optional ones', () => {
    const [runtime, log] = loadConfig([RuntimeConfig, LogConfig], valid);
    expect(runtime.PORT).toBe(3000);
    expect(runtime.SHUTDOWN_TIMEOUT_MS).toBe(10_000);
    expect(log.LOG_LEVEL).toBe('log');
  });

  it.each(['PORT'])('names a missing %s', (variable) => {
    expect(problemsOf({ ...valid, [variable]: undefined })).toEqual([{ variable, problem: 'is missing' }]);
  });

  it.each([
    ['PORT', '80a'],
    ['PORT', '70000'],
    ['SHUTDOWN_TIMEOUT_MS', 'soon'],
    ['AUTH_JWKS_URL', 'issuer.example.com/keys'],
    ['AUTH_DISABLED', 'yes'],
    ['AUTH_SCOPE_STAFF_READ', 'two words'],
    ['RATE_LIMIT_PER_CALLER', '0'],
    ['DOCS_ACCESS', 'closed'],
    ['CORS_ORIGINS', '*'],
  ])('names a malformed %s (%s)', (variable, value) => {
    const problems = problemsOf({ ...valid, [variable]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0].variable).toBe(variable);
    expect(problems[0].problem).not.toBe('is missing');
  });

  it('reports every bad variable at once, in one readable message', () => {
    const error = (() => {
      try {
        loadConfig(RUNTIME_CONFIG, {});
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe(
      'invalid configuration: PORT is missing; ' + 'AUTH_JWKS_URL is missing; AUTH_ISSUER is missing; AUTH_AUDIENCE is missing',
    );
  });

  it.each(['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE'])('names a missing %s: authentication is on by default', (variable) => {
    expect(problemsOf({ ...valid, [variable]: undefined })).toEqual([{ variable, problem: 'is missing' }]);
  });

  it('needs no issuer only when authentication is disabled explicitly', () => {
    const { AUTH_JWKS_URL, AUTH_ISSUER, AUTH_AUDIENCE, ...withoutIssuer } = valid;
    expect([AUTH_JWKS_URL, AUTH_ISSUER, AUTH_AUDIENCE]).toHaveLength(3);
    expect(loadConfig(AuthConfig, { ...withoutIssuer, AUTH_DISABLED: 'true' }).AUTH_DISABLED).toBe('true');
    expect(problemsOf({ ...withoutIssuer, AUTH_DISABLED: 'false' }).map((p) => p.variable)).toEqual([
      'AUTH_JWKS_URL',
      'AUTH_ISSUER',
      'AUTH_AUDIENCE',
    ]);
  });

  it.each([
    'http://issuer.example.com/.well-known/jwks.json',
    'http://10.0.0.7:3999/.well-known/jwks.json',
    'http://token-issuer:3999/.well-known/jwks.json',
    'http://127.example.com/keys',
    'ftp://issuer.example.com/keys',
  ])('refuses a JWKS URL that is not https:// off loopback (%s), with a clear message', (url) => {
    expect(problemsOf({ ...valid, AUTH_JWKS_URL: url })).toEqual([
      {
        variable: 'AUTH_JWKS_URL',
        problem: expect.stringMatching(/^must be an https:\/\/ URL/),
      },
    ]);
    expect(() => loadConfig(RUNTIME_CONFIG, { ...valid, AUTH_JWKS_URL: url })).toThrow(/AUTH_JWKS_URL must be an https:\/\/ URL/);
  });

  it.each([
    'https://issuer.example.com/.well-known/jwks.json',
    'http://127.0.0.1:3999/.well-known/jwks.json',
    'http://127.1.2.3/keys',
    'http://localhost:3999/.well-known/jwks.json',
    'http://[::1]:3999/.well-known/jwks.json',
  ])('accepts an https:// JWKS URL, or http:// on loopback (%s)', (url) => {
    expect(loadConfig(AuthConfig, { ...valid, AUTH_JWKS_URL: url }).AUTH_JWKS_URL).toBe(url);
  });

  it('accepts http:// off loopback only when AUTH_JWKS_ALLOW_HTTP=true says so (docker compose)', () => {
    const url = 'http://token-issuer:3999/.well-known/jwks.json';
    expect(loadConfig(AuthConfig, { ...valid, AUTH_JWKS_URL: url, AUTH_JWKS_ALLOW_HTTP: 'true' }).AUTH_JWKS_URL).toBe(url);
    expect(problemsOf({ ...valid, AUTH_JWKS_URL: url, AUTH_JWKS_ALLOW_HTTP: 'false' }).map((p) => p.variable)).toEqual(['AUTH_JWKS_URL']);
  });

  it('AUTH_REQUIRE_AT_JWT is off by default, and only true or false', () => {
    expect(authOptionsOf(loadConfig(AuthConfig, valid)).requireAccessTokenType).toBe(false);
    expect(authOptionsOf(loadConfig(AuthConfig, { ...valid, AUTH_REQUIRE_AT_JWT: 'true' })).requireAccessTokenType).toBe(true);
    expect(problemsOf({ ...valid, AUTH_REQUIRE_AT_JWT: 'yes' }).map((p) => p.variable)).toEqual(['AUTH_REQUIRE_AT_JWT']);
  });

  it('validates several classes at once: one instance each, in order, every problem in one error', () => {
    class Extra {
      @IsOptional()
      @Matches(/^[a-z]+$/, { message: 'must be lowercase letters' })
      EXTRA_NAME = 'default';
    }
    const [runtime, extra] = loadConfig([RuntimeConfig, Extra], valid);
    expect(runtime).toBeInstanceOf(RuntimeConfig);
    expect(extra.EXTRA_NAME).toBe('default');
    expect(() => loadConfig([RuntimeConfig, Extra], { ...valid, PORT: undefined, EXTRA_NAME: 'X' })).toThrow(
      'invalid configuration: PORT is missing; EXTRA_NAME must be lowercase letters',
    );
  });
});
