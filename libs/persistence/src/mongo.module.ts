import { DynamicModule, Global, Module } from '@nestjs/common';
import { getConnectionToken, MongooseModule } from '@nestjs/mongoose';
import { ServiceEnv } from '@orderflow/runtime';
import { Connection } from 'mongoose';
import { guardDriverWrites } from './driver-write.guard';
import { MongoReadiness } from './mongo.readiness';
import { MongoWatchdog } from './mongo.watchdog';
import { OutboxStore } from './outbox/outbox.store';

export interface MongoModuleOptions {
  /** The database this service owns (SPEC: no service reads another's). */
  database: string;
}

/**
 * The service's MongoDB connection. Start-up waits for the server (retrying with a log line
 * each time) so a service never takes traffic without its database; once connected, the
 * driver rides out outages by itself (with driver-write.guard.ts) and readiness reports them;
 * should its client still get stuck, the watchdog ends the process.
 */
@Global()
@Module({})
export class MongoModule {
  static forRoot(options: MongoModuleOptions): DynamicModule {
    guardDriverWrites();
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
        {
          provide: MongoWatchdog,
          inject: [getConnectionToken(), ServiceEnv],
          useFactory: (connection: Connection, env: ServiceEnv) => new MongoWatchdog(connection, env.MONGODB_URI),
        },
        { provide: OutboxStore, inject: [getConnectionToken()], useFactory: (connection: Connection) => new OutboxStore(connection) },
      ],
      exports: [MongoReadiness, OutboxStore],
    };
  }
}
