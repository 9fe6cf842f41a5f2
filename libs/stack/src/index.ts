// A client of a running Orderflow stack: its services' HTTP APIs, their processes, its Kafka
// topics and databases, load to put on it and the invariants its state must keep. The e2e
// suite, the benchmark, fault injection and fuzzing use it; production code never does
// (the tags in eslint.config.mjs).
export { localServices, serviceAt, type ServiceName, SERVICES, serviceUrl } from './services';
export {
  type ApiResponse,
  call,
  customerToken,
  FINAL,
  getOrder,
  getProduct,
  type OrderLine,
  orderReaches,
  placeOrder,
  putProduct,
  staffToken,
  tokens,
} from './api';
export {
  allFinal,
  expectNotifiedOnce,
  expectPointsExactlyOnce,
  expectStockConsistent,
  kindsFor,
  ordersOf,
  type PlacedOrder,
  pointsFor,
  type Stocked,
  wasConfirmed,
} from './convergence';
export {
  currentInstance,
  isAlive,
  killAndWait,
  killService,
  pauseService,
  recordInstance,
  startReplica,
  startServiceAgain,
} from './instances';
export { caughtUp, lagOf, rewind, suiteStartedAt, withKafkaAdmin } from './kafka-admin';
export { exposedSeries, type Sample, scrape, total } from './metrics';
export { countByKind, listNotifications, type NotificationKind, notificationsSent } from './notifications';
export { confirmedOrder, type CustomerPoints, getPoints, movementsOf, pointsReach } from './points';
export { fetchWithinRateLimits } from './rate-limit.retry';
export { record, runSummary } from './run.report';
export { DEADLINE_KEY } from './test-deadline';
export { securityEnv } from './security-env';
export { seededRandom } from './seeded-random';
export { infraPids, listenerOn, listensOn, StackServices } from './stack.services';
export { FLASH, FLAT, type Mix, type OrderPlan, planMix, STANDARD } from './order.mix';
export { HttpPoster, type Posted } from './http.post';
export { describeRefusals, LoadGenerator, refusedCount } from './load.generator';
export { inPool, messagesOnTopics, readState, waitAllFinal, waitCaughtUp } from './pipeline.state';
export { checkInvariants, type InvariantReport, type PipelineState } from './invariants.check';
export { type HistoryEntry, pendingToFinal, type Percentiles, quarters, summarize } from './latency.stats';
