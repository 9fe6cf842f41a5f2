import { DEFAULT_SCOPE_NAMES } from '@orderflow/contracts';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { eventually } from './eventually';
import { freePort } from './free-port';

const ROOT = join(__dirname, '../../..');

/** The scope names the services use unless configured otherwise. */
export const SCOPES = DEFAULT_SCOPE_NAMES;

export interface TokenIssuerProcess {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Runs the local token issuer (tools/token-issuer) as a process on a free port and waits
 * until it publishes its keys. Services trust it through `authEnv(url)`.
 */
export async function startTokenIssuer(port?: number): Promise<TokenIssuerProcess> {
  const chosen = port ?? (await freePort());
  const child = spawn(
    join(ROOT, 'node_modules/.bin/tsx'),
    [
      '--tsconfig',
      join(ROOT, 'tools/token-issuer/tsconfig.json'),
      join(ROOT, 'tools/token-issuer/src/token-issuer.main.ts'),
      '--port',
      String(chosen),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${chosen}`;
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`the token issuer exited: ${output}`);
        const response = await fetch(`${url}/.well-known/jwks.json`);
        if (response.status !== 200) throw new Error(`JWKS answered ${response.status}`);
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    pid: child.pid as number,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** What a service needs to trust the issuer at `url`. */
export function authEnv(url: string): Record<string, string> {
  return { AUTH_JWKS_URL: `${url}/.well-known/jwks.json`, AUTH_ISSUER: url, AUTH_AUDIENCE: 'orderflow' };
}

/** What `POST /token` of the local issuer (tools/token-issuer) takes. */
export interface TokenRequest {
  sub: string;
  scope?: string;
  /** Seconds from now until the token expires; negative for an already expired one. */
  expires_in?: number;
  /** Overrides, so tests can ask for tokens a service must refuse. */
  aud?: string;
  iss?: string;
}

/** Asks the issuer at `url` for an access token. */
export async function issueToken(url: string, request: TokenRequest): Promise<string> {
  const response = await fetch(`${url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`the token issuer answered ${response.status}: ${JSON.stringify(body)}`);
  return body.access_token;
}

/** Tokens per (subject, scopes), fetched once and kept for the life of the process (they last an hour). */
export class TokenCache {
  private readonly tokens = new Map<string, Promise<string>>();

  constructor(private readonly issuerUrl: string) {}

  get(sub: string, scopes: readonly string[] = []): Promise<string> {
    const scope = [...scopes].sort().join(' ');
    const key = `${sub}\n${scope}`;
    let token = this.tokens.get(key);
    if (!token) {
      token = issueToken(this.issuerUrl, { sub, scope, expires_in: 4 * 3600 });
      token.catch(() => this.tokens.delete(key));
      this.tokens.set(key, token);
    }
    return token;
  }
}
