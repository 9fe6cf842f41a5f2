/**
 * Writes the deployment's copies of the topic registry (the chart's files/topics.yaml and
 * files/create-topics.sh). Run through `npx nx run deploy:generate-topics` after changing
 * libs/contracts/src/topics.ts; `nx test deploy` fails until they are regenerated.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { generatedFiles } from '../src/topics.generator';
import { ROOT } from '../src/workspace.paths';

for (const file of generatedFiles()) {
  let current: string | undefined;
  try {
    current = readFileSync(file.path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === file.content) {
    process.stdout.write(`unchanged ${relative(ROOT, file.path)}\n`);
    continue;
  }
  writeFileSync(file.path, file.content);
  if (file.path.endsWith('.sh')) chmodSync(file.path, 0o755);
  process.stdout.write(`wrote     ${relative(ROOT, file.path)}\n`);
}
