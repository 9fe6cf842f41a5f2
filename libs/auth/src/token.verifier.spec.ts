import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type KeyLike } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthOptions } from './auth.options';
import { InvalidToken, TokenVerifier } from './token.verifier';

// The real jwtVerify, counted: a token the verifier knows must not be checked again.
jest.mock('jose', () => {
  const actual = jest.requireActual('jose');
  return { ...actual, jwtVerify: jest.fn(actual.jwtVerify) };
});

const ISSUER = 'https://issuer.test';
const AUDIENCE = 'orderflow';

/** A key set served from this process on loopback: no issuer process, no network. */
let server: Server;
let jwksUrl: string;
let privateKey: KeyLike;
const KID = 'k1';

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
  server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function verifier(requireAccessTokenType: boolean): TokenVerifier {
  const options: AuthOptions = {
    disabled: false,
    jwksUrl,
    issuer: ISSUER,
    audience: AUDIENCE,
    customerClaim: 'sub',
    clockToleranceSeconds: 0,
    requireAccessTokenType,
    scopes: { staffRead: 'r', staffCancel: 'c', inventoryAdmin: 'a' },
    metrics: 'open',
    docs: 'open',
    rateLimit: { windowMs: 60_000, perCaller: 10, perIp: 10, maxCallers: 10 },
  };
  return new TokenVerifier(options);
}

/** A token as an issuer signs it, with the given header `typ` (none when undefined). */
function token(typ: string | undefined): Promise<string> {
  return new SignJWT({ scope: 'orderflow:staff:read' })
    .setProtectedHeader({ alg: 'RS256', kid: KID, ...(typ !== undefined && { typ }) })
    .setSubject('c-1')
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);
}

describe('TokenVerifier: RFC 9068 access tokens (AUTH_REQUIRE_AT_JWT)', () => {
  it('when required, accepts a token whose header says typ at+jwt (or application/at+jwt)', async () => {
    await expect(verifier(true).verify(await token('at+jwt'))).resolves.toMatchObject({ customerId: 'c-1' });
    await expect(verifier(true).verify(await token('application/at+jwt'))).resolves.toMatchObject({ customerId: 'c-1' });
  });

  it.each([
    ['an ID token (typ JWT)', 'JWT'],
    ['a token without typ', undefined],
    ['a token of another type', 'logout+jwt'],
  ])('when required, refuses %s for the same issuer and audience', async (_name, typ) => {
    await expect(verifier(true).verify(await token(typ))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('by default, accepts any valid token whatever its typ', async () => {
    for (const typ of ['at+jwt', 'JWT', undefined]) {
      await expect(verifier(false).verify(await token(typ))).resolves.toMatchObject({ customerId: 'c-1' });
    }
  });
});

describe('TokenVerifier: a token checked once', () => {
  it('is not checked again while it is valid, and a token that failed is checked every time', async () => {
    const tokens = verifier(false);
    const good = await token(undefined);
    const checks = jwtVerify as jest.Mock;
    checks.mockClear();
    const first = await tokens.verify(good);
    await expect(tokens.verify(good)).resolves.toBe(first);
    expect(checks).toHaveBeenCalledTimes(1);
    const forged = good.slice(0, -4) + (good.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    await expect(tokens.verify(forged)).rejects.toBeInstanceOf(InvalidToken);
    await expect(tokens.verify(forged)).rejects.toBeInstanceOf(InvalidToken);
    expect(checks).toHaveBeenCalledTimes(3);
  });
});
