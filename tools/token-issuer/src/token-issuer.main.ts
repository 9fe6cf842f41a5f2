/**
 * `npx tsx tools/token-issuer/src/token-issuer.main.ts [--port N] [--host H] [--issuer URL]`:
 * runs the local token issuer until SIGTERM/SIGINT. `npm start`, the e2e suite and the
 * benchmark start it themselves; docker/compose.yml runs it as a container (`--issuer` is
 * then the name the services reach it by).
 */
import { TokenIssuer } from './token-issuer';

async function main(): Promise<void> {
  const flag = (name: string) => {
    const at = process.argv.indexOf(name);
    return at >= 0 ? process.argv[at + 1] : undefined;
  };
  const port = Number(flag('--port') ?? process.env['TOKEN_ISSUER_PORT'] ?? 3999);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be a port number');
  const issuer = await TokenIssuer.start(port, flag('--host') ?? '127.0.0.1', flag('--issuer'));
  process.stdout.write(`token issuer (development only) listening on ${issuer.url}; JWKS at ${issuer.jwksUrl}\n`);
  const stop = () => void issuer.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`token issuer: ${error.message}\n`);
  process.exit(1);
});
