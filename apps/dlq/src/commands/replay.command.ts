import { NotFoundError } from '../cli/exit-codes';
import { matches, parseDeadLetterId, type DeadLetter, type Selection } from '../dead-letters/dead-letter';
import type { DeadLetterStore } from '../dead-letters/dead-letter.store';

export interface ReplayRequest {
  ids: string[];
  selection: Selection;
  dryRun: boolean;
  json: boolean;
}

/**
 * Sends the chosen dead letters back to their source topics, oldest first, each with its
 * original key (so the same partition, in order with the order's other events) and event id
 * (so consumers' idempotency holds), and records each replay. Stops at the first failure.
 */
export async function replayCommand(store: DeadLetterStore, request: ReplayRequest, out: (text: string) => void): Promise<void> {
  const topics = request.ids.length > 0 ? [...new Set(request.ids.map((id) => parseDeadLetterId(id).topic))] : request.selection.topics;
  const { letters } = await store.readAll(topics);
  let chosen: DeadLetter[];
  if (request.ids.length > 0) {
    const missing = request.ids.filter((id) => !letters.some((l) => l.id === id));
    if (missing.length > 0) throw new NotFoundError(`no dead letter ${missing.join(', ')}: nothing was replayed (see \`dlq list\`)`);
    chosen = letters.filter((l) => request.ids.includes(l.id));
  } else {
    chosen = letters.filter((l) => matches(l, request.selection));
    if (chosen.length === 0) throw new NotFoundError('no dead letter matches: nothing was replayed');
  }

  const done = [];
  for (const letter of chosen) {
    const what = `${letter.id} (${letter.eventType?.split('.').pop() ?? 'undecodable'} ${letter.eventId ?? '-'} of order ${letter.orderId ?? '-'}) to ${letter.source.topic}`;
    if (request.dryRun) {
      if (!request.json) out(`would replay ${what}`);
      done.push({ id: letter.id, dryRun: true });
      continue;
    }
    const record = await store.replay(letter);
    done.push(record);
    if (!request.json) out(`replayed ${what} [${record.to.partition}]@${record.to.offset}`);
  }
  if (request.json) out(JSON.stringify(done, null, 2));
  else out(`${request.dryRun ? 'Would replay' : 'Replayed'} ${chosen.length} dead letter${chosen.length === 1 ? '' : 's'}.`);
}
