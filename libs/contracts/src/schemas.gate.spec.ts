/**
 * The schema gate, run by `nx test contracts`: the protos lint clean, the committed
 * generated code is what they generate, and nothing released has been broken. It shells
 * out to the workspace's pinned buf so CI needs nothing but `npm ci`.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const LIB = resolve(__dirname, '..');
const BUF = resolve(LIB, '../../node_modules/.bin/buf');
const BASELINE = join(LIB, 'baseline/orderflow-v1.binpb');

jest.setTimeout(120_000);

function buf(args: string[], cwd = LIB): { status: number | null; output: string } {
  const run = spawnSync(BUF, args, { cwd, encoding: 'utf8', timeout: 100_000 });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const scratch: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'contracts-'));
  scratch.push(dir);
  return dir;
}
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function files(root: string): Map<string, string> {
  const entries = readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return new Map(
    entries.map((e) => {
      const path = join(e.parentPath, e.name);
      return [relative(root, path), readFileSync(path, 'utf8')];
    }),
  );
}

describe('schema gate', () => {
  it('has committed exactly the code the schemas generate (else run `nx run contracts:generate`)', () => {
    const out = tempDir();
    const run = buf(['generate', '--output', out]);
    expect(run).toMatchObject({ status: 0 });

    const committed = files(join(LIB, 'src/gen'));
    const fresh = files(join(out, 'src/gen'));
    const paths = [...new Set([...committed.keys(), ...fresh.keys()])].sort();
    const drifted = paths.filter((path) => committed.get(path) !== fresh.get(path));
    expect(drifted).toEqual([]);
    expect(paths.length).toBeGreaterThan(0);
  });

  it('passes buf lint', () => {
    const run = buf(['lint']);
    expect(run.output).toBe('');
    expect(run.status).toBe(0);
  });

  it('is formatted as `buf format -w` leaves it', () => {
    const run = buf(['format', '--diff', '--exit-code']);
    expect(run.output).toBe('');
    expect(run.status).toBe(0);
  });

  it('breaks nothing released (buf breaking against baseline/orderflow-v1.binpb)', () => {
    const run = buf(['breaking', '--against', BASELINE]);
    expect(run.output).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('what the breaking check lets through', () => {
  /** A copy of the workspace whose OrderCreated is edited by `edit`. */
  function workspaceWith(edit: (proto: string) => string): string {
    const dir = tempDir();
    cpSync(join(LIB, 'proto'), join(dir, 'proto'), { recursive: true });
    cpSync(join(LIB, 'buf.yaml'), join(dir, 'buf.yaml'));
    const file = join(dir, 'proto/orderflow/orders/v1/events.proto');
    const before = readFileSync(file, 'utf8');
    const after = edit(before);
    if (after === before) throw new Error('the edit did not apply; update this test to the current proto');
    writeFileSync(file, after);
    return dir;
  }

  const currencyField = /( {2}\/\/ ISO 4217 code of the currency the order will be priced in.*\n) {2}string currency = 4;\n/;

  function breakingRules(dir: string, config?: object): { status: number | null; rules: string[] } {
    const args = ['breaking', '--against', BASELINE, '--error-format', 'json'];
    if (config) args.push('--config', JSON.stringify(config));
    const run = buf(args, dir);
    const rules = run.output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => (JSON.parse(line) as { type: string }).type);
    return { status: run.status, rules };
  }

  it('accepts an added field', () => {
    const dir = workspaceWith((proto) =>
      proto.replace(
        '  google.protobuf.Timestamp created_at = 5;\n',
        '  google.protobuf.Timestamp created_at = 5;\n  // A note for the gift wrap.\n  string gift_message = 6;\n',
      ),
    );

    expect(breakingRules(dir)).toEqual({ status: 0, rules: [] });
  });

  it('rejects a removed field', () => {
    const dir = workspaceWith((proto) => proto.replace(currencyField, ''));

    const { status, rules } = breakingRules(dir);
    expect(status).not.toBe(0);
    expect(rules).toContain('FIELD_NO_DELETE');
  });

  it('still rejects a removal with its number and name reserved, which only the wire could accept', () => {
    const dir = workspaceWith((proto) => proto.replace(currencyField, '  reserved 4;\n  reserved "currency";\n'));
    const wireOnly = { version: 'v2', modules: [{ path: 'proto' }], breaking: { use: ['WIRE_JSON'] } };

    expect(breakingRules(dir).rules).toContain('FIELD_NO_DELETE');
    expect(breakingRules(dir, wireOnly)).toEqual({ status: 0, rules: [] });
  });
});
