/**
 * `npx tsx tools/token-issuer/token-issuer.main.ts [--port N]`: runs the local token issuer
 * until SIGTERM/SIGINT. `npm start`, the e2e suite and the benchmark start it themselves.
 */
import { TokenIssuer } from './token-issuer';

async function main(): Promise<void> {
  const flag = process.argv.indexOf('--port');
  const port = Number(flag >= 0 ? process.argv[flag + 1] : process.env['TOKEN_ISSUER_PORT'] ?? 3999);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be a port number');
  const issuer = await TokenIssuer.start(port);
  process.stdout.write(`token issuer (development only) listening on ${issuer.url}; JWKS at ${issuer.jwksUrl}\n`);
  const stop = () => void issuer.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`token issuer: ${error.message}\n`);
  process.exit(1);
});
