import { INestApplication, LoggerService, Type } from '@nestjs/common';
import type { CustomTransportStrategy, MicroserviceOptions, NestMicroservice } from '@nestjs/microservices';
import type { Server } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AUTH_OPTIONS, docsGate, TokenVerifier, type AuthOptions } from '@orderflow/auth';
import { bodyShape, completeDocument, methodNotAllowed } from '@orderflow/rest';
import helmet from 'helmet';
import { requestLogScope, useStructuredLogs } from '@orderflow/observability';
import { ConfigError, configOf, loadConfig, type ConfigClass } from '@orderflow/config';
import { RuntimeConfig, serviceConfig } from './runtime.config';
import { EventErrorsAsThrown } from './event-errors.filter';
import { EVENT_TRANSPORT, ServiceModule } from './service.module';

export interface ServiceDefinition {
  /** The service's name: log prefix, Kafka client id, metrics label. */
  name: string;
  /** Title of the OpenAPI document served at /docs. */
  title: string;
  /**
   * The config classes of the libs the app's module configures, and the app's own; runtime
   * adds those of what it sets up itself (see `serviceConfig`).
   */
  config: readonly ConfigClass[];
  module: Type<unknown>;
}

/** Request bodies above this size are refused before parsing (SPEC: 413 over 64 KiB). */
export const BODY_LIMIT = '64kb';

/**
 * Starts a service: validates the environment first (a bad value exits 1 with one line
 * naming the variable, before anything connects), then boots Nest, serves the OpenAPI
 * docs and listens.
 */
export async function bootstrapService(definition: ServiceDefinition): Promise<INestApplication> {
  const configs = loadOrExit(definition);
  const config = configOf(configs, RuntimeConfig);
  const app = await NestFactory.create<NestExpressApplication>(
    ServiceModule.register(definition.module, definition.name, configs),
    // Lines logged while Nest starts wait for the structured logger, then go through it.
    { bufferLogs: true, bodyParser: false },
  );
  const logger = useStructuredLogs(app);
  // First of all middleware: every line logged for a request carries its correlation fields.
  app.use(requestLogScope);
  // Before the body parser, so its refusals (413, malformed JSON, bodyShape's 400) carry the
  // security and CORS headers too: an error skips every middleware after the one that failed.
  harden(app, config);
  app.useBodyParser('json', { limit: BODY_LIMIT });
  // Straight after parsing, before anything walks the body: too deep, or a prototype key, is a 400.
  app.use(bodyShape());
  closeOnSignal(app, config.SHUTDOWN_TIMEOUT_MS, logger);
  serveDocs(app, definition.title, app.get<AuthOptions>(AUTH_OPTIONS), Boolean(config.CORS_ORIGINS));

  const transport = eventTransport(app);
  if (transport) {
    // Event handlers do not inherit the HTTP enhancers (guards, the validation pipe,
    // interceptors, the problem filter): each of them ran for every message only to step
    // aside, and a handler with no interceptor is called without an rxjs chain around it.
    // Its handlers are set up when it starts, once its own filter is in place; the app runs
    // the lifecycle hooks of the modules both share, as for any hybrid app.
    const events = app.connectMicroservice<MicroserviceOptions>(
      { strategy: transport },
      { inheritAppConfig: false, deferInitialization: true },
    ) as NestMicroservice;
    events.useGlobalFilters(new EventErrorsAsThrown());
    events.setIsInitHookCalled(true);
    await app.startAllMicroservices();
  }
  await app.listen(config.PORT);
  // Slow senders are cut off: the whole request must arrive within the limit.
  const server = app.getHttpServer() as Server;
  server.requestTimeout = config.HTTP_REQUEST_TIMEOUT_MS;
  server.headersTimeout = Math.min(config.HTTP_REQUEST_TIMEOUT_MS, 20_000);
  logger.log(`listening on port ${config.PORT}`);
  return app;
}

/** Security headers on every answer; cross-origin calls only from the configured origins. */
function harden(app: NestExpressApplication, config: RuntimeConfig): void {
  // TLS ends in front of the services (ingress, proxy), so the docs page must not ask the
  // browser to upgrade its requests to https on a plain-HTTP port.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  if (config.CORS_ORIGINS) {
    app.enableCors({
      origin: config.CORS_ORIGINS.split(','),
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
      exposedHeaders: ['Location', 'Idempotent-Replayed', 'Retry-After', 'WWW-Authenticate'],
    });
  }
  if (config.TRUST_PROXY_HOPS > 0) app.set('trust proxy', config.TRUST_PROXY_HOPS);
}

/**
 * OpenAPI at /docs, with the bearer scheme every route but the health checks needs and the
 * answers every route shares. The document also tells which methods each path has, for 405s.
 */
function serveDocs(app: NestExpressApplication, title: string, auth: AuthOptions, cors: boolean): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(title)
      .setDescription(
        'Every operation but the health checks needs an OAuth 2.0 bearer access token (JWT) from the configured issuer. ' +
          "A customer (the token's customer claim) acts only as themselves; scope " +
          `\`${auth.scopes.staffRead}\` reads any customer's data, \`${auth.scopes.staffCancel}\` cancels any order, ` +
          `\`${auth.scopes.inventoryAdmin}\` administers products. Errors are application/problem+json (RFC 9457).`,
      )
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
      .addSecurityRequirements('bearer')
      .build(),
  );
  completeDocument(document, (path) => path.startsWith('/health/'));
  const routes = Object.entries(document.paths).map(([path, item]) => ({
    path,
    methods: Object.keys(item).filter((key) => ['get', 'put', 'post', 'delete', 'patch'].includes(key)),
  }));
  app.use(
    methodNotAllowed(
      [...routes, { path: '/metrics', methods: ['get'] }, { path: '/docs', methods: ['get'] }, { path: '/docs-json', methods: ['get'] }],
      { cors },
    ),
  );
  if (auth.docs === 'off') return;
  app.use(docsGate(auth, app.get(TokenVerifier)));
  SwaggerModule.setup('docs', app, document);
}

function eventTransport(app: INestApplication): CustomTransportStrategy | undefined {
  try {
    return app.get<CustomTransportStrategy>(EVENT_TRANSPORT, { strict: false });
  } catch {
    return undefined; // this service consumes no events
  }
}

function loadOrExit(definition: ServiceDefinition): object[] {
  try {
    return loadConfig(serviceConfig(definition.config));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${definition.name}: ${error.message}\n`);
    process.exit(1);
  }
}

/**
 * SIGTERM/SIGINT close the app and exit 0; if
 * closing takes longer than the timeout, exit 1 rather than hang a rollout. Nest's own
 * `enableShutdownHooks` re-raises the signal after closing, which reports the clean stop
 * as a kill.
 */
function closeOnSignal(app: INestApplication, timeoutMs: number, logger: LoggerService): void {
  const close = async (signal: NodeJS.Signals) => {
    logger.log(`${signal} received: shutting down (at most ${timeoutMs} ms)`);
    setTimeout(() => {
      logger.error(`shutdown took longer than ${timeoutMs} ms; exiting`);
      process.exit(1);
    }, timeoutMs).unref();
    try {
      // Stop taking requests first (in-flight ones finish); app.close() then drains the
      // consumers and the outbox (MessagingModule) before MongoDB closes.
      const http = app.getHttpServer() as Server;
      http.close();
      http.closeIdleConnections();
      await app.close();
      logger.log('stopped');
      process.exit(0);
    } catch (error) {
      logger.error(`shutdown failed: ${(error as Error).message}`);
      process.exit(1);
    }
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
}
