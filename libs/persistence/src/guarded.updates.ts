import { CommandBatcher } from './command.batcher';
import { duplicatesOf } from './duplicate-key';
import type { OutboxMessage } from './outbox/outbox.entry';
import { announceEvents } from './outbox/outbox.plugin';
import { claimPublished, pullPublished, releasePublished } from './outbox/outbox.published';
import { driverCollection, type StoredModel } from './stored.model';

/**
 * A conditional update of one document, of the kind every service writes: it applies only
 * while the document is still in the state the caller decided on, and applying it makes
 * that condition false (a status moves on, a marker is set), so it never applies twice.
 */
export interface GuardedUpdate {
  id: string;
  /** The state the caller decided on, besides the `_id`. */
  where?: Record<string, unknown>;
  update: Record<string, unknown>;
  /** Insert the document if there is none (its condition is then checked by the unique `_id`). */
  upsert?: boolean;
  /** Events the update pushes to the document's outbox: announced once it applied. */
  events?: readonly OutboxMessage[];
}

/**
 * Which of some updates that did not all apply did: read from the documents, one query for
 * all of them (each update leaves a mark it can be told by, such as its own timestamp).
 */
export type AppliedCheck<U extends GuardedUpdate> = (updates: U[]) => Promise<boolean[]>;

/** A guarded update that stamps its document with its own time, in `field`. */
export interface StampedUpdate extends GuardedUpdate {
  at: Date;
}

/**
 * The applied check of updates that each write their own time into `field` (`updatedAt`,
 * `finishedAt`): an update applied if the stored stamp is its own. One query for all.
 */
export function stampedBy<U extends StampedUpdate>(model: StoredModel, field: string): AppliedCheck<U> {
  return async (updates) => {
    const docs = await driverCollection(model)
      .find({ _id: { $in: updates.map((u) => u.id) } }, { projection: { [field]: 1 } })
      .toArray();
    const stamps = new Map(docs.map((doc) => [doc._id as unknown as string, doc[field] ? new Date(doc[field]).getTime() : undefined]));
    return updates.map((u) => stamps.get(u.id) === u.at.getTime());
  };
}

/**
 * Guarded updates asked for together go out as one unordered bulk write (one round trip, one
 * commit), and each caller learns whether its own applied. A bulk write answers with counts,
 * not per update, so: an upsert that inserted is known by its index, one refused by the
 * unique `_id` did not apply, and when the others' count says that all of them applied, they
 * did; otherwise, which of them did is read back with `applied`. Under load a batch almost
 * always applies whole, so the read back is the exception.
 *
 * A bulk write's events are announced here (the outbox hooks see single-document writes only).
 */
export class GuardedUpdates<U extends GuardedUpdate = GuardedUpdate> {
  private readonly batcher: CommandBatcher<U, boolean>;

  constructor(
    private readonly model: StoredModel,
    private readonly applied: AppliedCheck<U>,
    maxBatch = 500,
  ) {
    this.batcher = new CommandBatcher((updates) => this.write(updates), maxBatch);
  }

  /** `true` once the update applied and is acknowledged; `false` if its condition no longer held. */
  apply(update: U): Promise<boolean> {
    return this.batcher.add(update);
  }

  private async write(updates: U[]): Promise<boolean[]> {
    // An update that leaves the outbox alone also removes what was published from it.
    const claimed = updates.map((u) => (touchesOutbox(u.update) ? [] : claimPublished(this.model, u.id)));
    try {
      const outcome = await this.bulk(updates, claimed);
      updates.forEach((u, i) => {
        if (!outcome[i]) releasePublished(this.model, u.id, claimed[i]);
      });
      return outcome;
    } catch (error) {
      updates.forEach((u, i) => releasePublished(this.model, u.id, claimed[i]));
      throw error;
    }
  }

  private async bulk(updates: U[], published: string[][]): Promise<boolean[]> {
    let counts: BulkCounts;
    let refused = new Set<number>();
    try {
      // Through the driver: the updates are written as given, with no schema casting.
      counts = await driverCollection(this.model).bulkWrite(
        updates.map((u, i) => ({
          updateOne: { filter: { ...u.where, _id: u.id }, update: withPull(u.update, published[i]), upsert: u.upsert ?? false },
        })),
        { ordered: false },
      );
    } catch (error) {
      // An upsert whose condition failed on an existing document tries to insert a second
      // one with the same `_id`: refused, so it did not apply. Anything else is thrown.
      refused = duplicatesOf(error);
      counts = error as BulkCounts;
    }
    const outcome: (boolean | undefined)[] = updates.map((_, i) => (refused.has(i) ? false : undefined));
    for (const index of Object.keys(counts.upsertedIds ?? {})) outcome[Number(index)] = true;
    const open = outcome.flatMap((known, i) => (known === undefined ? [i] : []));
    if (counts.modifiedCount === open.length) for (const i of open) outcome[i] = true;
    else if (open.length > 0) {
      const checked = await this.applied(open.map((i) => updates[i]));
      open.forEach((i, n) => (outcome[i] = checked[n]));
    }
    updates.forEach((u, i) => {
      if (outcome[i] && u.events && u.events.length > 0) announceEvents(this.model, u.id, u.events);
    });
    return outcome as boolean[];
  }
}

/** Whether an update writes the outbox itself (a `$push` of events, a `$set` of it). */
function touchesOutbox(update: Record<string, unknown>): boolean {
  return Object.values(update).some(
    (fields) =>
      typeof fields === 'object' && fields !== null && Object.keys(fields).some((path) => path === 'outbox' || path.startsWith('outbox.')),
  );
}

/** `update`, removing these published entries from the outbox too. */
function withPull(update: Record<string, unknown>, published: string[]): Record<string, unknown> {
  if (published.length === 0) return update;
  return { ...update, $pull: { ...(update['$pull'] as Record<string, unknown> | undefined), ...pullPublished(published) } };
}

/** What a bulk write's result, or the error of one that partly failed, counts. */
interface BulkCounts {
  modifiedCount: number;
  upsertedIds?: Record<string, unknown>;
}
