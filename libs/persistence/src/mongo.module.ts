import { DynamicModule, Global, Module } from '@nestjs/common';
import { getConnectionToken, MongooseModule } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { ServiceEnv } from '@orderflow/runtime';
import { MongoReadiness } from './mongo.readiness';
import { OutboxStore } from './outbox/outbox.store';

export interface MongoModuleOptions {
  /** The database this service owns (SPEC: no service reads another's). */
  database: string;
}

/**
 * The service's MongoDB connection. Start-up waits for the server (retrying with a log line
 * each time) so a service never takes traffic without its database; once connected, the
 * driver rides out outages by itself and readiness reports them.
 */
@Global()
@Module({})
export class MongoModule {
  static forRoot(options: MongoModuleOptions): DynamicModule {
    return {
      module: MongoModule,
      imports: [
        MongooseModule.forRootAsync({
          inject: [ServiceEnv],
          useFactory: (env: ServiceEnv) => ({
            uri: env.MONGODB_URI,
            dbName: env.MONGODB_DATABASE ?? options.database,
            serverSelectionTimeoutMS: 5_000,
            retryAttempts: 60,
            retryDelay: 1_000,
            verboseRetryLog: true,
          }),
        }),
      ],
      providers: [
        MongoReadiness,
        { provide: OutboxStore, inject: [getConnectionToken()], useFactory: (connection: Connection) => new OutboxStore(connection) },
      ],
      exports: [MongoReadiness, OutboxStore],
    };
  }
}
