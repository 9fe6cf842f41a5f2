/** One message of a partition batch, as far as ordering is concerned. */
export interface LaneMessage {
  offset: string;
  /** Messages with the same key are handled one after the other, in offset order. */
  key: string;
}

export type LaneOutcome = 'done' | 'stopped';

/** Where a batch stopped short: the first offset that was not handled, and why. */
export interface LaneFailure {
  offset: string;
  error?: unknown;
}

/**
 * Handles a partition's batch with different keys side by side and each key's messages in
 * offset order: a key's lane stops at its first failure (or when `handle` says `stopped`), so
 * nothing of that key after it runs, while other keys go on. Resolves with the lowest offset
 * that was not handled — everything below it was — or `undefined` when all were.
 *
 * Every event of one order carries the order id as its key, so this keeps each order's
 * events in order while different orders share the database round trips' latency.
 */
export async function handleInKeyLanes<M extends LaneMessage>(
  messages: readonly M[],
  concurrency: number,
  handle: (message: M) => Promise<LaneOutcome>,
): Promise<LaneFailure | undefined> {
  const lanes = new Map<string, M[]>();
  for (const message of messages) {
    const lane = lanes.get(message.key);
    if (lane) lane.push(message);
    else lanes.set(message.key, [message]);
  }
  const queue = [...lanes.values()];
  let failure: LaneFailure | undefined;
  const note = (offset: string, error?: unknown) => {
    if (failure === undefined || BigInt(offset) < BigInt(failure.offset)) failure = { offset, error };
  };

  const worker = async () => {
    for (let lane = queue.shift(); lane; lane = queue.shift()) {
      for (const message of lane) {
        let outcome: LaneOutcome;
        try {
          outcome = await handle(message);
        } catch (error) {
          note(message.offset, error);
          break;
        }
        if (outcome === 'stopped') {
          note(message.offset);
          break;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, queue.length)) }, worker));
  return failure;
}
