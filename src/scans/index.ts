/**
 * The scans room: webhook deliveries → registry updates, adoptions and scans; the scan job
 * (snapshot from GitHub with tree and blob caches, evaluate with src/checks, store, check run);
 * the repeatable reconcile job. BullMQ queue `scan`.
 */
export {
  classifyDelivery,
  repositoryIdOf,
  HANDLED_EVENTS,
  type DeliveryIntent,
} from './classify-delivery.js';
export {
  SCAN_QUEUE,
  SCAN_ATTEMPTS,
  createScanQueue,
  deliveryJobId,
  enqueueDeliveries,
  enqueueDeliveryWithin,
  scanJobId,
  type DeliveryJobData,
  type ScanJobData,
  type ScanQueue,
  type ScanQueueJob,
} from './scan-queue.js';
export { enqueueScan } from './enqueue-scan.js';
export { handleDelivery, type DeliveryDeps } from './handle-delivery.js';
export { planScanVersions, versionKeys, type PlannedVersion } from './plan-scan-versions.js';
export {
  checksFromDirectory,
  checksForVersion,
  type ChecksSource,
} from './load-guideline-checks.js';
export {
  snapshotRepository,
  type SnapshotStats,
  type SnapshotOptions,
} from './snapshot-repository.js';
export { scanRepository, type ScanDeps, type ScanOutcome } from './scan-repository.js';
export {
  CHECK_RUN_NAME,
  conclusionOf,
  renderCheckRun,
  type EvaluatedVersion,
} from './render-check-run.js';
export {
  RECONCILE_SCHEDULER_ID,
  reconcileScans,
  scheduleScanReconcile,
  type ReconcileScansOptions,
  type ReconcileScansResult,
} from './reconcile-scans.js';
export { startScanWorker, type ScanWorkerOptions } from './start-scan-worker.js';
export { openScanRuntime, type ScanRuntime } from './open-scan-runtime.js';
