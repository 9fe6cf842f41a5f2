import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { ReadinessProbe } from '@orderflow/observability';
import { Connection, ConnectionStates } from 'mongoose';

@Injectable()
export class MongoReadiness implements ReadinessProbe {
  readonly name = 'mongodb';

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async check(): Promise<void> {
    const db = this.connection.db;
    if (this.connection.readyState !== ConnectionStates.connected || !db) {
      throw new Error(`connection is ${ConnectionStates[this.connection.readyState]}`);
    }
    await db.admin().ping();
  }
}
