export { MessagingConfig } from './messaging.config';
export { MessagingModule, type MessagingModuleOptions } from './messaging.module';
export { KafkaReadiness } from './kafka.readiness';
export { encodeForOutbox } from './outbox/outbox.message';
export { ANY_EVENT } from './consumer/event-consumer.server';
export { PermanentEventError } from './consumer/permanent.error';
export { requireCustomerId, requireOrderId } from './consumer/event-fields.check';
export { markOrder, OrderflowAttributes } from './tracing/order.correlation';
export { DirectPublisher, PublishUnavailableError, type DirectPublisherOptions } from './direct.publisher';
