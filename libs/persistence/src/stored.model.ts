import type { Model, mongo } from 'mongoose';

/** What the batching helpers need of a model: its driver collection, and its connection (for the outbox). */
export type StoredModel = Pick<Model<unknown>, 'collection' | 'db'>;

/** Every Orderflow document has a string `_id` (an order id, a SKU, a key). */
export type Keyed = mongo.Document & { _id: string };

/** The model's collection through the driver: written and read as given, with no schema casting. */
export const driverCollection = (model: StoredModel): mongo.Collection<Keyed> => model.collection as unknown as mongo.Collection<Keyed>;
