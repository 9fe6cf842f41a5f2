import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'tsconfig-paths';

// Jest loads global setup and teardown outside its module system, so the workspace's
// `@orderflow/*` path aliases are registered here by hand before the libs are imported.
const root = join(__dirname, '../../../..');
const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
register({ baseUrl: root, paths: compilerOptions.paths });
