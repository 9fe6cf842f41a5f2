import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dockerfile, execForm, Instruction, parseDockerfile } from './dockerfile.parser';
import { paths, ROOT } from './workspace.paths';

describe('docker/Dockerfile', () => {
  const dockerfile: Dockerfile = parseDockerfile(readFileSync(paths.dockerfile, 'utf8'));
  const stage = (name: string) => dockerfile.stages.find((s) => s.name === name)?.instructions ?? [];
  const all = (instructions: Instruction[], keyword: string) => instructions.filter((i) => i.keyword === keyword);

  it('builds on a slim Node LTS image in both stages', () => {
    expect(dockerfile.stages.map((s) => [s.name, s.base])).toEqual([
      ['builder', '${NODE_IMAGE}'],
      ['runtime', '${NODE_IMAGE}'],
    ]);
    const [, major] = /^node:(\d+)-\w+-slim$/.exec(dockerfile.globalArgs['NODE_IMAGE']) ?? [];
    // Even-numbered Node releases are the LTS lines.
    expect(Number(major) % 2).toBe(0);
    expect(Number(major)).toBeGreaterThanOrEqual(22);
  });

  it('installs with npm ci and builds the app with Nx, without Nx Cloud or its daemon', () => {
    const builder = stage('builder');
    const env = all(builder, 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(env).toContain('NX_NO_CLOUD=true');
    expect(env).toContain('NX_DAEMON=false');
    const runs = all(builder, 'RUN').map((i) => i.args);
    expect(runs).toContainEqual(expect.stringMatching(/^npm ci\b/));
    expect(runs).toContainEqual(expect.stringMatching(/^npx nx build "\$APP"/));
  });

  it('ships only the pruned bundle, installed without dev dependencies, as a numeric non-root user', () => {
    const runtime = stage('runtime');
    expect(all(runtime, 'RUN').map((i) => i.args)).toEqual([expect.stringMatching(/^npm ci --omit=dev\b/)]);
    const copies = all(runtime, 'COPY');
    for (const copy of copies.filter((c) => !c.flags['from'])) {
      // From the build context only small files, never the sources.
      for (const source of copy.args.split(' ').slice(0, -1)) expect(existsSync(join(ROOT, source))).toBe(true);
    }
    expect(copies.filter((c) => c.flags['from']).every((c) => c.args.includes('/dist/apps/${APP}/'))).toBe(true);
    expect(all(runtime, 'USER').map((i) => i.args)).toEqual([expect.stringMatching(/^[1-9]\d*:[1-9]\d*$/)]);
    expect(
      all(runtime, 'ENV')
        .map((i) => i.args)
        .join(' '),
    ).toContain('NODE_ENV=production');
  });

  it('starts node directly in exec form, so SIGTERM reaches the service', () => {
    const runtime = stage('runtime');
    expect(all(runtime, 'CMD').map((i) => execForm(i.args))).toEqual([['node', 'main.js']]);
    expect(all(runtime, 'ENTRYPOINT')).toEqual([]);
    const [healthcheck] = all(runtime, 'HEALTHCHECK');
    expect(execForm(healthcheck.args.replace(/^CMD /, ''))).toEqual(['node', 'healthcheck.js']);
  });

  it('has a .dockerignore that keeps local state out of the build context', () => {
    const ignored = readFileSync(paths.dockerignore, 'utf8')
      .split('\n')
      .map((l) => l.trim());
    for (const entry of ['node_modules', 'dist', '.infra', '.nx', 'coverage', '.git']) expect(ignored).toContain(entry);
  });
});
