/**
 * `npm run -s token -- <customer id> [--staff] [--admin] [--scope "a b"] [--expires-in s]`:
 * prints an access token from the running local issuer (TOKEN_ISSUER_URL, default
 * http://127.0.0.1:3999), for use as `Authorization: Bearer $TOKEN`.
 */
import { DEFAULT_SCOPE_NAMES } from '@orderflow/contracts';

const SCOPES = { staff: [DEFAULT_SCOPE_NAMES.staffRead, DEFAULT_SCOPE_NAMES.staffCancel], admin: [DEFAULT_SCOPE_NAMES.inventoryAdmin] };

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const at = args.indexOf(flag);
    return at >= 0 ? args.splice(at, 2)[1] : undefined;
  };
  const scopes = [...(value('--scope')?.split(' ') ?? [])];
  const expiresIn = value('--expires-in');
  if (args.includes('--staff')) scopes.push(...SCOPES.staff);
  if (args.includes('--admin')) scopes.push(...SCOPES.admin);
  const sub = args.find((arg) => !arg.startsWith('--'));
  if (!sub) throw new Error('usage: npm run -s token -- <customer id> [--staff] [--admin] [--scope "a b"] [--expires-in seconds]');
  const issuer = process.env['TOKEN_ISSUER_URL'] ?? 'http://127.0.0.1:3999';
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub, scope: scopes.join(' '), ...(expiresIn && { expires_in: Number(expiresIn) }) }),
  }).catch(() => {
    throw new Error(`no token issuer answers at ${issuer}: is \`npm start\` running?`);
  });
  const body = (await response.json()) as { access_token?: string; error_description?: string };
  if (!body.access_token) throw new Error(body.error_description ?? `the issuer answered ${response.status}`);
  process.stdout.write(`${body.access_token}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
