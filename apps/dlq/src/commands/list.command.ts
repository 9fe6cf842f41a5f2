import { age, shorten, table } from '../cli/table.format';
import { matches, type DeadLetter, type Selection } from '../dead-letters/dead-letter';
import type { DeadLetterStore, ReplayRecord } from '../dead-letters/dead-letter.store';

/** The dead letters as a script reads them (`--json`). */
export function summary(letter: DeadLetter, replays: ReplayRecord[] = []) {
  return {
    id: letter.id,
    orderId: letter.orderId,
    eventId: letter.eventId,
    eventType: letter.eventType,
    code: letter.code,
    reason: letter.reason,
    source: letter.source,
    consumerGroup: letter.group,
    deadLetteredAt: letter.deadLetteredAt.toISOString(),
    replays,
  };
}

export async function listCommand(store: DeadLetterStore, selection: Selection, json: boolean, out: (text: string) => void): Promise<void> {
  const { letters, replays } = await store.readAll(selection.topics);
  const selected = letters.filter((letter) => matches(letter, selection));
  if (json)
    return out(
      JSON.stringify(
        selected.map((letter) => summary(letter, replays.get(letter.id))),
        null,
        2,
      ),
    );
  if (selected.length === 0) return out('No dead letters.');
  const now = new Date();
  const rows = selected.map((letter) => {
    const replayed = replays.get(letter.id);
    return [
      letter.id,
      age(letter.deadLetteredAt, now),
      letter.orderId ?? '-',
      letter.eventType?.split('.').pop() ?? '-',
      letter.code,
      letter.group || '-',
      `${letter.source.topic}[${letter.source.partition}]@${letter.source.offset}`,
      replayed ? `${replayed.length}x, last ${age(new Date(replayed[replayed.length - 1].at), now)} ago` : 'no',
      shorten(letter.reason.replace(/\s+/g, ' '), 80),
    ];
  });
  out(table(['ID', 'AGE', 'ORDER', 'EVENT', 'CODE', 'GROUP', 'SOURCE', 'REPLAYED', 'REASON'], rows));
  out(`${selected.length} dead letter${selected.length === 1 ? '' : 's'}.`);
}
