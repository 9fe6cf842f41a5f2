import { ConfigurableModuleBuilder, Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { getConnectionToken, MongooseModule } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { DatabaseUnavailableInterceptor } from './database-unavailable.interceptor';
import { Registry } from 'prom-client';
import { guardDriverWrites } from './driver-write.guard';
import { MongoConfig } from './mongo.config';
import { countMongoCommands } from './mongo.metrics';
import { MongoReadiness } from './mongo.readiness';
import { MongoWatchdog } from './mongo.watchdog';
import { OutboxStore } from './outbox/outbox.store';

export interface MongoModuleOptions {
  /** The database this service owns (SPEC: no service reads another's). */
  database: string;
  /** The validated MONGODB_* variables: the server, and an override of `database`. */
  config: MongoConfig;
}

const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = new ConfigurableModuleBuilder<MongoModuleOptions>({ moduleName: 'Mongo' })
  .setClassMethodName('forRoot')
  // The transform completes the module for forRoot and forRootAsync alike.
  .setExtras({}, (definition) => withConnection(definition))
  .build();

/**
 * The service's MongoDB connection: `forRoot` / `forRootAsync`. Start-up waits for the server
 * (retrying with a log line each time) so a service never takes traffic without its database;
 * once connected, the driver rides out outages by itself (with driver-write.guard.ts) and
 * readiness reports them, and every HTTP route answers 503 with Retry-After meanwhile; should
 * its client still get stuck, the watchdog ends the process.
 */
@Global()
@Module({})
export class MongoModule extends ConfigurableModuleClass {}

const MONGO_COMMAND_METRICS = Symbol('MONGO_COMMAND_METRICS');

/**
 * Adds the connection, made from the module's options. Mongoose makes it in a global module
 * of its own, which can inject the options because this module is global and exports them.
 */
function withConnection(module: DynamicModule): DynamicModule {
  guardDriverWrites();
  return {
    ...module,
    imports: [
      ...(module.imports ?? []),
      MongooseModule.forRootAsync({
        inject: [MODULE_OPTIONS_TOKEN],
        useFactory: ({ config, database }: MongoModuleOptions) => ({
          uri: config.MONGODB_URI,
          dbName: config.MONGODB_DATABASE ?? database,
          serverSelectionTimeoutMS: 5_000,
          retryAttempts: 60,
          retryDelay: 1_000,
          verboseRetryLog: true,
          // For the command counts (mongo.metrics.ts).
          monitorCommands: true,
        }),
      }),
    ],
    providers: [
      ...(module.providers ?? []),
      MongoReadiness,
      { provide: APP_INTERCEPTOR, useClass: DatabaseUnavailableInterceptor },
      {
        provide: MongoWatchdog,
        inject: [getConnectionToken(), MODULE_OPTIONS_TOKEN],
        useFactory: (connection: Connection, { config }: MongoModuleOptions) => new MongoWatchdog(connection, config.MONGODB_URI),
      },
      { provide: OutboxStore, inject: [getConnectionToken()], useFactory: (connection: Connection) => new OutboxStore(connection) },
      {
        // Counted where the service exposes metrics (the Registry of MetricsModule).
        provide: MONGO_COMMAND_METRICS,
        inject: [getConnectionToken(), { token: Registry, optional: true }],
        useFactory: (connection: Connection, registry?: Registry) => registry && countMongoCommands(connection, registry),
      },
    ],
    exports: [MODULE_OPTIONS_TOKEN, MongoReadiness, OutboxStore],
  };
}
