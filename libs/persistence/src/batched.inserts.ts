import { CommandBatcher } from './command.batcher';
import { duplicatesOf } from './duplicate-key';
import type { OutboxMessage } from './outbox/outbox.entry';
import { announceEvents } from './outbox/outbox.plugin';
import { driverCollection, type Keyed, type StoredModel } from './stored.model';

/** A whole new document, as stored: every field given, with its events in `outbox` if it has one. */
export interface NewDocument {
  _id: string;
  outbox?: OutboxMessage[];
}

/**
 * Creates documents with deterministic ids, the ones asked for together going out as one
 * unordered insert; each caller learns whether its own was new (`false`: a document with that
 * `_id` is there already, the idempotent create's answer). Documents are stored as given, with
 * no schema casting or defaults, so callers spell out every field. Their outbox events are
 * announced here, so the relay publishes them at once.
 */
export class BatchedInserts<D extends NewDocument> {
  private readonly batcher: CommandBatcher<D, boolean>;

  constructor(
    private readonly model: StoredModel,
    maxBatch = 500,
  ) {
    this.batcher = new CommandBatcher((docs) => this.write(docs), maxBatch);
  }

  insert(doc: D): Promise<boolean> {
    return this.batcher.add(doc);
  }

  private async write(docs: D[]): Promise<boolean[]> {
    let duplicates = new Set<number>();
    try {
      await driverCollection(this.model).insertMany(docs as unknown as Keyed[], { ordered: false });
    } catch (error) {
      // Only "there is one with this _id already" is an answer; anything else is retried.
      duplicates = duplicatesOf(error);
    }
    return docs.map((doc, i) => {
      if (duplicates.has(i)) return false;
      if (doc.outbox && doc.outbox.length > 0) announceEvents(this.model, doc._id, doc.outbox);
      return true;
    });
  }
}
