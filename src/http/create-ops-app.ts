/**
 * The operational endpoints alone (`/health`, `/ready`, `/metrics`), for `steering worker --port`:
 * a worker serves no API, but its orchestrator probes it and Prometheus scrapes it.
 */
import express, { type Express } from 'express';
import type { Metrics } from '../metrics.js';
import { mountLiveness, mountOpsRoutes, type ReadinessCheck } from './ops-routes.js';

export function createOpsApp(deps: {
  metrics: Metrics;
  readiness: Record<string, ReadinessCheck>;
}): Express {
  const app = express();
  app.disable('x-powered-by');
  mountLiveness(app);
  mountOpsRoutes(app, {
    metrics: deps.metrics,
    readiness: deps.readiness,
    openapi: () => ({
      openapi: '3.1.0',
      info: { title: 'steering worker', version: '0.1.0' },
      paths: {},
    }),
  });
  return app;
}
