import { Controller, Get, Module, Param, Put, type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { RestModule } from '@orderflow/rest';
import { eventually, freePort, issueToken, rawRequest, startTokenIssuer, type TokenIssuerProcess } from '@orderflow/testing';
import { generateKeyPair, SignJWT } from 'jose';
import { Access } from './access';
import { RequireScope } from './access.guard';
import { AuthModule } from './auth.module';
import type { AuthOptions } from './auth.options';
import { TokenVerifier } from './token.verifier';
import { Caller } from './caller.decorator';
import { docsGate } from './docs.gate';
import { DEFAULT_SCOPES, type Principal } from './principal';
import { Public } from './public.decorator';

@Controller('me')
class MeController {
  constructor(private readonly access: Access) {}

  @Get()
  me(@Caller() caller: Principal) {
    return { customerId: caller.customerId, scopes: [...caller.scopes].sort() };
  }

  @Get('customers/:id')
  customer(@Caller() caller: Principal, @Param('id') id: string) {
    this.access.assertMayRead(caller, id);
    return { id };
  }

  @Put('products')
  @RequireScope('inventoryAdmin')
  admin() {
    return { ok: true };
  }
}

@Public('metrics')
@Controller('metrics')
class MetricsLikeController {
  @Get()
  metrics() {
    return 'up 1';
  }
}

@Public()
@Controller('health')
class OpenController {
  @Get('live')
  live() {
    return { status: 'ok' };
  }
}

/** Every log line the app writes, to prove no token ends up there. */
class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log = (...m: unknown[]) => void this.lines.push(m.map(String).join(' '));
  error = this.log;
  warn = this.log;
  debug = this.log;
  verbose = this.log;
}

async function startApp(options: AuthOptions, logger: LoggerService): Promise<{ app: INestApplication; url: string }> {
  @Module({
    imports: [AuthModule.forRoot(options), RestModule.forRoot({ errorStatuses: {} })],
    controllers: [MeController, OpenController, MetricsLikeController],
  })
  class TestModule {}
  const app = await NestFactory.create(TestModule, { logger });
  // As the services' bootstrap serves them: the gate, then the pages.
  if (options.docs !== 'off') {
    app.use(docsGate(options, app.get(TokenVerifier)));
    SwaggerModule.setup('docs', app, SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('test').build()));
  }
  const port = await freePort();
  await app.listen(port, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${port}` };
}

const options = (issuer: string, overrides: Partial<AuthOptions> = {}): AuthOptions => ({
  disabled: false,
  jwksUrl: `${issuer}/.well-known/jwks.json`,
  issuer,
  audience: 'orderflow',
  customerClaim: 'sub',
  clockToleranceSeconds: 30,
  scopes: DEFAULT_SCOPES,
  metrics: 'open',
  docs: 'open',
  rateLimit: { windowMs: 60_000, perCaller: 1000, perIp: 1000, maxCallers: 1000 },
  ...overrides,
});

describe('bearer authentication against a JWKS', () => {
  let issuer: TokenIssuerProcess;
  let app: INestApplication;
  let url: string;
  const logger = new CapturingLogger();

  beforeAll(async () => {
    issuer = await startTokenIssuer();
    ({ app, url } = await startApp(options(issuer.url), logger));
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await issuer?.stop();
  });

  const get = (path: string, token?: string) =>
    fetch(`${url}${path}`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  const token = (sub: string, extra: Record<string, unknown> = {}) => issueToken(issuer.url, { sub, ...extra });

  it('takes the customer and the scopes from a valid token', async () => {
    const response = await get('/me', await token('alice', { scope: `${DEFAULT_SCOPES.staffRead} other` }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ customerId: 'alice', scopes: ['orderflow:staff:read', 'other'] });
  });

  it('answers a request without a token with 401, problem+json and the bare challenge', async () => {
    const response = await get('/me');
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="orderflow"');
    expect(await response.json()).toMatchObject({ status: 401, title: 'Unauthorized' });
  });

  it('answers every kind of bad token alike: invalid_token, the same words, no reason', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    // Signed by another key under the issuer's own key id.
    const genuineKid = JSON.parse(Buffer.from((await token('alice')).split('.')[0], 'base64url').toString()).kid;
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: genuineKid })
      .setSubject('alice')
      .setIssuer(issuer.url)
      .setAudience('orderflow')
      .setExpirationTime('1h')
      .sign(privateKey);
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'alice', iss: issuer.url, aud: 'orderflow', exp: 9999999999 })).toString('base64url')}.`;
    const bad = {
      expired: await token('alice', { expires_in: -120 }),
      'wrong audience': await token('alice', { aud: 'someone-else' }),
      'wrong issuer': await token('alice', { iss: 'https://evil.example.com' }),
      'foreign signature': forged,
      'alg none': unsigned,
      garbage: 'not-a-jwt',
    };
    const answers = await Promise.all(
      Object.entries(bad).map(async ([kind, value]) => {
        const response = await get('/me', value);
        return { kind, status: response.status, challenge: response.headers.get('www-authenticate'), body: await response.json() };
      }),
    );
    for (const answer of answers) {
      expect(answer).toEqual({
        kind: answer.kind,
        status: 401,
        challenge: 'Bearer realm="orderflow", error="invalid_token", error_description="The access token is invalid or has expired"',
        body: { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'The access token is invalid or has expired.' },
      });
    }
    const logged = logger.lines.join('\n');
    for (const value of Object.values(bad)) expect(logged).not.toContain(value);
  });

  it('allows a small clock skew', async () => {
    expect((await get('/me', await token('alice', { expires_in: -10 }))).status).toBe(200);
  });

  it('picks up a rotated signing key, and keeps accepting tokens of the previous one', async () => {
    const before = await token('alice');
    expect((await fetch(`${issuer.url}/rotate`, { method: 'POST' })).status).toBe(200);
    const after = await token('alice');
    // jose fetches the key set again for an unknown key id, at most once per 5 s cooldown.
    await eventually(async () => expect((await get('/me', after)).status).toBe(200), { timeoutMs: 15_000, intervalMs: 500 });
    expect((await get('/me', before)).status).toBe(200);
  });

  it("lets a customer read their own data only; a staff scope opens everyone's", async () => {
    const alice = await token('alice');
    expect((await get('/me/customers/alice', alice)).status).toBe(200);
    const refused = await get('/me/customers/bob', alice);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toBe(
      'Bearer realm="orderflow", error="insufficient_scope", scope="orderflow:staff:read"',
    );
    expect((await get('/me/customers/bob', await token('staff-1', { scope: DEFAULT_SCOPES.staffRead }))).status).toBe(200);
  });

  it('needs the admin scope for a route that requires it', async () => {
    const put = async (t: string) =>
      (await fetch(`${url}/me/products`, { method: 'PUT', headers: { authorization: `Bearer ${t}` } })).status;
    expect(await put(await token('alice'))).toBe(403);
    expect(await put(await token('staff-1', { scope: DEFAULT_SCOPES.staffRead }))).toBe(403);
    expect(await put(await token('ops', { scope: DEFAULT_SCOPES.inventoryAdmin }))).toBe(200);
  });

  it('leaves public routes open, /metrics too while METRICS_ACCESS is open', async () => {
    expect((await get('/health/live')).status).toBe(200);
    expect((await get('/metrics')).status).toBe(200);
  });
});

describe('rate limits', () => {
  let issuer: TokenIssuerProcess;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    issuer = await startTokenIssuer();
    ({ app, url } = await startApp(
      options(issuer.url, { rateLimit: { windowMs: 60_000, perCaller: 3, perIp: 2, maxCallers: 1000 } }),
      new CapturingLogger(),
    ));
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await issuer?.stop();
  });

  const statuses = async (n: number, headers: Record<string, string>) => {
    const answers: Response[] = [];
    for (let i = 0; i < n; i++) answers.push(await fetch(`${url}/me`, { headers }));
    return answers;
  };

  it('answers 429 with Retry-After once a caller used their budget, and counts each caller apart', async () => {
    const carol = { authorization: `Bearer ${await issueToken(issuer.url, { sub: 'carol' })}` };
    const answers = await statuses(4, carol);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    const limited = answers[3];
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(await limited.json()).toMatchObject({ status: 429, title: 'Too Many Requests' });

    const dave = { authorization: `Bearer ${await issueToken(issuer.url, { sub: 'dave' })}` };
    expect((await statuses(1, dave)).map((r) => r.status)).toEqual([200]);
  });

  it('counts requests without a valid token by IP address, so guessing tokens is limited too', async () => {
    const answers = await statuses(3, { authorization: 'Bearer guessed' });
    expect(answers.map((r) => r.status)).toEqual([401, 401, 429]);
    expect(answers[2].headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('never limits the health checks, however their path is spelled', async () => {
    for (const path of ['/health/live', '/HEALTH/LIVE', '/Health/live/']) {
      const answers = await Promise.all(Array.from({ length: 5 }, () => rawRequest(url, path)));
      expect({ path, statuses: answers.map((r) => r.status) }).toEqual({ path, statuses: [200, 200, 200, 200, 200] });
    }
  });
});

describe('rate limits for IPv6 callers', () => {
  it("count one /64 network as one caller, as it is one subscriber's to hand out", async () => {
    const issuer = await startTokenIssuer();
    const { app, url } = await startApp(
      options(issuer.url, { rateLimit: { windowMs: 60_000, perCaller: 1000, perIp: 2, maxCallers: 1000 } }),
      new CapturingLogger(),
    );
    // Behind one proxy hop, as the chart runs order-api, so the address comes from X-Forwarded-For.
    (app.getHttpAdapter().getInstance() as { set(name: string, value: unknown): void }).set('trust proxy', 1);
    try {
      const from = async (address: string) => (await fetch(`${url}/me`, { headers: { 'x-forwarded-for': address } })).status;
      // Three addresses of one /64: the third request is over the network's budget of two.
      expect([await from('2001:db8:1:2::1'), await from('2001:db8:1:2::2'), await from('2001:db8:1:2:ffff::3')]).toEqual([401, 401, 429]);
      // Another /64 has its own.
      expect(await from('2001:db8:1:3::1')).toBe(401);
    } finally {
      await app.close();
      await issuer.stop();
    }
  }, 60_000);
});

describe('rate limits with a full table of callers', () => {
  it('refuse a new caller with 429 and Retry-After while the known ones keep their counts, and let it in once a window ends', async () => {
    const issuer = await startTokenIssuer();
    // Room for two callers, in windows of one second.
    const { app, url } = await startApp(
      options(issuer.url, { rateLimit: { windowMs: 1_000, perCaller: 2, perIp: 1000, maxCallers: 2 } }),
      new CapturingLogger(),
    );
    try {
      const as = async (sub: string) => ({ authorization: `Bearer ${await issueToken(issuer.url, { sub })}` });
      const [alice, bob, carol] = [await as('alice'), await as('bob'), await as('carol')];
      const status = async (headers: Record<string, string>) => (await fetch(`${url}/me`, { headers })).status;
      await eventually(
        async () => {
          // A fresh window for everyone: alice and bob fill the table.
          expect([await status(alice), await status(bob)]).toEqual([200, 200]);
          const refused = await fetch(`${url}/me`, { headers: carol });
          expect(refused.status).toBe(429);
          expect(refused.headers.get('retry-after')).toBe('1');
          // Still counted: alice's second call passes, her third does not.
          expect([await status(alice), await status(alice)]).toEqual([200, 429]);
        },
        { timeoutMs: 10_000, intervalMs: 1_100 },
      );
      await eventually(async () => expect(await status(carol)).toBe(200), { timeoutMs: 5_000, intervalMs: 200 });
    } finally {
      await app.close();
      await issuer.stop();
    }
  }, 60_000);
});

describe('the token issuer unreachable', () => {
  it('answers 503, not 401: the token may be fine', async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const { app, url } = await startApp(options(nowhere), new CapturingLogger());
    try {
      const response = await fetch(`${url}/me`, { headers: { authorization: 'Bearer a.b.c' } });
      expect([401, 503]).toContain(response.status);
      const issuer = await startTokenIssuer();
      try {
        // A well-formed token whose keys cannot be fetched: the issuer we ask is not the one configured.
        const wellFormed = await issueToken(issuer.url, { sub: 'alice', iss: nowhere });
        const unreachable = await fetch(`${url}/me`, { headers: { authorization: `Bearer ${wellFormed}` } });
        expect(unreachable.status).toBe(503);
        expect(unreachable.headers.get('retry-after')).toBe('5');
      } finally {
        await issuer.stop();
      }
    } finally {
      await app.close();
    }
  }, 60_000);
});

describe('METRICS_ACCESS=token', () => {
  it('closes /metrics to callers without a valid token, and only it', async () => {
    const issuer = await startTokenIssuer();
    const { app, url } = await startApp(options(issuer.url, { metrics: 'token' }), new CapturingLogger());
    try {
      expect((await fetch(`${url}/metrics`)).status).toBe(401);
      const token = await issueToken(issuer.url, { sub: 'prometheus' });
      expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
    } finally {
      await app.close();
      await issuer.stop();
    }
  }, 60_000);
});

/**
 * Express routes `/DOCS-JSON` and `/docs-json/` to the docs, and a proxy in front may decode
 * `%64` or merge `//` before passing a path on: each surface's rule must hold for all of them.
 */
describe('every access rule holds for every spelling of a path', () => {
  const docsSpellings = [
    '/docs',
    '/docs/',
    '/docs-json',
    '/docs-yaml',
    '/DOCS',
    '/DOCS-JSON',
    '/Docs-json',
    '/docs-json/',
    '/DOCS/',
    '/docs//',
    '/docs/swagger-ui-init.js',
    '/DOCS/swagger-ui-init.js',
    '//docs-json',
    '/%64ocs-json',
    '/docs%2Djson',
    '/%2564ocs-json',
    '/./docs-json',
    '/x/../docs-json',
    '/docs-json;x',
    '/docs-json?x=1',
  ];
  const metricsSpellings = ['/metrics', '/METRICS', '/Metrics/', '//metrics', '/%6detrics', '/./metrics'];
  let issuer: TokenIssuerProcess;
  const running: INestApplication[] = [];
  const start = async (overrides: Partial<AuthOptions>) => {
    const started = await startApp(options(issuer.url, overrides), new CapturingLogger());
    running.push(started.app);
    return started.url;
  };
  const statuses = async (url: string, paths: string[], headers: Record<string, string> = {}) =>
    Object.fromEntries(await Promise.all(paths.map(async (path) => [path, (await rawRequest(url, path, { headers })).status] as const)));
  const all = (paths: string[], status: number) => Object.fromEntries(paths.map((path) => [path, status]));

  beforeAll(async () => {
    issuer = await startTokenIssuer();
  }, 60_000);

  afterAll(async () => {
    for (const app of running) await app.close();
    await issuer?.stop();
  });

  it('DOCS_ACCESS=token: no spelling of the docs answers without a valid token; a token opens them', async () => {
    const url = await start({ docs: 'token' });
    expect(await statuses(url, docsSpellings)).toEqual(all(docsSpellings, 401));
    expect(await statuses(url, docsSpellings, { authorization: 'Bearer not-a-token' })).toEqual(all(docsSpellings, 401));
    const token = { authorization: `Bearer ${await issueToken(issuer.url, { sub: 'reader' })}` };
    expect(await statuses(url, ['/docs-json', '/DOCS-JSON', '/docs/', '/docs-yaml'], token)).toEqual(
      all(['/docs-json', '/DOCS-JSON', '/docs/', '/docs-yaml'], 200),
    );
  });

  it('DOCS_ACCESS=off: no spelling of the docs is served, with a token or without', async () => {
    const url = await start({ docs: 'off' });
    const token = { authorization: `Bearer ${await issueToken(issuer.url, { sub: 'reader' })}` };
    expect(await statuses(url, docsSpellings)).toEqual(all(docsSpellings, 404));
    expect(await statuses(url, docsSpellings, token)).toEqual(all(docsSpellings, 404));
  });

  it('DOCS_ACCESS=open: the docs answer anyone, in the spellings the router serves', async () => {
    const url = await start({ docs: 'open' });
    expect(await statuses(url, ['/docs-json', '/DOCS-JSON', '/docs/', '/Docs-yaml'])).toEqual(
      all(['/docs-json', '/DOCS-JSON', '/docs/', '/Docs-yaml'], 200),
    );
  });

  it('METRICS_ACCESS=token: no spelling of /metrics answers 200 without a valid token; health stays open', async () => {
    const url = await start({ metrics: 'token' });
    const answered = await statuses(url, metricsSpellings);
    expect(Object.entries(answered).filter(([, status]) => status === 200)).toEqual([]);
    const token = { authorization: `Bearer ${await issueToken(issuer.url, { sub: 'prometheus' })}` };
    expect(await statuses(url, ['/metrics', '/METRICS', '/Metrics/'], token)).toEqual(all(['/metrics', '/METRICS', '/Metrics/'], 200));
    expect(await statuses(url, ['/health/live', '/HEALTH/LIVE', '/health/live/'])).toEqual(
      all(['/health/live', '/HEALTH/LIVE', '/health/live/'], 200),
    );
  });

  it('METRICS_ACCESS=open: /metrics answers anyone', async () => {
    const url = await start({ metrics: 'open' });
    expect(await statuses(url, ['/metrics', '/METRICS'])).toEqual(all(['/metrics', '/METRICS'], 200));
  });
});
