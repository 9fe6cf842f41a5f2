import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { execForm, parseDockerfile } from './dockerfile.parser';
import { envProblems, requiredEnv, SERVICES } from './service.catalog';
import { paths, ROOT } from './workspace.paths';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  entrypoint?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
}

const seconds = (duration: string) => {
  const match = /^(\d+)(ms|s|m)$/.exec(duration);
  if (!match) throw new Error(`unsupported duration ${duration}`);
  return Number(match[1]) * { ms: 0.001, s: 1, m: 60 }[match[2] as 'ms' | 's' | 'm'];
};

describe('docker/compose.yml', () => {
  // merge: compose files share blocks with YAML anchors and `<<` merge keys.
  const compose = parse(readFileSync(paths.compose, 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const services = compose.services;
  const composeDir = dirname(paths.compose);
  const kafka = services['kafka'];
  const internalKafka = /INTERNAL:\/\/([^,]+)/.exec(String(kafka.environment?.['KAFKA_ADVERTISED_LISTENERS']))?.[1];
  const dockerHealthcheck = (() => {
    const runtime = parseDockerfile(readFileSync(paths.dockerfile, 'utf8')).stages.find((s) => s.name === 'runtime');
    const instruction = runtime?.instructions.find((i) => i.keyword === 'HEALTHCHECK');
    return execForm(instruction?.args.replace(/^CMD /, '') ?? '');
  })();

  it('keeps the infrastructure services that tools/infra starts, on their host ports', () => {
    expect(services['mongo'].ports).toEqual(['127.0.0.1:${MONGO_PORT:-27017}:27017']);
    expect(kafka.ports).toEqual(['127.0.0.1:${KAFKA_PORT:-9092}:9092']);
    expect(internalKafka).toBe('kafka:19092');
  });

  it('has exactly the infrastructure, the topic job, the local token issuer and one service per app', () => {
    expect(Object.keys(services).sort()).toEqual(['kafka', 'mongo', 'topics', 'token-issuer', ...SERVICES.map((s) => s.name)].sort());
  });

  it('points every service at the local token issuer, which signs tokens with the issuer name they expect', () => {
    const issuer = services['token-issuer'] as ComposeService & { command?: string[] };
    expect(issuer.ports).toEqual(['127.0.0.1:3999:3999']);
    const named = issuer.command?.[(issuer.command?.indexOf('--issuer') ?? -2) + 1];
    for (const { name } of SERVICES) {
      expect(services[name].environment?.['AUTH_ISSUER']).toBe(named);
      expect(services[name].environment?.['AUTH_JWKS_URL']).toBe(`${named}/.well-known/jwks.json`);
    }
  });

  it('creates the topics with the generated registry script, once Kafka is healthy', () => {
    const topics = services['topics'];
    expect(topics.image).toBe(kafka.image);
    expect(topics.environment?.['KAFKA_BROKERS']).toBe(internalKafka);
    expect(topics.depends_on).toEqual({ kafka: { condition: 'service_healthy' } });
    const [mount] = topics.volumes ?? [];
    const [source, target] = mount.split(':');
    expect(resolve(composeDir, source)).toBe(join(paths.chart, 'files/create-topics.sh'));
    expect(topics.entrypoint).toEqual(['/bin/sh', target]);
  });

  describe.each(SERVICES.map((s) => [s.name, s] as const))('%s', (name, app) => {
    const service = services[name];

    it('is built from docker/Dockerfile for this app', () => {
      expect(service.build).toBeDefined();
      const build = service.build as NonNullable<ComposeService['build']>;
      expect(resolve(composeDir, build.context)).toBe(ROOT);
      expect(resolve(ROOT, build.dockerfile)).toBe(paths.dockerfile);
      expect(build.args).toEqual({ APP: name, PORT: String(app.port) });
      expect(existsSync(join(ROOT, 'apps', name, 'project.json'))).toBe(true);
    });

    it('sets every required variable to a value the service accepts, pointing at the compose infrastructure', () => {
      const env = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v)]));
      for (const variable of requiredEnv()) expect(env).toHaveProperty(variable);
      expect(envProblems(env)).toEqual([]);
      expect(env['PORT']).toBe(String(app.port));
      expect(env['KAFKA_BROKERS']).toBe(internalKafka);
      expect(new URL(env['MONGODB_URI']).hostname).toBe('mongo');
    });

    it('publishes its port on localhost only', () => {
      expect(service.ports).toEqual([`127.0.0.1:${app.port}:${app.port}`]);
    });

    it("reports healthy with the image's own readiness check", () => {
      expect(service.healthcheck?.test).toEqual(['CMD', ...(dockerHealthcheck ?? ['missing'])]);
    });

    it('starts after healthy infrastructure and created topics, and stops within its grace period', () => {
      expect(service.depends_on).toEqual({
        mongo: { condition: 'service_healthy' },
        kafka: { condition: 'service_healthy' },
        topics: { condition: 'service_completed_successfully' },
      });
      for (const dependency of ['mongo', 'kafka']) expect(services[dependency].healthcheck).toBeDefined();
      const shutdownMs = Number(service.environment?.['SHUTDOWN_TIMEOUT_MS'] ?? 10_000);
      expect(seconds(service.stop_grace_period ?? '10s')).toBeGreaterThan(shutdownMs / 1000);
    });
  });
});
