import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';

interface Window {
  hits: number;
  endsAt: number;
}

type Answer = Awaited<ReturnType<ThrottlerStorage['increment']>>;

const secondsUntil = (at: number, now: number) => Math.max(1, Math.ceil((at - now) / 1000));

/**
 * The rate limiter's counters, bounded. `@nestjs/throttler`'s own store keeps a record and a
 * log of hit times for every key until a sweep after its window: 100,000 distinct callers in
 * one window held 72 MB. This one keeps a fixed window per caller (a count and when it ends)
 * and at most `maxCallers` of them.
 *
 * Windows all last the same time, so in insertion order they are also in order of ending:
 * forgetting the ended ones is taking them off the front, with no timer. When the table is
 * full of live windows, a caller it does not know is refused (429, Retry-After until the
 * oldest window ends) rather than counted by forgetting another caller's count — forgetting
 * would hand a fresh budget to whoever floods the table.
 */
export class RateLimitStorage implements ThrottlerStorage {
  private readonly logger = new Logger('RateLimit');
  private readonly windows = new Map<string, Window>();
  private warnedUntil = 0;

  constructor(
    private readonly maxCallers: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Callers counted right now. */
  get size(): number {
    return this.windows.size;
  }

  async increment(key: string, ttl: number, limit: number): Promise<Answer> {
    const now = this.now();
    this.forgetEnded(now);
    let window = this.windows.get(key);
    if (window && window.endsAt <= now) {
      this.windows.delete(key);
      window = undefined;
    }
    if (!window) {
      if (this.windows.size >= this.maxCallers) return this.full(now, limit);
      window = { hits: 0, endsAt: now + ttl };
      this.windows.set(key, window);
    }
    const seconds = secondsUntil(window.endsAt, now);
    if (window.hits >= limit) return { totalHits: window.hits + 1, timeToExpire: seconds, isBlocked: true, timeToBlockExpire: seconds };
    window.hits++;
    return { totalHits: window.hits, timeToExpire: seconds, isBlocked: false, timeToBlockExpire: 0 };
  }

  private forgetEnded(now: number): void {
    for (const [key, window] of this.windows) {
      if (window.endsAt > now) return;
      this.windows.delete(key);
    }
  }

  private full(now: number, limit: number): Answer {
    const oldest = this.windows.values().next().value as Window;
    if (now >= this.warnedUntil) {
      this.warnedUntil = oldest.endsAt;
      this.logger.warn(
        `counting ${this.windows.size} callers, the most RATE_LIMIT_MAX_CALLERS allows: new callers get 429 until windows end`,
      );
    }
    const seconds = secondsUntil(oldest.endsAt, now);
    return { totalHits: limit + 1, timeToExpire: seconds, isBlocked: true, timeToBlockExpire: seconds };
  }
}
