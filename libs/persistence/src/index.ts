export { MongoConfig } from './mongo.config';
export { MongoModule, type MongoModuleOptions } from './mongo.module';
export { MongoReadiness } from './mongo.readiness';
export { duplicatesOf, isDuplicateKey } from './duplicate-key';
export { WriteBatcher } from './write.batcher';
export { type OutboxMessage } from './outbox/outbox.entry';
export { outboxPlugin } from './outbox/outbox.plugin';
export { OutboxStore, type PendingEvents } from './outbox/outbox.store';
