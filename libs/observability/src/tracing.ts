/**
 * The one entry point loaded before anything else in a service (`import './tracing'` at the
 * top of `main.ts`): it must not import Nest, Express or the MongoDB driver, or they would
 * be loaded before the instrumentations can patch them.
 */
export { startTracing, tracingConfigured } from './tracing/tracing.sdk';
