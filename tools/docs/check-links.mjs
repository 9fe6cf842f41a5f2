#!/usr/bin/env node
// Checks every relative link in the repository's Markdown files: the file it names must
// exist and, when the link has a #fragment into a Markdown file, a heading of that file must
// produce that anchor (GitHub's rules: lower case, punctuation dropped, spaces to hyphens).
// Usage: node tools/docs/check-links.mjs   (exits 1 and lists each broken link)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\n')
  .filter(Boolean);

const anchorsOf = new Map();
function anchors(file) {
  if (!anchorsOf.has(file)) {
    const seen = new Map();
    const set = new Set();
    let fence = false;
    for (const line of readFileSync(join(root, file), 'utf8').split('\n')) {
      if (line.startsWith('```')) fence = !fence;
      const m = !fence && /^#{1,6}\s+(.*)$/.exec(line);
      if (!m) continue;
      const base = m[1]
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-');
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      set.add(n === 0 ? base : `${base}-${n}`);
    }
    anchorsOf.set(file, set);
  }
  return anchorsOf.get(file);
}

const broken = [];
for (const file of files) {
  let fence = false;
  readFileSync(join(root, file), 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.startsWith('```')) fence = !fence;
      if (fence) return;
      for (const [, target] of line.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target)) continue; // http:, https:, mailto:
        const [path, fragment] = target.split('#');
        const resolved = path ? normalize(join(dirname(file), path)) : file;
        const where = `${file}:${i + 1}: ${target}`;
        if (!existsSync(join(root, resolved))) broken.push(`${where} (no such file)`);
        else if (fragment && resolved.endsWith('.md') && statSync(join(root, resolved)).isFile()) {
          if (!anchors(resolved).has(fragment)) broken.push(`${where} (no such heading)`);
        }
      }
    });
}
if (broken.length) {
  console.error(broken.join('\n'));
  process.exit(1);
}
console.log(`${files.length} Markdown files, every relative link resolves`);
