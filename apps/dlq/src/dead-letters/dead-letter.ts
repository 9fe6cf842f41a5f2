import { ConsumerGroups, DeadLetterHeader, deadLetterTopic, EnvelopeHeader, Topics, type TopicKey } from '@orderflow/contracts';
import { UsageError } from '../cli/exit-codes';

/** A message a consumer parked on a dead-letter topic, with why and where it came from. */
export interface DeadLetter {
  /** `<source topic key>:<partition>:<offset>` on the dead-letter topic, e.g. `inventory:3:17`. */
  id: string;
  topic: TopicKey;
  dltTopic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  /** Every header, as text. */
  headers: Record<string, string>;
  code: string;
  reason: string;
  source: { topic: string; partition: number; offset: string };
  group: string;
  deadLetteredAt: Date;
  orderId: string | null;
  eventId: string | null;
  eventType: string | null;
}

/** Headers the consumer adds when it dead-letters: a replay leaves them behind. */
const DEAD_LETTERING_HEADERS = new Set<string>(Object.values(DeadLetterHeader));
/** Header a replayed message carries: the id of the dead letter it replays. */
export const REPLAY_OF_HEADER = 'dlt-replay-of';

export const TOPIC_KEYS = Object.keys(Topics) as TopicKey[];

/** A topic given as a registry key (`inventory`) or a name (`orderflow.inventory.events.v1`, or its `.dlt`). */
export function topicKeyOf(given: string): TopicKey {
  const key = TOPIC_KEYS.find((k) => k === given || Topics[k].name === given || deadLetterTopic(Topics[k].name) === given);
  if (!key) throw new UsageError(`unknown topic "${given}": use one of ${TOPIC_KEYS.join(', ')} (or their full names)`);
  return key;
}

const GROUP_IDS = Object.values(ConsumerGroups).map((group) => group.groupId as string);

/**
 * A consumer group given as its service's name (`inventory-service`) or its id
 * (`orderflow.inventory-service`). Every group reading a topic parks its own copy of a
 * message it cannot handle, so one poison message on the orders topic is several dead letters.
 */
export function groupIdOf(given: string): string {
  const id = ConsumerGroups[given as keyof typeof ConsumerGroups]?.groupId ?? GROUP_IDS.find((groupId) => groupId === given);
  if (!id)
    throw new UsageError(`unknown consumer group "${given}": use one of ${Object.keys(ConsumerGroups).join(', ')} (or their group ids)`);
  return id;
}

export function deadLetterId(topic: TopicKey, partition: number, offset: string): string {
  return `${topic}:${partition}:${offset}`;
}

/** Parses `<topic>:<partition>:<offset>`; a clear usage error otherwise. */
export function parseDeadLetterId(id: string): { topic: TopicKey; partition: number; offset: string } {
  const match = /^([a-z]+):(\d{1,4}):(\d{1,19})$/.exec(id);
  if (!match)
    throw new UsageError(`"${id}" is not a dead-letter id: expected <topic>:<partition>:<offset>, e.g. inventory:3:17 (see \`dlq list\`)`);
  const topic = topicKeyOf(match[1]);
  const partition = Number(match[2]);
  if (partition >= Topics[topic].partitions) {
    throw new UsageError(`"${id}": ${Topics[topic].name} has partitions 0-${Topics[topic].partitions - 1}`);
  }
  return { topic, partition, offset: match[3] };
}

const text = (value: Buffer | string | (Buffer | string)[] | undefined): string | undefined => {
  const one = Array.isArray(value) ? value[value.length - 1] : value;
  return one === undefined ? undefined : one.toString();
};

/** A dead letter from the raw Kafka record of a dead-letter topic. */
export function fromRecord(
  topic: TopicKey,
  partition: number,
  record: {
    offset: string;
    key: Buffer | null;
    value: Buffer | null;
    timestamp: string;
    headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
  },
): DeadLetter {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.headers ?? {})) {
    const v = text(value);
    if (v !== undefined) headers[name] = v;
  }
  const at = headers[DeadLetterHeader.at] ? new Date(headers[DeadLetterHeader.at]) : new Date(Number(record.timestamp));
  return {
    id: deadLetterId(topic, partition, record.offset),
    topic,
    dltTopic: deadLetterTopic(Topics[topic].name),
    partition,
    offset: record.offset,
    key: record.key,
    value: record.value,
    headers,
    code: headers[DeadLetterHeader.code] ?? 'UNKNOWN',
    reason: headers[DeadLetterHeader.reason] ?? '',
    source: {
      topic: headers[DeadLetterHeader.topic] ?? Topics[topic].name,
      partition: Number(headers[DeadLetterHeader.partition] ?? partition),
      offset: headers[DeadLetterHeader.offset] ?? '?',
    },
    group: headers[DeadLetterHeader.group] ?? '',
    deadLetteredAt: Number.isNaN(at.getTime()) ? new Date(Number(record.timestamp)) : at,
    orderId: headers[EnvelopeHeader.correlationId] ?? record.key?.toString() ?? null,
    eventId: headers[EnvelopeHeader.id] ?? null,
    eventType: headers[EnvelopeHeader.type] ?? null,
  };
}

/** The headers a replay sends: the original ones (event id included), without the dead-lettering's, plus where it came from. */
export function replayHeaders(letter: DeadLetter): Record<string, string> {
  const headers = Object.fromEntries(Object.entries(letter.headers).filter(([name]) => !DEAD_LETTERING_HEADERS.has(name)));
  return { ...headers, [REPLAY_OF_HEADER]: letter.id };
}

export interface Selection {
  topics: TopicKey[];
  orderId?: string;
  since?: Date;
  /** Only the dead letters this consumer group parked (its id). */
  group?: string;
}

export function matches(letter: DeadLetter, selection: Selection): boolean {
  if (!selection.topics.includes(letter.topic)) return false;
  if (selection.orderId !== undefined && letter.orderId !== selection.orderId) return false;
  if (selection.group !== undefined && letter.group !== selection.group) return false;
  if (selection.since !== undefined && letter.deadLetteredAt < selection.since) return false;
  return true;
}
