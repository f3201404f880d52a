/**
 * The store room: PostgreSQL (pg Pool) or embedded PGlite behind one `Db` interface, the migration
 * runner, and one module per aggregate. pg errors become SteeringErrors inside this room.
 */
export type {
  Db,
  NotificationListener,
  PoolStats,
  Queryable,
  QueryResult,
  Transaction,
} from './db.js';
export { openDatabase, type OpenDatabaseOptions } from './open-database.js';
export { openPostgresDatabase, type PostgresOptions } from './open-postgres-database.js';
export {
  openPgliteDatabase,
  outsideTransaction,
  type PgliteOptions,
} from './open-pglite-database.js';
export { translateDatabaseError } from './translate-database-error.js';
export {
  MIGRATIONS_DIR,
  pendingMigrations,
  readMigrations,
  runMigrations,
  type Migration,
  type MigrationOptions,
} from './run-migrations.js';
export type {
  GuidelineRecord,
  GuidelineVersionRecord,
  GuidelineVersionSummary,
  RuleRecord,
} from './guideline-records.js';
export {
  getGuideline,
  getGuidelineVersion,
  getLatestGuidelineVersion,
  getRuleHistory,
  listGuidelineVersions,
  listGuidelines,
  type ListVersionsOptions,
} from './read-guidelines.js';
export {
  insertGuidelineVersion,
  lockGuideline,
  sha256,
  type NewGuidelineVersion,
} from './insert-guideline-version.js';
export {
  IMPLIES,
  SCOPES,
  TOKEN_REVOKED_CHANNEL,
  createApiToken,
  findApiToken,
  hasScope,
  hashToken,
  listApiTokens,
  revokeApiToken,
  touchApiToken,
  type ApiTokenRecord,
  type Scope,
} from './api-tokens.js';
export {
  getRepository,
  listRepositories,
  markRepositoriesDeleted,
  markRepositoryDeleted,
  upsertRepository,
  type RepositoryRecord,
  type RepositoryUpsert,
} from './repositories.js';
export {
  TARGET_STATES,
  findPreviousPullRequest,
  finishTarget,
  getRollout,
  getRolloutTarget,
  insertRollout,
  listDueTargets,
  listRollouts,
  listRolloutTargets,
  lockRolloutWaves,
  markTargetsEnqueued,
  recordTargetError,
  settleTarget,
  startTargetAttempt,
  updateRollout,
  type NewRollout,
  type RolloutRecord,
  type RolloutState,
  type RolloutTargetRecord,
  type TargetOutcome,
  type TargetState,
} from './rollouts.js';
export {
  finishDelivery,
  getDelivery,
  listUnenqueuedDeliveries,
  markDeliveriesEnqueued,
  recordDelivery,
  recordDeliveries,
  type DeliveryRecord,
  type NewDelivery,
} from './deliveries.js';
export {
  MAX_EVIDENCE,
  listRescanCandidates,
  listScans,
  getRepositoryHead,
  scanFromRow,
  listScansOfCommit,
  saveScanResults,
  setRepositoryHead,
  setScanCheckRun,
  type FindingInput,
  type RescanCandidate,
  type SaveScanInput,
  type ScanRecord,
  type ScanResultInput,
  type ScanTrack,
  type StoredEvidence,
} from './scans.js';
export {
  getCachedBlobs,
  getCachedTree,
  putCachedBlobs,
  putCachedTree,
  type CachedTree,
} from './scan-cache.js';
export {
  findRepositoryByName,
  listFindings,
  listRuleStatus,
  type FindingRecord,
  type RuleStatusRecord,
} from './findings.js';
export { insertWaiver, listActiveWaivers, type WaiverRecord } from './waivers.js';
export { getAdoptedVersions, recordAdoption, recordAdoptionFromPullRequest } from './adoptions.js';
export {
  getPrometheusHealth,
  getServiceConfig,
  insertMeasuredValues,
  insertMeasurementUpload,
  listLatestMeasuredValues,
  listMeasuredRepositories,
  listStatusWithFindings,
  putServiceConfig,
  recordPrometheusHealth,
  updateRuleStatus,
  type MeasuredValueInput,
  type MeasuredValueRecord,
  type NewUpload,
  type PrometheusHealth,
  type StatusRow,
} from './measurements.js';
export { getVersionChecks, storeVersionChecks, type VersionChecks } from './version-checks.js';
export {
  listDeliveryBacklog,
  listOpenPullRequestTargets,
  recordedDeliveryIds,
  type BacklogOptions,
  type BacklogRow,
  type OpenPullRequestTarget,
} from './outbox-backlog.js';
export { runExclusively } from './run-exclusively.js';
