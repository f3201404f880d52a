/**
 * The compliance room: read models over the store for the fleet (summary, filtered repository
 * lists, who fails a rule, one repository's status with waivers and due dates, daily history),
 * waivers (one model for the API, the CLI and `.steering/waivers.yaml`), due dates from the
 * guideline's `grace`, and the audit log.
 */
export { listAudit, recordAudit, type AuditEntry } from './audit-log.js';
export { decodeCursor, encodeCursor } from './cursor.js';
export { fleetSummary, FLEET_SQL, type FleetSummary } from './fleet-summary.js';
export {
  FINDING_STATUSES,
  PAGE_AGGREGATES_SQL,
  REPOSITORY_STATUSES,
  emptyCounts,
  listRepositoryCompliance,
  repositoryListSql,
  type FindingStatus,
  type RepositoryFilter,
  type RepositoryGuidelineRow,
  type RepositoryRow,
  type StatusCounts,
} from './list-repositories.js';
export {
  findWaiver,
  latestRules,
  measuredOf,
  repositoryCompliance,
  ruleLabel,
  type RepositoryState,
  type RuleState,
  type TrackState,
  type VersionChange,
} from './repository-compliance.js';
export {
  listRuleRepositories,
  ruleRepositoriesSql,
  type RuleRepositoryRow,
} from './rule-repositories.js';
export {
  HISTORY_SQL,
  SNAPSHOT_SQL,
  complianceHistory,
  takeSnapshot,
  type HistoryPoint,
} from './compliance-history.js';
export {
  SNAPSHOT_EVERY_MS,
  SNAPSHOT_QUEUE,
  SNAPSHOT_SCHEDULER_ID,
  startSnapshotSchedule,
  type SnapshotSchedule,
  type SnapshotScheduleOptions,
} from './snapshot-schedule.js';
export {
  ensureDeadlines,
  graceFor,
  readGrace,
  syncDeadlines,
  type Grace,
} from './sync-deadlines.js';
export { deadlineOf, formatDue, isPastDue, type Deadline } from './deadline.js';
export { parseDuration } from './parse-duration.js';
export { matchesRulePattern } from './waiver-pattern.js';
export {
  DEFAULT_MAX_WAIVER_DAYS,
  WaiverGrantSchema,
  grantWaiver,
  insertWaiverRecord,
  listWaivers,
  listWaiversForRepository,
  resolveWaiverExpiry,
  revokeWaiver,
  waivedSql,
  type WaiverGrant,
  type WaiverRecord,
  type WaiverSource,
} from './waivers.js';
export {
  WAIVERS_FILE,
  readWaiversFile,
  type WaiverFileProblem,
  type WaiversFile,
} from './read-waivers-file.js';
export { syncFileWaivers } from './sync-file-waivers.js';
export {
  SCANS_SQL,
  getRepositoryScan,
  listRepositoryScans,
  type ScanRow,
} from './repository-scans.js';
export {
  repositoryOutlook,
  type OutlookRule,
  type RepositoryOutlook,
} from './repository-outlook.js';
export { HEATMAP_SQL, heatmapCells, type HeatmapCell } from './heatmap-cells.js';
