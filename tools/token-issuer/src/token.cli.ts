/**
 * `npm run -s token -- <customer id> [--staff] [--admin] [--scope "a b"] [--expires-in s]`:
 * prints an access token from the running local issuer (TOKEN_ISSUER_URL, default
 * http://127.0.0.1:3999), for use as `Authorization: Bearer $TOKEN`.
 */
import { tokenAsk } from './token.args';

async function main(): Promise<void> {
  const ask = tokenAsk(process.argv.slice(2));
  const issuer = process.env['TOKEN_ISSUER_URL'] ?? 'http://127.0.0.1:3999';
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ask),
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
