import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderCreateTopicsScript } from './topics.generator';

/**
 * create-topics.sh in a temporary directory, run under POSIX sh with a stand-in for
 * kafka-topics.sh that records its calls and the client config it was given (`client.properties`
 * in `dir`), and lists the topics named in $STUB_EXISTING.
 */
export interface CreateTopicsStub {
  dir: string;
  run(env: Record<string, string>): SpawnSyncReturns<string> & { calls: string[]; creates: string[] };
  remove(): void;
}

export function createTopicsStub(): CreateTopicsStub {
  const dir = mkdtempSync(join(tmpdir(), 'create-topics-'));
  writeFileSync(join(dir, 'create-topics.sh'), renderCreateTopicsScript());
  writeFileSync(
    join(dir, 'kafka-topics'),
    `#!/bin/sh
echo "$*" >> "$STUB_DIR/calls"
prev=
for arg in "$@"; do
  [ "$prev" = --command-config ] && cp "$arg" "$STUB_DIR/client.properties"
  prev=$arg
done
case " $* " in *" --list "*) [ -n "\${STUB_LIST_FAILS:-}" ] && exit 3; printf '%s\\n' $STUB_EXISTING ;; esac
exit 0
`,
  );
  chmodSync(join(dir, 'kafka-topics'), 0o755);

  return {
    dir,
    run(env) {
      rmSync(join(dir, 'calls'), { force: true });
      const result = spawnSync('sh', [join(dir, 'create-topics.sh')], {
        encoding: 'utf8',
        env: {
          PATH: process.env['PATH'] ?? '',
          STUB_DIR: dir,
          KAFKA_TOPICS_CMD: join(dir, 'kafka-topics'),
          ...env,
        },
      });
      const calls = existsSync(join(dir, 'calls')) ? readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n') : [];
      return { ...result, calls, creates: calls.filter((c) => c.includes('--create')) };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
