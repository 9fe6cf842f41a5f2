import {
  ConfigurableModuleBuilder,
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { Access } from './access';
import { AccessGuard } from './access.guard';
import { AUTH_OPTIONS, type AuthOptions } from './auth.options';
import { AuthenticationMiddleware } from './authentication.middleware';
import { RateLimitGuard, throttlerOptions } from './rate-limit.guard';
import { TokenVerifier } from './token.verifier';

const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<AuthOptions>({ optionsInjectionToken: AUTH_OPTIONS })
  .setClassMethodName('forRoot')
  // The transform completes the module for forRoot and forRootAsync alike.
  .setExtras({}, (definition) => withGuards(definition))
  .build();

/**
 * Who may call what: bearer JWT authentication for every request, the rate limiter, then
 * the access guard — in that order, so even requests refused for their token are counted.
 * `forRoot` / `forRootAsync` with the typed `AuthOptions`.
 */
@Module({})
export class AuthModule extends ConfigurableModuleClass implements NestModule, OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(@Inject(AUTH_OPTIONS) private readonly options: AuthOptions) {
    super();
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AuthenticationMiddleware).forRoutes('*');
  }

  onApplicationBootstrap(): void {
    if (!this.options.disabled) {
      this.logger.log(`bearer tokens from ${this.options.issuer} for audience ${this.options.audience}, keys from ${this.options.jwksUrl}`);
      return;
    }
    const banner = '*'.repeat(78);
    for (const line of [
      banner,
      'AUTHENTICATION IS DISABLED (AUTH_DISABLED=true): every caller may do everything,',
      'as any customer, without a token. Never run a deployment reachable by anyone like this.',
      banner,
    ]) {
      this.logger.warn(line);
    }
  }
}

/**
 * Global, so every module's routes are guarded, the bootstrap can read the options, and the
 * rate limiter's module, which Nest builds apart from this one, can inject them.
 */
function withGuards(definition: DynamicModule): DynamicModule {
  return {
    ...definition,
    global: true,
    imports: [
      ...(definition.imports ?? []),
      ThrottlerModule.forRootAsync({ inject: [AUTH_OPTIONS], useFactory: (options: AuthOptions) => throttlerOptions(options.rateLimit) }),
    ],
    providers: [
      ...(definition.providers ?? []),
      TokenVerifier,
      Access,
      // Global guards run in the order they are registered: count first, then refuse.
      { provide: APP_GUARD, useClass: RateLimitGuard },
      { provide: APP_GUARD, useClass: AccessGuard },
    ],
    exports: [AUTH_OPTIONS, TokenVerifier, Access],
  };
}
