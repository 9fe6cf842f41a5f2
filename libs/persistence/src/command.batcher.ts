/** An item waiting for its command, and how to settle its caller's promise. */
export interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/** A waiting item, and when it came (for the gathering window). */
type Queued<T, R> = Waiting<T, R> & { since: number };

/**
 * Group commit for database commands: what callers ask for while one command is in flight
 * goes out together in the next, as one round trip (and, on the database, one commit for a
 * write). An idle caller's command goes out at the end of the current turn of the event
 * loop, with whatever else that turn asked for, so batching adds no waiting; under load,
 * many small commands become a few big ones, and a command's fixed cost (the driver's
 * bookkeeping, the database's parsing) is shared by all of them. Each caller's promise
 * settles with its own result, or with the batch's error — and only after the command is
 * answered, so a consumer can still commit its offset afterwards. A read joins a batch that
 * goes out after it was asked for, so it sees every write acknowledged before it.
 */
export class CommandBatcher<T, R = void> {
  private readonly waiting: Queued<T, R>[] = [];
  private flushing = false;
  private scheduled = false;
  private window?: NodeJS.Timeout;

  /**
   * `write` stores the items in one round trip and answers one result per item, in order.
   *
   * With `gatherMs`, each item waits that long for more before it goes out (unless `maxBatch`
   * are waiting): for callers that do not wait for the answer before they go on (a consumer's
   * handler that settles its write later), so items of the next moments that touch the same
   * document share one write of it. An item goes out with every waiting item of the same
   * `keyOf` (the document it writes), however young, so the items of one document that came
   * within the window of the first are one write. What comes due at about the same time goes
   * out together: a command takes the items within a quarter of the window of coming due, and
   * the next waits at least a quarter of the window after it.
   */
  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly maxBatch = 500,
    private readonly gatherMs = 0,
    private readonly keyOf?: (item: T) => string,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject, since: this.gatherMs > 0 ? Date.now() : 0 });
      if (this.flushing) return;
      if (this.waiting.length >= this.maxBatch) void this.drain();
      else if (!this.scheduled) this.schedule();
    });
  }

  /**
   * Takes the waiting items that pass `test` out of the queue, for a command of another kind
   * that writes the same documents to carry them (a drop riding on the next take of its
   * product): the caller settles each one with what that command did.
   */
  claim(test: (item: T) => boolean): Waiting<T, R>[] {
    return this.take((waiting) => test(waiting.item));
  }

  /** Takes the waiting items that pass `test` (up to `limit`) out of the queue, in order. */
  private take(test: (waiting: Queued<T, R>) => boolean, limit = Infinity): Queued<T, R>[] {
    const taken: Queued<T, R>[] = [];
    let kept = 0;
    for (const waiting of this.waiting) {
      if (taken.length < limit && test(waiting)) taken.push(waiting);
      else this.waiting[kept++] = waiting;
    }
    this.waiting.length = kept;
    return taken;
  }

  private schedule(minDelayMs = 0): void {
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      this.window = undefined;
      void this.drain();
    };
    // Callers of the same turn of the event loop (the handlers of one consumer batch start
    // together) share the first command: it goes out once they have all asked, in
    // microseconds, instead of carrying the first caller alone.
    if (this.gatherMs > 0) {
      const oldest = this.waiting[0]?.since ?? Date.now();
      this.window = setTimeout(run, Math.max(minDelayMs, oldest + this.gatherMs - Date.now()));
    } else setImmediate(run);
  }

  /** The next command's items: a full batch, or those whose window is over with their documents' others. */
  private next(): Queued<T, R>[] {
    if (this.gatherMs === 0 || this.waiting.length >= this.maxBatch) return this.waiting.splice(0, this.maxBatch);
    // Items within a quarter of the window of coming due go now too, rather than alone just after.
    const dueBefore = Date.now() - (this.gatherMs * 3) / 4;
    const keyOf = this.keyOf;
    const keys = keyOf && new Set(this.waiting.filter((w) => w.since <= dueBefore).map((w) => keyOf(w.item)));
    return this.take(
      (waiting) => waiting.since <= dueBefore || (keyOf !== undefined && keys !== undefined && keys.has(keyOf(waiting.item))),
      this.maxBatch,
    );
  }

  private async drain(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    // A full batch goes out before its window ends: the window has nothing left to wait for.
    if (this.window !== undefined) {
      clearTimeout(this.window);
      this.window = undefined;
      this.scheduled = false;
    }
    let wrote = false;
    try {
      // Without a gathering window, what came in during a command goes out right after it.
      do {
        const batch = this.next();
        if (batch.length === 0) break;
        wrote = true;
        try {
          const results = await this.write(batch.map((w) => w.item));
          batch.forEach((w, i) => w.resolve(results[i]));
        } catch (error) {
          batch.forEach((w) => w.reject(error));
        }
      } while (this.gatherMs === 0 || this.waiting.length >= this.maxBatch);
    } finally {
      this.flushing = false;
      if (this.waiting.length > 0 && !this.scheduled) this.schedule(wrote ? this.gatherMs / 4 : 0);
    }
  }
}
