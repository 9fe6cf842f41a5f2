import { decodeEvent, eventSchemas } from '@orderflow/contracts';
import { toJson } from '@bufbuild/protobuf';
import { NotFoundError } from '../cli/exit-codes';
import { parseDeadLetterId } from '../dead-letters/dead-letter';
import type { DeadLetterStore } from '../dead-letters/dead-letter.store';
import { summary } from './list.command';

/** The payload as JSON when it decodes; otherwise why not, and its bytes. */
function payloadOf(letter: { key: Buffer | null; value: Buffer | null; headers: Record<string, string> }) {
  try {
    const event = decodeEvent({ key: letter.key, value: letter.value, headers: letter.headers });
    const schema = eventSchemas.find((s) => s.typeName === event.type);
    return { decoded: schema ? toJson(schema, event.message as never) : null };
  } catch (error) {
    return { undecodable: (error as Error).message, base64: letter.value?.toString('base64') ?? null };
  }
}

export async function showCommand(store: DeadLetterStore, id: string, json: boolean, out: (text: string) => void): Promise<void> {
  const { topic } = parseDeadLetterId(id);
  const { letters, replays } = await store.readAll([topic]);
  const letter = letters.find((l) => l.id === id);
  if (!letter) throw new NotFoundError(`no dead letter ${id}: it was purged, or never existed (see \`dlq list --topic ${topic}\`)`);
  const view = {
    ...summary(letter, replays.get(id)),
    key: letter.key?.toString() ?? null,
    headers: letter.headers,
    payload: payloadOf(letter),
  };
  out(json ? JSON.stringify(view) : JSON.stringify(view, null, 2));
}
