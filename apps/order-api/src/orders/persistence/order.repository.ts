import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { EnvelopeHeader, type OrderStatus } from '@orderflow/contracts';
import type { OutboxMessage } from '@orderflow/persistence';
import type { Model, QueryFilter } from 'mongoose';
import type { Order, TimelineEvent } from '../domain/order';
import { ORDER_MODEL, type OrderDocument, type TimelineEntry } from './order.schema';
import {
  announceEvents,
  BatchedInserts,
  ByIdReader,
  claimPublished,
  CommandBatcher,
  driverCollection,
  GuardedUpdates,
  type GuardedUpdate,
  pullPublished,
  releasePublished,
} from '@orderflow/persistence';

/** An order as stored, with what optimistic concurrency, idempotency and its next change need. */
export interface StoredOrder {
  order: Order;
  version: number;
  idempotency: OrderDocument['idempotency'];
  seenEvents: string[];
  /** Its events not removed from the outbox yet, oldest first: a change announces them with its own. */
  outbox: OrderDocument['outbox'];
}

export interface OrderQuery {
  customerId?: string;
  status?: OrderStatus;
  /** Position after which the page starts (newest first). */
  after?: { createdAt: Date; id: string };
  limit: number;
}

/** What a state change writes besides the order itself, in the same atomic update. */
export interface OrderChange {
  event?: OutboxMessage;
  /** The event the change handles: marked seen, and entered in the timeline. */
  cause?: { eventId: string; entry: TimelineEntry };
  ignored?: OrderDocument['ignoredEvents'][number];
}

/**
 * A versioned change of one order, told apart by the event it records when a batch of them
 * must be read back: its own event enters the timeline, and the event it handled enters
 * `seenEvents`. Each change has at least one of the two, and both stay.
 */
interface OrderWrite extends GuardedUpdate {
  eventId?: string;
  seenEventId?: string;
}

type Marks = Pick<OrderDocument, '_id' | 'seenEvents'> & { timeline?: Record<string, unknown> };

@Injectable()
export class OrderRepository {
  /**
   * Orders placed at the same moment are inserted together, and the orders a consumer batch
   * works on are read and changed together: one command each.
   */
  private readonly inserts: BatchedInserts<OrderDocument>;
  private readonly reads: ByIdReader<OrderDocument>;
  private readonly writes: GuardedUpdates<OrderWrite>;

  constructor(@InjectModel(ORDER_MODEL) private readonly orders: Model<OrderDocument>) {
    this.inserts = new BatchedInserts<OrderDocument>(orders);
    this.reads = new ByIdReader<OrderDocument>(orders, { ignoredEvents: 0, timeline: 0 });
    this.writes = new GuardedUpdates<OrderWrite>(orders, (writes) => this.marked(writes));
  }

  /** Stores a new order with its first event; `false` if an order with this id exists. */
  insert(order: Order, event: OutboxMessage, idempotency: OrderDocument['idempotency']): Promise<boolean> {
    const { id, ...fields } = order;
    return this.inserts.insert({
      _id: id,
      ...fields,
      items: fields.items.map((item) => ({ sku: item.sku, quantity: item.quantity, unitPrice: item.unitPrice })),
      version: 0,
      idempotency,
      seenEvents: [],
      ignoredEvents: [],
      outbox: [event],
      timeline: { [event.eventId]: ownEntry(event, order.updatedAt) },
    });
  }

  async find(id: string): Promise<StoredOrder | null> {
    const doc = await this.reads.find(id);
    if (!doc) return null;
    return { order: toOrder(doc), version: doc.version, idempotency: doc.idempotency, seenEvents: doc.seenEvents, outbox: doc.outbox };
  }

  /**
   * Writes `order` if nobody changed it since it was `read`; `false` means someone did, and
   * the caller decides again on a fresh read.
   */
  async update(order: Order, read: Pick<StoredOrder, 'version' | 'outbox'>, change: OrderChange): Promise<boolean> {
    const { version } = read;
    const { id, ...fields } = order;
    const push: Record<string, unknown> = {};
    if (change.event) push['outbox'] = change.event;
    if (change.cause) push['seenEvents'] = change.cause.eventId;
    if (change.ignored) push['ignoredEvents'] = change.ignored;
    const timeline: Record<string, TimelineEntry> = {};
    if (change.event) timeline[`timeline.${change.event.eventId}`] = ownEntry(change.event, order.updatedAt);
    if (change.cause) timeline[`timeline.${change.cause.eventId}`] = change.cause.entry;
    const update = { $set: { ...fields, ...timeline, version: version + 1 }, ...(Object.keys(push).length > 0 && { $push: push }) };
    const write = { id, where: { version }, update, eventId: change.event?.eventId, seenEventId: change.cause?.eventId };
    if (!(await this.writes.apply(write))) return false;
    if (!change.event) return true;
    // Another replica (the one that handled the previous event, or took the previous request)
    // may not have published that event yet: announcing the whole outbox makes the relay
    // publish it oldest first, so this order's events reach Kafka in the order they were
    // written. The outbox read with the order is the one this write extended: an event added
    // since would have changed the version. Entries removed since were published; the relay
    // skips those it published itself, and one another replica published goes out twice with
    // one event id, which consumers deduplicate.
    announceEvents(this.orders, id, [...read.outbox, change.event]);
    return true;
  }

  /** Which of some versioned changes applied, by the events they recorded (one read for all). */
  private async marked(writes: OrderWrite[]): Promise<boolean[]> {
    const projection: Record<string, 1> = { seenEvents: 1 };
    for (const w of writes) if (w.eventId) projection[`timeline.${w.eventId}`] = 1;
    const docs = (await driverCollection(this.orders)
      .find({ _id: { $in: writes.map((w) => w.id) } }, { projection })
      .toArray()) as unknown as Marks[];
    const byId = new Map(docs.map((doc) => [doc._id, doc]));
    return writes.map((w) => {
      const doc = byId.get(w.id);
      if (!doc) return false;
      return w.eventId ? doc.timeline?.[w.eventId] !== undefined : doc.seenEvents.includes(w.seenEventId as string);
    });
  }

  /**
   * Every event of the other services lands in a timeline, so these are most of its writes:
   * each waits `TIMELINE_GATHER_MS` for its order's others, and what comes due together goes
   * out as one bulk write, with one update per order however many of its events came in that
   * time. An order's `PointsAwarded` and
   * its two `NotificationSent` come within moments of each other, on two topics: gathered,
   * they are one write of the order instead of three. Its callers do not wait for it.
   */
  private readonly timelineWrites = new CommandBatcher<{ orderId: string; eventId: string; entry: TimelineEntry }, boolean>(
    async (items) => {
      const entries = new Map<string, Record<string, TimelineEntry>>();
      for (const { orderId, eventId, entry } of items) {
        const set = entries.get(orderId) ?? {};
        set[`timeline.${eventId}`] = entry;
        entries.set(orderId, set);
      }
      // The order's own events published since its last change leave its outbox with this
      // write, rather than with one of their own.
      const published = new Map([...entries.keys()].map((orderId) => [orderId, claimPublished(this.orders, orderId)]));
      let result: { matchedCount: number };
      try {
        result = await driverCollection(this.orders).bulkWrite(
          [...entries].map(([orderId, set]) => {
            const removed = published.get(orderId) ?? [];
            const update: Record<string, unknown> = { $set: set, ...(removed.length > 0 && { $pull: pullPublished(removed) }) };
            return { updateOne: { filter: { _id: orderId }, update } };
          }),
          { ordered: false },
        );
      } catch (error) {
        for (const [orderId, removed] of published) releasePublished(this.orders, orderId, removed);
        throw error;
      }
      if (result.matchedCount === entries.size) return items.map(() => true);
      // Some order is unknown here (rare): find out which.
      const known = await this.orders
        .find({ _id: { $in: items.map((i) => i.orderId) } }, { _id: 1 })
        .lean()
        .exec();
      const ids = new Set(known.map((doc) => doc._id));
      return items.map((item) => ids.has(item.orderId));
    },
    500,
    TIMELINE_GATHER_MS,
    (item) => item.orderId,
  );

  /** Records an event in the order's timeline; `false` if there is no such order. */
  recordInTimeline(orderId: string, eventId: string, entry: TimelineEntry): Promise<boolean> {
    return this.timelineWrites.add({ orderId, eventId, entry });
  }

  /** The order's customer and timeline, oldest first; `null` if there is no such order. */
  async timeline(orderId: string): Promise<{ customerId: string; entries: TimelineEvent[] } | null> {
    const doc = await this.orders
      .findById(orderId, { timeline: 1, customerId: 1 })
      .lean<Pick<OrderDocument, 'timeline' | 'customerId'>>()
      .exec();
    if (!doc) return null;
    const entries = Object.entries(doc.timeline ?? {})
      .map(([eventId, entry]) => ({ eventId, type: entry.type, source: entry.source, at: new Date(entry.at) }))
      .sort((a, b) => a.at.getTime() - b.at.getTime() || a.eventId.localeCompare(b.eventId));
    return { customerId: doc.customerId, entries };
  }

  /** How many orders are PENDING and since when the oldest of them is (the status index serves both). */
  async pending(): Promise<{ count: number; oldest?: Date }> {
    const [count, oldest] = await Promise.all([
      this.orders.countDocuments({ status: 'PENDING' }).exec(),
      this.orders.findOne({ status: 'PENDING' }, { createdAt: 1 }).sort({ createdAt: 1 }).lean<Pick<OrderDocument, 'createdAt'>>().exec(),
    ]);
    return oldest ? { count, oldest: new Date(oldest.createdAt) } : { count };
  }

  /**
   * Ids of up to `limit` orders still PENDING that were created before `before`, oldest
   * first (ADR 0004); served by the `{status, createdAt}` index.
   */
  async pendingSince(before: Date, limit: number): Promise<string[]> {
    const docs = await this.orders
      .find({ status: 'PENDING', createdAt: { $lt: before } }, { _id: 1 })
      .sort({ createdAt: 1 })
      .limit(limit)
      .lean<{ _id: string }[]>()
      .exec();
    return docs.map((doc) => doc._id);
  }

  /** How many orders are still PENDING that were created before `before`. */
  countPendingSince(before: Date): Promise<number> {
    return this.orders.countDocuments({ status: 'PENDING', createdAt: { $lt: before } }).exec();
  }

  async list(query: OrderQuery): Promise<Order[]> {
    const filter: QueryFilter<OrderDocument> = {};
    if (query.customerId) filter.customerId = query.customerId;
    if (query.status) filter.status = query.status;
    if (query.after) {
      const { createdAt, id } = query.after;
      filter.$or = [{ createdAt: { $lt: createdAt } }, { createdAt, _id: { $lt: id } }];
    }
    const docs = await this.orders
      .find(filter, { outbox: 0, ignoredEvents: 0, seenEvents: 0, timeline: 0 })
      .sort({ createdAt: -1, _id: -1 })
      .limit(query.limit)
      .lean<OrderDocument[]>()
      .exec();
    return docs.map(toOrder);
  }
}

/**
 * How long a timeline entry waits for the order's next ones. The entries of one order come
 * within tens of milliseconds at 100 orders/s; the timeline shows them this much later.
 */
const TIMELINE_GATHER_MS = 250;

/**
 * order-api's own events enter the timeline with the state change that writes them, not when
 * they come back from Kafka: one write fewer per event, and the orders topic is not read here.
 */
function ownEntry(event: OutboxMessage, at: Date): TimelineEntry {
  return { type: event.type.split('.').pop() as string, source: event.headers[EnvelopeHeader.source], at };
}

function toOrder(doc: OrderDocument): Order {
  return {
    id: doc._id,
    customerId: doc.customerId,
    status: doc.status,
    items: doc.items.map((item) => ({ sku: item.sku, quantity: item.quantity, unitPrice: item.unitPrice ?? null })),
    total: doc.total ?? null,
    currency: doc.currency,
    rejection: doc.rejection ? { reason: doc.rejection.reason, skus: [...doc.rejection.skus] } : null,
    history: doc.history.map((h) => ({ status: h.status, at: new Date(h.at) })),
    createdAt: new Date(doc.createdAt),
    updatedAt: new Date(doc.updatedAt),
  };
}
