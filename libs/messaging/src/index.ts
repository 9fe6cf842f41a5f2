export { MessagingModule, type MessagingModuleOptions } from './messaging.module';
export { KafkaReadiness } from './kafka.readiness';
export { createKafkaClient } from './kafka.client';
export { EventProducer } from './event.producer';
export { OutboxRelay } from './outbox/outbox.relay';
export { indexOutbox, outboxMessage, OutboxMessageSchema, type OutboxMessage } from './outbox/outbox.message';
export { ANY_EVENT, EventConsumerServer, EventContext, type EventConsumerOptions } from './consumer/event-consumer.server';
export { PermanentEventError } from './consumer/permanent.error';
export { DeadLetterHeader } from './consumer/dead-letter';
