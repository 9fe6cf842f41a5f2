import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { ReadinessProbe } from '@orderflow/observability';
import { Connection } from 'mongoose';

/**
 * Ready when a ping through the service's own client answers: what the handlers need. Not
 * mongoose's `readyState`: mongoose derives it from the driver's monitoring events (and calls
 * a connection with no heartbeat for two intervals "disconnected"), so it can disagree with
 * what operations do — it once said "disconnected" for minutes after a database restart.
 */
/**
 * Under the probe's own 2 s (PROBE_TIMEOUT_MS), so a ping that cannot answer ends in the
 * driver, with the driver's reason in the answer, rather than lingering there.
 */
const PING_TIMEOUT_MS = 1_500;

@Injectable()
export class MongoReadiness implements ReadinessProbe {
  readonly name = 'mongodb';

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async check(): Promise<void> {
    const db = this.connection.db;
    if (!db) throw new Error('not connected yet');
    await db.command({ ping: 1 }, { signal: AbortSignal.timeout(PING_TIMEOUT_MS) });
  }
}
