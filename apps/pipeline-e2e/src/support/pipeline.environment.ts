// Jest loads the environment outside its module system too (see register-paths).
import './register-paths';
import type { Circus } from '@jest/types';
import { TestEnvironment } from 'jest-environment-node';
import { relative } from 'node:path';
import { record, DEADLINE_KEY } from '@orderflow/stack';
import { SKIP_REASONS_KEY } from './own-services';

/** The names from the outermost describe block down to `test`. */
function pathOf(test: Circus.TestEntry): string[] {
  const names = [test.name];
  for (let block = test.parent; block?.parent; block = block.parent) names.unshift(block.name);
  return names;
}

/**
 * Node's environment, plus what the suite needs to know about the test that runs: when it
 * times out (so a wait the services ask for never outlasts it), and which tests a
 * `withOwnServices` block skipped, with its reason (for the run's summary).
 */
export default class PipelineEnvironment extends TestEnvironment {
  private readonly file: string;

  constructor(...[config, context]: ConstructorParameters<typeof TestEnvironment>) {
    super(config, context);
    this.file = relative(config.projectConfig.rootDir, context.testPath);
  }

  handleTestEvent(event: Circus.Event, state: Circus.State): void {
    const global = this.global as unknown as Record<string, unknown>;
    if (event.name === 'test_fn_start') global[DEADLINE_KEY] = Date.now() + (event.test.timeout ?? state.testTimeout);
    if (event.name === 'hook_start') global[DEADLINE_KEY] = Date.now() + (event.hook.timeout ?? state.testTimeout);
    if (event.name === 'test_skip') {
      const path = pathOf(event.test);
      const why = ((global[SKIP_REASONS_KEY] ?? {}) as Record<string, string>)[path[0]];
      // Tests left out by a name pattern or an `only` are skipped too; jest counts those.
      if (why !== undefined) record({ kind: 'skipped', file: this.file, path, why });
    }
  }
}
