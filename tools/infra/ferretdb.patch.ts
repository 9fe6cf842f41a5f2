import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './paths';

/**
 * Two fixes to FerretDB 1.24's SQLite backend, without which every lookup by `_id` scans
 * the whole collection and writes slow down as collections grow:
 *
 * 1. The `_id` index is created on the expression `_ferretdb_sjson->"_id"`, but lookups
 *    filter on `_ferretdb_sjson->'$._id'` — the same value, a different expression, so
 *    SQLite never uses the index. Lookups are made to use the indexed expression.
 * 2. An `_id` equality is pushed down only when `_id` is the whole filter; `{ _id, version }`
 *    — every conditional update Orderflow makes — is not. FerretDB's handlers re-check the
 *    full filter on every document the backend returns (pushdown is only an optimisation
 *    there), so pushing the `_id` equality down whenever it is present is safe.
 *
 * Go refuses to patch files inside its module cache, so the module is copied next to the
 * build cache, patched there, and wired in with a `replace` in a build-only go.mod.
 */
const MODULE = 'github.com/FerretDB/FerretDB';
const PATCHES = [
  {
    file: 'internal/backends/sqlite/metadata/metadata.go',
    original: `IDColumn = DefaultColumn + "->'$._id'"`,
    patched: 'IDColumn = DefaultColumn + `->"_id"`',
    occurrences: 1,
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    original: 'if params.Filter.Len() == 1 {\n\t\tv, _ := params.Filter.Get("_id")',
    patched: 'if params.Filter.Has("_id") {\n\t\tv, _ := params.Filter.Get("_id")',
    occurrences: 2,
  },
];

/** Prepares the patched module and returns the go.mod to build with (`go build -modfile`). */
export function patchedModFile(sourceDir: string, workDir: string): string {
  const { Dir } = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', MODULE], { cwd: sourceDir, encoding: 'utf8' }),
  ) as { Dir: string };
  mkdirSync(workDir, { recursive: true });
  const copy = join(workDir, 'FerretDB');
  if (existsSync(copy)) rmSync(copy, { recursive: true, force: true });
  cpSync(Dir, copy, { recursive: true });
  for (const patch of PATCHES) {
    const file = join(copy, patch.file);
    chmodSync(file, 0o644);
    const source = readFileSync(file, 'utf8');
    const found = source.split(patch.original).length - 1;
    if (found !== patch.occurrences) {
      throw new UsageError(`a FerretDB patch no longer fits ${patch.file} (${found} of ${patch.occurrences} places matched); update tools/infra/ferretdb.patch.ts`);
    }
    writeFileSync(file, source.split(patch.original).join(patch.patched));
  }

  const modFile = join(workDir, 'go.mod');
  writeFileSync(modFile, `${readFileSync(join(sourceDir, 'go.mod'), 'utf8')}\nreplace ${MODULE} => ${copy}\n`);
  writeFileSync(join(workDir, 'go.sum'), readFileSync(join(sourceDir, 'go.sum')));
  return modFile;
}
