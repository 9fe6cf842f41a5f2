import { ConsumerGroups, deadLetterTopic, Topics, type TopicKey } from './topics';

/** One permission a service's principal needs on the broker (Kafka's ACL vocabulary). */
export interface BrokerAcl {
  readonly resource: 'TOPIC' | 'GROUP';
  /** A topic or consumer group name, taken literally. */
  readonly name: string;
  readonly operation: 'READ' | 'WRITE' | 'DESCRIBE';
}

export type ServiceName = keyof typeof ConsumerGroups;

/**
 * What a service's principal may do, and nothing more, from the topic registry: write the
 * topic it produces and the dead-letter topics of those it consumes; read (and describe, for
 * lag) the topics it consumes with its own consumer group. With these on a broker that
 * authenticates clients, nobody but order-api can write the orders topic, which the
 * consumers' source check (messaging) cannot ensure by itself.
 */
export function brokerAcls(service: ServiceName): BrokerAcl[] {
  const { groupId, topics } = ConsumerGroups[service];
  const produced = (Object.keys(Topics) as TopicKey[]).filter((key) => Topics[key].producer === service);
  const consumed = topics as readonly TopicKey[];
  return [
    ...produced.flatMap((key) =>
      (['WRITE', 'DESCRIBE'] as const).map((operation) => ({ resource: 'TOPIC' as const, name: Topics[key].name, operation })),
    ),
    ...consumed.flatMap((key) =>
      (['READ', 'DESCRIBE'] as const).map((operation) => ({ resource: 'TOPIC' as const, name: Topics[key].name, operation })),
    ),
    ...consumed.flatMap((key) =>
      (['WRITE', 'DESCRIBE'] as const).map((operation) => ({
        resource: 'TOPIC' as const,
        name: deadLetterTopic(Topics[key].name),
        operation,
      })),
    ),
    { resource: 'GROUP', name: groupId, operation: 'READ' },
    { resource: 'GROUP', name: groupId, operation: 'DESCRIBE' },
  ];
}
