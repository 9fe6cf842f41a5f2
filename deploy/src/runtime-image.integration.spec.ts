import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { createServer } from 'node:net';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDockerfile } from './dockerfile.parser';
import { ReplayedStage, replayRuntimeStage } from './runtime-stage';
import { SERVICES } from './service.catalog';
import { paths, ROOT } from './workspace.paths';

/**
 * The image's runtime stage, replayed without Docker: each app is built with Nx as the
 * builder stage does, order-api's build output is installed with the stage's own `npm ci`
 * and started with its CMD and ENV, against the local Kafka and MongoDB.
 */

const BUILD_TIMEOUT_MS = 15 * 60_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function infraEnv(): Record<string, string> {
  if (!existsSync(paths.infraEnv)) throw new Error(`${paths.infraEnv} is missing: run \`npm run infra -- up\` first`);
  return Object.fromEntries(
    readFileSync(paths.infraEnv, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

async function waitForReady(url: string, child: ChildProcess, deadlineMs: number): Promise<number> {
  const deadline = Date.now() + deadlineMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!running(child)) throw new Error(`the service exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return response.status;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer 200 within ${deadlineMs} ms (last: ${last})`);
}

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (!running(child)) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });

beforeAll(() => {
  // As the Nx target, the apps were just built (deploy:test depends on their build). Run
  // directly, build them here; Nx's cache decides what needs it, so dist/ is never stale.
  if (process.env['NX_TASK_TARGET_PROJECT'] === 'deploy') return;
  process.stderr.write('• Building the four apps with Nx (as the image builder stage does)\n');
  const build = spawnSync(
    'npx',
    ['nx', 'run-many', '-t', 'build', '-p', SERVICES.map((s) => s.name).join(','), '--parallel=1', '--outputStyle=static'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NX_TUI: 'false' },
    },
  );
  if (build.status !== 0) throw new Error(`nx build failed:\n${build.stdout}\n${build.stderr}`);
}, BUILD_TIMEOUT_MS);

describe.each(SERVICES.map((s) => s.name))('the pruned manifest of %s', (app) => {
  // The workspace lockfile marks packages only dev dependencies need with `dev: true`.
  const rootLock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  const read = (file: string) => JSON.parse(readFileSync(join(paths.dist(app), file), 'utf8'));

  it('lists only runtime dependencies of the workspace', () => {
    const manifest = read('package.json') as {
      dependencies?: Record<string, string>;
      devDependencies?: unknown;
    };
    expect(manifest.devDependencies).toBeUndefined();
    const names = Object.keys(manifest.dependencies ?? {});
    expect(names.length).toBeGreaterThan(0);
    // Direct or transitive (e.g. express, through @nestjs/platform-express), never dev-only.
    const installedForRuntime = (name: string) => {
      const entry = rootLock.packages[`node_modules/${name}`];
      return entry !== undefined && entry.dev !== true;
    };
    expect(names.filter((name) => !installedForRuntime(name))).toEqual([]);
    expect(names.filter((name) => /(^|\/|-)(jest|nx|webpack|typescript|eslint|tsx|ts-node|types)(\/|-|$)|^@nx\//.test(name))).toEqual([]);
  });

  it('installs every package main.js requires', () => {
    const lock = read('package-lock.json') as { packages: Record<string, unknown> };
    const bundle = readFileSync(join(paths.dist(app), 'main.js'), 'utf8');
    const required = [...bundle.matchAll(/require\("([^"./][^"]*)"\)/g)]
      .map((m) =>
        m[1]
          .split('/')
          .slice(0, m[1].startsWith('@') ? 2 : 1)
          .join('/'),
      )
      .filter((name) => !builtinModules.includes(name) && !name.startsWith('node:'));
    expect(required.length).toBeGreaterThan(0);
    expect([...new Set(required)].filter((name) => !(`node_modules/${name}` in lock.packages))).toEqual([]);
  });
});

describe('the runtime stage of docker/Dockerfile, replayed for order-api', () => {
  const app = SERVICES[0];
  let dir: string;
  let stage: ReplayedStage;
  let child: ChildProcess | undefined;
  let env: Record<string, string>;
  let output = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `orderflow-${app.name}-`));
    const dockerfile = parseDockerfile(readFileSync(paths.dockerfile, 'utf8'));
    // The npm cache is warm: install from it rather than the registry where possible.
    stage = replayRuntimeStage(dockerfile, { APP: app.name, PORT: String(app.port) }, dir, {
      npm_config_prefer_offline: 'true',
    });
    env = {
      PATH: process.env['PATH'] ?? '',
      ...stage.env,
      ...infraEnv(),
      PORT: String(await freePort()),
      // Keys are fetched on the first request with a token; readiness and shutdown need none.
      AUTH_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
      AUTH_ISSUER: 'http://127.0.0.1:9',
      AUTH_AUDIENCE: 'orderflow',
    };
  }, 5 * 60_000);

  afterAll(async () => {
    if (child && running(child)) {
      child.kill('SIGKILL');
      await exited(child);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs node main.js as a non-root user, with production settings', () => {
    expect(stage.cmd).toEqual(['node', 'main.js']);
    expect(stage.user).toMatch(/^[1-9]\d*(:\d+)?$/);
    expect(stage.env['NODE_ENV']).toBe('production');
    expect(stage.exposed).toEqual([String(app.port)]);
  });

  it('becomes ready, passes its HEALTHCHECK, and exits 0 on SIGTERM within SHUTDOWN_TIMEOUT_MS', async () => {
    const [command, ...args] = stage.cmd;
    child = spawn(command, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

    try {
      await waitForReady(`http://127.0.0.1:${env['PORT']}/health/ready`, child, 90_000);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- service output ---\n${output}`);
    }

    const [checkCommand, ...checkArgs] = stage.healthcheck ?? [];
    expect(checkCommand).toBeDefined();
    const check = spawnSync(checkCommand, checkArgs, { cwd: dir, env, encoding: 'utf8', timeout: 10_000 });
    expect(check.status).toBe(0);

    const shutdownTimeoutMs = Number(env['SHUTDOWN_TIMEOUT_MS'] ?? 10_000);
    const stoppedAt = Date.now();
    child.kill('SIGTERM');
    const { code, signal } = await exited(child);
    const elapsedMs = Date.now() - stoppedAt;
    if (signal !== null) {
      // Nest's enableShutdownHooks() re-raises the signal once the app is closed unless told
      // `useProcessExit: true`: the container then ends with status 143, not 0.
      throw new Error(
        `the service was ended by ${signal} (exit status ${128 + constants.signals[signal]}) instead of exiting 0 after its shutdown\n--- service output ---\n${output}`,
      );
    }
    expect({ code, output }).toMatchObject({ code: 0 });
    expect(elapsedMs).toBeLessThan(shutdownTimeoutMs);
  }, 150_000);
});
