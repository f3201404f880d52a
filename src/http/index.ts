/**
 * The http room: the Express app (`createApp`), listening and graceful shutdown, and the OpenAPI
 * document built from the same zod schemas that validate requests.
 */
export {
  createApp,
  openApiDocument,
  webhookIntakeIdle,
  type AppDeps,
  type ComplianceOptions,
} from './create-app.js';
export { createOpsApp } from './create-ops-app.js';
export {
  startServer,
  createShutdown,
  type RunningServer,
  type Closable,
  type ShutdownPlan,
} from './start-server.js';
export type { ReadinessCheck } from './ops-routes.js';
export { apiRegistry } from './api-schemas.js';
export { problemBody } from './problem.js';
