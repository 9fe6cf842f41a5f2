import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { basename, join, posix, relative } from 'node:path';
import { Dockerfile, envPairs, execForm, Stage, substitute } from './dockerfile.parser';
import { ROOT } from './workspace.paths';

/** What the runtime stage leaves behind: a directory standing in for the image's WORKDIR, and how to run it. */
export interface ReplayedStage {
  env: Record<string, string>;
  cmd: string[];
  healthcheck?: string[];
  user?: string;
  exposed: string[];
}

const stageNamed = (dockerfile: Dockerfile, name: string): Stage => {
  const stage = dockerfile.stages.find((s) => s.name === name);
  if (!stage) throw new Error(`docker/Dockerfile has no stage named ${name}`);
  return stage;
};

/** The builder's WORKDIR, which holds a copy of the repository (`COPY . .`). */
function builderWorkdir(dockerfile: Dockerfile): string {
  const workdir = stageNamed(dockerfile, 'builder').instructions.find((i) => i.keyword === 'WORKDIR');
  if (!workdir) throw new Error('the builder stage sets no WORKDIR');
  return workdir.args;
}

/**
 * Replays the `runtime` stage of docker/Dockerfile into `dir`, for one app: COPY from the
 * builder reads this repository (the builder's build output is dist/ here), COPY from the
 * context reads the repository too, RUN runs in `dir` (only `npm ci` is allowed: anything
 * else would run on this machine rather than in a container), ENV/CMD/HEALTHCHECK/USER/
 * EXPOSE are collected. USER is not applied: the processes run as the current user.
 */
export function replayRuntimeStage(
  dockerfile: Dockerfile,
  buildArgs: Record<string, string>,
  dir: string,
  runEnv: Record<string, string> = {},
): ReplayedStage {
  const stage = stageNamed(dockerfile, 'runtime');
  const vars: Record<string, string> = { ...dockerfile.globalArgs };
  const result: ReplayedStage = { env: {}, cmd: [], exposed: [] };
  let workdir = '/';
  const fromBuilder = builderWorkdir(dockerfile);
  const local = (target: string) => join(dir, relative(workdir, posix.resolve(workdir, target)));

  for (const { keyword, flags, args } of stage.instructions) {
    const text = substitute(args, { ...vars, ...result.env });
    switch (keyword) {
      case 'ARG': {
        const [name, value] = args.split('=');
        vars[name] = buildArgs[name] ?? value ?? '';
        break;
      }
      case 'ENV':
        Object.assign(result.env, envPairs(text));
        break;
      case 'WORKDIR':
        workdir = posix.resolve(workdir, text);
        break;
      case 'LABEL':
        break;
      case 'COPY': {
        const parts = text.split(' ');
        const target = local(parts.pop() as string);
        mkdirSync(target, { recursive: true });
        for (const source of parts) {
          if (flags['from'] && flags['from'] !== 'builder') throw new Error(`COPY --from=${flags['from']} is not replayable`);
          const path = flags['from'] ? join(ROOT, posix.relative(fromBuilder, source)) : join(ROOT, source);
          cpSync(path, join(target, basename(path)), { recursive: true });
        }
        break;
      }
      case 'RUN': {
        if (!/^npm ci( |$)/.test(text)) throw new Error(`RUN ${text}: only \`npm ci\` is replayed outside Docker`);
        const run = spawnSync('sh', ['-c', text], {
          cwd: dir,
          encoding: 'utf8',
          env: { ...process.env, ...result.env, ...runEnv },
        });
        if (run.status !== 0) throw new Error(`RUN ${text} failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
        break;
      }
      case 'USER':
        result.user = text;
        break;
      case 'EXPOSE':
        result.exposed.push(...text.split(' '));
        break;
      case 'HEALTHCHECK':
        result.healthcheck = execForm(text.replace(/^CMD /, ''));
        break;
      case 'CMD':
        result.cmd = execForm(text) ?? ['sh', '-c', text];
        break;
      default:
        throw new Error(`${keyword} in the runtime stage is not replayable: teach deploy/src/runtime-stage.ts`);
    }
  }
  return result;
}
