/**
 * Response schemas of the fleet compliance routes (summary, repository lists, who fails a rule,
 * scans, history, waivers, audit). Registered in `apiRegistry`, so /openapi.json names them.
 */
import { z } from 'zod';
import { FINDING_STATUSES, WaiverGrantSchema } from '../compliance/index.js';
import { registerSchemas } from './api-schemas.js';

const timestamp = z.iso.datetime();
export const FindingStatusSchema = z.enum(FINDING_STATUSES);
const int = () => z.number().int();
export const StatusCounts = z.object({
  pass: int(),
  fail: int(),
  'not-applicable': int(),
  unchecked: int(),
  exempt: int(),
  error: int(),
  stale: int().describe('Measured rules whose figure is too old to decide'),
});
export const Evidence = z.object({
  path: z.string(),
  line: int(),
  column: int().optional(),
  snippet: z.string().optional(),
  note: z.string().optional(),
});
const nextCursor = z
  .string()
  .nullable()
  .describe('Pass as `cursor` for the next page; null on the last page');

export const FleetSummary = z.object({
  guideline: z.string(),
  title: z.string(),
  latestVersion: z.string(),
  repositories: z.object({
    total: int().describe('Live, unarchived repositories'),
    scanned: int().describe('Repositories with a scan of the latest version'),
    compliantMust: int(),
    compliantAll: int(),
    shareCompliantMust: z.number().describe('compliantMust / scanned, 0..1'),
    shareCompliantAll: z.number(),
    overdue: int().describe('Repositories with at least one overdue rule'),
  }),
  versions: z.array(
    z.object({
      version: z.string().nullable().describe('Adopted version; null: never adopted'),
      repositories: int(),
      compliantMust: int().describe('Compliant with the version they adopted'),
    }),
  ),
  drift: z.object({ onLatest: int(), behind: int(), notAdopted: int() }),
  topFailingRules: z.array(
    z.object({
      ruleId: z.string(),
      level: z.string(),
      failing: int(),
      overdue: int(),
      exempt: int(),
    }),
  ),
  coverage: z.object({
    rules: int(),
    checked: int().describe('Rules an automated check or a measurement decides'),
    share: z.number(),
  }),
  overdue: z.object({ repositories: int(), findings: int() }),
});
export const FleetSummaryList = z.object({ guidelines: z.array(FleetSummary) });

export const RepositoryListItem = z.object({
  id: int(),
  repository: z.string(),
  topics: z.array(z.string()),
  archived: z.boolean(),
  guidelines: z.array(
    z.object({
      guideline: z.string(),
      adopted: z.string().nullable(),
      version: z.string().nullable().describe('Latest version scanned'),
      status: z.enum(['compliant', 'noncompliant', 'unscanned']),
      counts: StatusCounts,
      overdue: int(),
      nextDue: timestamp.nullable(),
      updatedAt: timestamp.nullable(),
    }),
  ),
});
export const RepositoryList = z.object({ repositories: z.array(RepositoryListItem), nextCursor });

export const RuleRepository = z.object({
  repository: z.string(),
  status: FindingStatusSchema,
  checkStatus: FindingStatusSchema.describe('What the checks said, before any waiver'),
  level: z.string(),
  version: z.string(),
  since: timestamp.nullable(),
  message: z.string().nullable(),
  evidence: z.array(Evidence),
  dueAt: timestamp.nullable(),
  deadline: z.enum(['due', 'overdue']).nullable(),
});
export const RuleRepositoryList = z.object({
  rule: z.string(),
  repositories: z.array(RuleRepository),
  nextCursor,
});

export const Scan = z.object({
  id: int(),
  repository: z.string(),
  sha: z.string(),
  guideline: z.string(),
  version: z.string(),
  state: z.string(),
  trigger: z.string().nullable(),
  tracks: z.array(z.string()),
  checkRunId: int().nullable(),
  summary: StatusCounts.partial().nullable(),
  createdAt: timestamp,
  finishedAt: timestamp.nullable(),
});
export const ScanList = z.object({ scans: z.array(Scan), nextCursor });
export const ScanDetail = Scan.extend({
  findings: z.array(
    z.object({
      ruleId: z.string(),
      status: FindingStatusSchema,
      level: z.string(),
      message: z.string().nullable(),
      evidence: z.array(Evidence),
    }),
  ),
});
export const RescanResponse = z.object({
  repository: z.string(),
  sha: z.string(),
  jobId: z.string().nullable().describe('null: no published guideline to scan'),
});

export const HistoryResponse = z.object({
  guideline: z.string().nullable(),
  rule: z.string().nullable(),
  bucket: z.enum(['day', 'week']),
  points: z.array(
    z.object({
      date: z.string().describe('YYYY-MM-DD (for weeks: the last day with a snapshot)'),
      pass: int(),
      fail: int(),
      mustFailing: int(),
      exempt: int(),
      other: int(),
      overdue: int(),
    }),
  ),
});

export const Waiver = z.object({
  id: int(),
  scope: z.enum(['repository', 'topic', 'fleet']),
  repository: z.string().nullable(),
  topic: z.string().nullable(),
  rule: z.string(),
  owner: z.string().nullable(),
  reason: z.string(),
  createdBy: z.string(),
  createdAt: timestamp,
  expiresAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
  revokedBy: z.string().nullable(),
  source: z.enum(['api', 'cli', 'file']),
  sourceRef: z.string().nullable(),
  active: z.boolean(),
});
export const WaiverList = z.object({ waivers: z.array(Waiver), nextCursor });

export const AuditEntry = z.object({
  id: int(),
  at: timestamp,
  actor: z.string(),
  action: z.string(),
  subject: z.string(),
  details: z.record(z.string(), z.unknown()),
});
export const AuditList = z.object({ entries: z.array(AuditEntry), nextCursor });

registerSchemas([
  [StatusCounts, 'StatusCounts'],
  [FleetSummary, 'FleetSummary'],
  [FleetSummaryList, 'FleetSummaryList'],
  [RepositoryListItem, 'RepositoryListItem'],
  [RepositoryList, 'RepositoryList'],
  [RuleRepository, 'RuleRepository'],
  [RuleRepositoryList, 'RuleRepositoryList'],
  [Scan, 'Scan'],
  [ScanList, 'ScanList'],
  [ScanDetail, 'ScanDetail'],
  [RescanResponse, 'RescanResponse'],
  [HistoryResponse, 'HistoryResponse'],
  [Waiver, 'Waiver'],
  [WaiverList, 'WaiverList'],
  [WaiverGrantSchema, 'WaiverGrant'],
  [AuditEntry, 'AuditEntry'],
  [AuditList, 'AuditList'],
]);
