import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsUrl, Min } from 'class-validator';
import { configOf, configProblems, loadConfig } from './config.loader';
import { envInteger, wholeNumberOf } from './env-number.format';

class ServerConfig {
  @Transform(envInteger)
  @IsInt(wholeNumberOf('milliseconds', 1000))
  @Min(1000, wholeNumberOf('milliseconds', 1000))
  @IsOptional()
  TIMEOUT_MS = 5000;
}

class UpstreamConfig {
  @IsUrl({ require_tld: false })
  UPSTREAM_URL!: string;
}

const problemsOf = (env: Record<string, string | undefined>) => configProblems([ServerConfig, UpstreamConfig], env);

describe('loadConfig', () => {
  it('returns one typed instance per class, in order, with defaults for what is not set', () => {
    const [server, upstream] = loadConfig([ServerConfig, UpstreamConfig], { UPSTREAM_URL: 'http://upstream:8080', OTHER: 'ignored' });
    expect(server.TIMEOUT_MS).toBe(5000);
    expect(upstream.UPSTREAM_URL).toBe('http://upstream:8080');
    expect(loadConfig(ServerConfig, { TIMEOUT_MS: '2500' }).TIMEOUT_MS).toBe(2500);
  });

  it('names every bad variable of every class in one error, and none when the environment is good', () => {
    expect(problemsOf({ UPSTREAM_URL: 'http://upstream:8080' })).toEqual([]);
    expect(problemsOf({ TIMEOUT_MS: '10s' })).toEqual([
      { variable: 'TIMEOUT_MS', problem: 'must be a whole number of milliseconds, at least 1000' },
      { variable: 'UPSTREAM_URL', problem: 'is missing' },
    ]);
    expect(() => loadConfig(ServerConfig, { TIMEOUT_MS: '10' })).toThrow(
      'invalid configuration: TIMEOUT_MS must be a whole number of milliseconds, at least 1000',
    );
  });

  it('finds a validated instance by its class, and refuses one that was not validated', () => {
    const configs = loadConfig([ServerConfig], {});
    expect(configOf(configs, ServerConfig)).toBeInstanceOf(ServerConfig);
    expect(() => configOf(configs, UpstreamConfig)).toThrow('UpstreamConfig is not among the validated configuration');
  });
});
