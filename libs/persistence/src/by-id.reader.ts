import type { mongo } from 'mongoose';
import { CommandBatcher } from './command.batcher';
import { driverCollection, type StoredModel } from './stored.model';

/**
 * Reads documents by `_id`, the reads asked for together going out as one `$in` query: the
 * handlers of a consumer batch each read their own order, and the database sees one find.
 * Documents come back as stored (lean, through the driver), with only the projected fields.
 */
export class ByIdReader<D extends { _id: string }> {
  private readonly batcher: CommandBatcher<string, D | null>;

  constructor(model: StoredModel, projection: mongo.Document, maxBatch = 500) {
    this.batcher = new CommandBatcher(async (ids) => {
      const docs = (await driverCollection(model)
        .find({ _id: { $in: [...new Set(ids)] } }, { projection })
        .toArray()) as unknown as D[];
      const byId = new Map(docs.map((doc) => [doc._id, doc]));
      return ids.map((id) => byId.get(id) ?? null);
    }, maxBatch);
  }

  find(id: string): Promise<D | null> {
    return this.batcher.add(id);
  }
}
