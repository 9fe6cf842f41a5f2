/**
 * Flame graphs of the profiles `npm run bench -- --profile DIR` wrote:
 *
 *   npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/src/flame.main.ts DIR
 *
 * For each `.cpuprofile` and `.jfr` in DIR: an SVG flame graph beside it, and the heaviest
 * frames by self time printed.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { byPackage, flameGraphSvg, foldFile, topFrames } from './flame.graph';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: flame.main.ts DIR (a directory written by npm run bench -- --profile DIR)\n');
  process.exit(2);
}
const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile') || f.endsWith('.jfr'));
if (files.length === 0) {
  process.stderr.write(`no .cpuprofile or .jfr in ${dir}\n`);
  process.exit(1);
}
for (const file of files) {
  const folded = foldFile(join(dir, file));
  const name = basename(file).replace(/\.(cpuprofile|jfr)$/, '');
  const svg = join(dir, `${name}.svg`);
  writeFileSync(svg, flameGraphSvg(folded, name));
  process.stdout.write(`\n${name} → ${svg}\n`);
  process.stdout.write('  by self time:\n');
  for (const frame of topFrames(folded)) process.stdout.write(`  ${(frame.share * 100).toFixed(1).padStart(5)} %  ${frame.name}\n`);
  if (file.endsWith('.cpuprofile')) {
    process.stdout.write('  by package:\n');
    for (const owner of byPackage(folded).slice(0, 15))
      process.stdout.write(`  ${(owner.share * 100).toFixed(1).padStart(5)} %  ${owner.name}\n`);
  }
}
