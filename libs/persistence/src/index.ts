export { MongoModule } from './mongo.module';
export { MongoReadiness } from './mongo.readiness';
export { duplicatesOf, isDuplicateKey } from './duplicate-key';
export { WriteBatcher } from './write.batcher';
export { guardDriverWrites } from './driver-write.guard';
export { MongoWatchdog, WATCHDOG_DEFAULTS, type MongoWatchdogOptions } from './mongo.watchdog';
