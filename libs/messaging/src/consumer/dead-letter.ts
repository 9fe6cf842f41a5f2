import { DeadLetterHeader, deadLetterTopic } from '@orderflow/contracts';
import type { KafkaMessage } from 'kafkajs';

export { DeadLetterHeader };

export function deadLetterRecord(
  source: { topic: string; partition: number; message: KafkaMessage; groupId: string },
  code: string,
  reason: string,
) {
  return {
    topic: deadLetterTopic(source.topic),
    messages: [
      {
        key: source.message.key,
        value: source.message.value,
        headers: {
          ...source.message.headers,
          [DeadLetterHeader.reason]: reason.slice(0, 1_000),
          [DeadLetterHeader.code]: code,
          [DeadLetterHeader.topic]: source.topic,
          [DeadLetterHeader.partition]: String(source.partition),
          [DeadLetterHeader.offset]: source.message.offset,
          [DeadLetterHeader.group]: source.groupId,
          [DeadLetterHeader.at]: new Date().toISOString(),
        },
      },
    ],
  };
}

type DeadLetterRecord = ReturnType<typeof deadLetterRecord>;

/** The broker refused a record as larger than it takes (Kafka's MESSAGE_TOO_LARGE, not retriable). */
export function isTooLarge(error: unknown): boolean {
  return (error as { type?: unknown } | null)?.type === 'MESSAGE_TOO_LARGE';
}

/**
 * The dead letter without its value, saying how many bytes were left out. A message the
 * broker took at the edge of its size limit is over it once the headers above are added, and
 * would otherwise be retried forever, holding up its partition; its value stays on the source
 * topic at the offset the dead letter names.
 */
export function withoutValue(record: DeadLetterRecord): DeadLetterRecord {
  return {
    ...record,
    messages: record.messages.map((message) => ({
      ...message,
      value: null,
      headers: { ...message.headers, [DeadLetterHeader.valueDropped]: String(message.value?.length ?? 0) },
    })),
  };
}
