import type { TokenRequest } from '@orderflow/testing';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * A local OAuth 2.0 token issuer for development and tests — never for production. It
 * publishes a JWKS, signs RS256 access tokens for whatever subject and scopes it is asked
 * for, and can rotate its signing key. Services trust it like any OIDC issuer: through
 * AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE.
 */
export const AUDIENCE = 'orderflow';

interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  publicJwk: JWK;
}

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = randomUUID();
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

export class TokenIssuer {
  private keys: SigningKey[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** `issuerUrl`: the `iss` of its tokens, when services reach it by another name (compose). */
  static async start(port: number, host = '127.0.0.1', issuerUrl?: string): Promise<TokenIssuer> {
    // The key exists before the port opens, so whoever sees the JWKS answer can get tokens.
    const first = await newKey();
    // The issuer needs the port the server got, so a request may come before it exists.
    const ready: { issuer?: TokenIssuer } = {};
    const server = createServer((request, response) => {
      if (!ready.issuer) return send(response, 503, { error: 'temporarily_unavailable' });
      ready.issuer
        .handle(request, response)
        .catch((error: Error) => send(response, 500, { error: 'server_error', error_description: error.message }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
    const address = server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    const issuer = new TokenIssuer(server, issuerUrl ?? `http://${host}:${actualPort}`);
    issuer.keys = [first];
    ready.issuer = issuer;
    return issuer;
  }

  get jwksUrl(): string {
    return `${this.url}/.well-known/jwks.json`;
  }

  /** A new signing key; the previous one stays published, so tokens it signed stay valid. */
  async rotate(): Promise<void> {
    this.keys = [await newKey(), ...this.keys].slice(0, 2);
  }

  async issue(request: TokenRequest): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number; scope: string }> {
    const [key] = this.keys;
    const expiresIn = request.expires_in ?? 3600;
    const now = Math.floor(Date.now() / 1000);
    const scope = request.scope ?? '';
    const token = await new SignJWT({ ...(scope && { scope }) })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'at+jwt' })
      .setSubject(request.sub)
      .setIssuer(request.iss ?? this.url)
      .setAudience(request.aud ?? AUDIENCE)
      .setIssuedAt(Math.min(now, now + expiresIn))
      .setExpirationTime(now + expiresIn)
      .setJti(randomUUID())
      .sign(key.privateKey);
    return { access_token: token, token_type: 'Bearer', expires_in: expiresIn, scope };
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', this.url).pathname;
    if (request.method === 'GET' && path === '/.well-known/jwks.json') {
      return send(response, 200, { keys: this.keys.map((k) => k.publicJwk) });
    }
    if (request.method === 'GET' && path === '/.well-known/openid-configuration') {
      return send(response, 200, {
        issuer: this.url,
        jwks_uri: this.jwksUrl,
        token_endpoint: `${this.url}/token`,
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (request.method === 'POST' && path === '/rotate') {
      await this.rotate();
      return send(response, 200, { kids: this.keys.map((k) => k.kid) });
    }
    if (request.method === 'POST' && path === '/token') {
      const body = await readBody(request);
      const sub = typeof body['sub'] === 'string' ? body['sub'] : '';
      if (!sub) return send(response, 400, { error: 'invalid_request', error_description: 'sub is required' });
      const expiresIn = body['expires_in'] === undefined ? undefined : Number(body['expires_in']);
      if (expiresIn !== undefined && !Number.isInteger(expiresIn))
        return send(response, 400, { error: 'invalid_request', error_description: 'expires_in must be whole seconds' });
      const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
      return send(
        response,
        200,
        await this.issue({ sub, scope: text('scope'), expires_in: expiresIn, aud: text('aud'), iss: text('iss') }),
      );
    }
    send(response, 404, { error: 'not_found' });
  }
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  let raw = '';
  for await (const chunk of request) {
    raw += chunk;
    if (raw.length > 16_384) throw new Error('request body too large');
  }
  if (!raw) return {};
  if ((request.headers['content-type'] ?? '').includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(raw));
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}
