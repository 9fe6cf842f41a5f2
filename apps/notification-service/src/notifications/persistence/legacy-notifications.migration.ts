import type { Logger } from '@nestjs/common';
import { driverCollection, duplicatesOf, type OutboxMessage } from '@orderflow/persistence';
import type { Model } from 'mongoose';
import type { Notification } from '../domain/notification';
import { insertion } from './notification.insertion';
import { LEGACY_NOTIFICATION_COLLECTION, type NotificationDocument } from './notification.schema';

/** A notification as an earlier version kept it: one document per order and kind. */
interface LegacyDocument extends Omit<Notification, 'id'> {
  _id: string;
  notificationId: string;
  outbox?: OutboxMessage[];
}

const BATCH = 500;

/**
 * Moves the notifications an earlier version stored one document per order and kind into
 * their orders' documents, a batch at a time: each is added to its order's document unless
 * its kind is there already (moved before a crash), with its pending events, then removed.
 * Running it again, or from two replicas at once, moves nothing twice. Its events stay in the
 * outbox, for the relay's sweep to publish.
 */
export async function moveLegacyNotifications(model: Model<NotificationDocument>, logger: Pick<Logger, 'log'>): Promise<void> {
  const legacy = model.db.collection<LegacyDocument>(LEGACY_NOTIFICATION_COLLECTION);
  let moved = 0;
  for (;;) {
    const docs = await legacy.find({}).limit(BATCH).toArray();
    if (docs.length === 0) break;
    const writes = docs.map((doc) => {
      const { notificationId, outbox, ...fields } = doc;
      const write = insertion([{ notification: { ...fields, id: notificationId }, event: null }]);
      const events = outbox ?? [];
      const update = events.length > 0 ? { ...write.update, $push: { outbox: { $each: events } } } : write.update;
      return { updateOne: { filter: { ...write.where, _id: write.id }, update, upsert: true } };
    });
    try {
      await driverCollection(model).bulkWrite(writes as never[], { ordered: false });
    } catch (error) {
      // A kind already in its order's document was moved before: only that may fail.
      duplicatesOf(error);
    }
    await legacy.deleteMany({ _id: { $in: docs.map((doc) => doc._id) } });
    moved += docs.length;
    logger.log(`moved ${moved} notifications into their orders' documents`);
  }
}
