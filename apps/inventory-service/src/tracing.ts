// Loaded before anything else (first import of main.ts), so the instrumentations patch
// HTTP, Express, Nest and the MongoDB driver before they are loaded.
import { startTracing } from '@orderflow/observability/tracing';

startTracing('inventory-service');
