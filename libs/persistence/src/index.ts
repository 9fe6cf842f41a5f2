export { MongoModule } from './mongo.module';
export { MongoReadiness } from './mongo.readiness';
export { isDuplicateKey } from './duplicate-key';
export { WriteBatcher } from './write.batcher';
