import type { NotificationKind } from '../domain/notification';

/** How long what this process read or wrote of an order's notifications answers without a query. */
export const KINDS_REMEMBERED_MS = 2_000;

interface Remembered {
  /** Kinds the order has: read, or written here. */
  present: Set<NotificationKind>;
  /** Whether a read told all of its kinds, so that a kind not in `present` is absent. */
  complete: boolean;
  until: number;
}

/**
 * Which notifications an order has, as this process last read or wrote them, for a few
 * seconds. An order's notifications come in pairs moments apart (its confirmation, then its
 * points, from two services): the first one's lookup answers its companion's, one query per
 * order instead of two.
 *
 * A kind written here is never forgotten as absent: a write's kinds join whatever is
 * remembered, and a read that was under way meanwhile adds to them, never replaces them. Only
 * another replica could record a kind this process remembers as absent, and only while a
 * rebalance hands it the order's events; the recording's conditional write still refuses it
 * there, so nothing is stored twice — the channel may get that notification twice, which
 * at-least-once delivery already allows.
 */
export class RecentKinds {
  /** Oldest first: every entry lives `ttlMs` from when it was last set. */
  private readonly byOrder = new Map<string, Remembered>();

  constructor(
    private readonly ttlMs = KINDS_REMEMBERED_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** `true` or `false` if known, `undefined` if the database must be asked. */
  has(orderId: string, kind: NotificationKind): boolean | undefined {
    const entry = this.live(orderId);
    if (!entry) return undefined;
    if (entry.present.has(kind)) return true;
    return entry.complete ? false : undefined;
  }

  /** What a read found: every kind the order has. */
  read(orderId: string, kinds: Iterable<NotificationKind>): void {
    this.set(orderId, kinds, true);
  }

  /** Kinds the order surely has now (written here, or refused as already there). */
  written(orderId: string, kinds: Iterable<NotificationKind>): void {
    this.set(orderId, kinds, false);
  }

  /** A write whose outcome is unknown (it failed, and may have applied): ask the database next time. */
  forget(orderId: string): void {
    this.byOrder.delete(orderId);
  }

  private set(orderId: string, kinds: Iterable<NotificationKind>, complete: boolean): void {
    const earlier = this.live(orderId);
    this.byOrder.delete(orderId);
    this.byOrder.set(orderId, {
      present: new Set([...(earlier?.present ?? []), ...kinds]),
      complete: complete || (earlier?.complete ?? false),
      until: this.now() + this.ttlMs,
    });
    this.prune();
  }

  private live(orderId: string): Remembered | undefined {
    const entry = this.byOrder.get(orderId);
    return entry && entry.until > this.now() ? entry : undefined;
  }

  private prune(): void {
    const now = this.now();
    for (const [orderId, entry] of this.byOrder) {
      if (entry.until > now) return;
      this.byOrder.delete(orderId);
    }
  }
}
