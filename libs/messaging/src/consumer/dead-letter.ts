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
