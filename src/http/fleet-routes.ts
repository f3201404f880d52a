/**
 * Fleet compliance routes (read scope unless noted): the fleet summary, the filtered repository
 * list, who fails a rule, a repository's scans (and a rescan, publish scope), the history, the
 * audit log (admin). Every list is keyset-paginated (`cursor`), carries an ETag (If-None-Match →
 * 304) and answers `Accept: text/csv`.
 */
import { z } from 'zod';
import {
  REPOSITORY_STATUSES,
  FINDING_STATUSES,
  complianceHistory,
  ensureSnapshot,
  fleetSummary,
  getRepositoryScan,
  listAudit,
  listRepositoryCompliance,
  listRepositoryScans,
  listRuleRepositories,
} from '../compliance/index.js';
import { SteeringError } from '../errors.js';
import { findRepositoryByName, type Db } from '../store/index.js';
import { GuidelineIdSchema, RuleIdSchema } from './api-schemas.js';
import { defineRoute, type RouteSpec } from './define-route.js';
import * as F from './fleet-schemas.js';
import { respondList } from './respond-list.js';

export interface FleetRouteDeps {
  db: Db;
  /** Enqueues a forced scan of the repository's default-branch head; null when nothing to scan. */
  rescan?: (repositoryId: number, sha: string) => Promise<string | null>;
}

const limit = z.coerce
  .number()
  .int()
  .min(1)
  .max(500)
  .default(100)
  .describe('Page size (default 100, at most 500)');
const cursor = z
  .string()
  .max(500)
  .optional()
  .describe('`nextCursor` of the previous page (keyset pagination)');
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .describe('YYYY-MM-DD');
const Name = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/);
const RepoParams = z.object({
  owner: Name.describe('Repository owner'),
  repo: Name.describe('Repository name'),
});
const guideline = GuidelineIdSchema.optional().describe('Only this guideline');

const SummaryQuery = z.object({ guideline });
const RepositoriesQuery = z.object({
  guideline,
  status: z
    .enum([...REPOSITORY_STATUSES, ...FINDING_STATUSES])
    .optional()
    .describe(
      'compliant, noncompliant or unscanned (latest version); with `rule`, that rule’s status (pass, fail, exempt, …)',
    ),
  rule: RuleIdSchema.optional().describe('Only repositories with this status on this rule'),
  topic: z.string().max(50).optional().describe('Only repositories with this GitHub topic'),
  adopted: z
    .string()
    .regex(/^(\d+\.\d+\.\d+|none)$/)
    .optional()
    .describe('Adopted version, or `none`'),
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('Only repositories with (true) or without (false) an overdue rule'),
  limit,
  cursor,
});
const RuleQuery = z.object({
  status: z.enum(FINDING_STATUSES).optional().describe('Only this effective status (e.g. fail)'),
  track: z.enum(['adopted', 'latest']).default('latest').describe('Default latest'),
  limit,
  cursor,
});
const PageQuery = z.object({ limit, cursor });
const HistoryQuery = z.object({
  guideline,
  rule: RuleIdSchema.optional().describe('Only this rule'),
  from: day.optional().describe('First day (default: 90 days before `to`)'),
  to: day.optional().describe('Last day (default: today)'),
  bucket: z.enum(['day', 'week']).default('day').describe('day (default) or week'),
});
const AuditQuery = z.object({
  action: z
    .string()
    .regex(/^[a-z.]{1,50}$/)
    .optional()
    .describe('Only this action or family (waiver, waiver.grant, publish, token)'),
  limit,
  cursor,
});
const ScanParams = RepoParams.extend({ id: z.coerce.number().int().min(1) });

export function fleetRoutes(deps: FleetRouteDeps): RouteSpec[] {
  const { db } = deps;
  async function requireRepository(owner: string, repo: string) {
    const r = await findRepositoryByName(db, owner, repo);
    if (!r) throw new SteeringError('NOT_FOUND', `repository ${owner}/${repo} not found`);
    return r;
  }
  const notModified = { description: 'Not modified (If-None-Match matched the ETag)' };
  return [
    defineRoute({
      method: 'get',
      path: '/v1/compliance',
      operationId: 'getFleetCompliance',
      summary:
        'The fleet at a glance per guideline: share compliant, adopted versions, top failing rules, coverage, overdue',
      scope: 'read',
      query: SummaryQuery,
      responses: {
        200: { description: 'One summary per guideline', schema: F.FleetSummaryList, csv: true },
        304: notModified,
      },
      async handle({ query, req }) {
        const guidelines = await fleetSummary(db, { guideline: query.guideline });
        if (query.guideline && !guidelines.length)
          throw new SteeringError('NOT_FOUND', `guideline "${query.guideline}" not found`);
        return respondList(req, { guidelines }, () => ({
          columns: [
            'guideline',
            'latestVersion',
            'repositories',
            'scanned',
            'compliantMust',
            'shareCompliantMust',
            'compliantAll',
            'shareCompliantAll',
            'overdueRepositories',
            'overdueFindings',
            'coverage',
          ],
          rows: guidelines.map((g) => [
            g.guideline,
            g.latestVersion,
            g.repositories.total,
            g.repositories.scanned,
            g.repositories.compliantMust,
            g.repositories.shareCompliantMust,
            g.repositories.compliantAll,
            g.repositories.shareCompliantAll,
            g.overdue.repositories,
            g.overdue.findings,
            g.coverage.share,
          ]),
        }));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/repositories',
      operationId: 'listRepositories',
      summary:
        'Repositories with their compliance per guideline, filtered by guideline, status, rule, topic, adopted version, overdue',
      scope: 'read',
      query: RepositoriesQuery,
      responses: {
        200: { description: 'A page of repositories', schema: F.RepositoryList, csv: true },
        304: notModified,
      },
      async handle({ query, req }) {
        const page = await listRepositoryCompliance(db, query);
        return respondList(req, page, () => ({
          columns: [
            'repository',
            'guideline',
            'status',
            'adopted',
            'version',
            ...FINDING_STATUSES,
            'overdue',
            'nextDue',
          ],
          rows: page.repositories.flatMap((r) =>
            r.guidelines.length
              ? r.guidelines.map((g) => [
                  r.repository,
                  g.guideline,
                  g.status,
                  g.adopted,
                  g.version,
                  ...FINDING_STATUSES.map((s) => g.counts[s]),
                  g.overdue,
                  g.nextDue,
                ])
              : [[r.repository, null, 'unscanned']],
          ),
        }));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/rules/:ruleId/repositories',
      operationId: 'listRuleRepositories',
      summary:
        'Who fails rule X: repositories with their status on one rule, evidence and due date',
      scope: 'read',
      params: z.object({ ruleId: RuleIdSchema }),
      query: RuleQuery,
      responses: {
        200: { description: 'A page of repositories', schema: F.RuleRepositoryList, csv: true },
        304: notModified,
      },
      async handle({ params, query, req }) {
        const page = await listRuleRepositories(db, { ruleId: params.ruleId, ...query });
        return respondList(req, { rule: params.ruleId, ...page }, () => ({
          columns: [
            'repository',
            'status',
            'checkStatus',
            'level',
            'version',
            'since',
            'dueAt',
            'deadline',
            'message',
            'evidence',
          ],
          rows: page.repositories.map((r) => [
            r.repository,
            r.status,
            r.checkStatus,
            r.level,
            r.version,
            r.since,
            r.dueAt,
            r.deadline,
            r.message,
            r.evidence.map((e) => `${e.path}:${e.line}`).join(' '),
          ]),
        }));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/repositories/:owner/:repo/scans',
      operationId: 'listRepositoryScans',
      summary: 'Scans of one repository, newest first',
      scope: 'read',
      params: RepoParams,
      query: PageQuery,
      responses: {
        200: { description: 'A page of scans', schema: F.ScanList, csv: true },
        304: notModified,
      },
      async handle({ params, query, req }) {
        const repo = await requireRepository(params.owner, params.repo);
        const page = await listRepositoryScans(db, repo.id, query);
        return respondList(req, page, () => ({
          columns: [
            'id',
            'sha',
            'guideline',
            'version',
            'state',
            'trigger',
            'tracks',
            'createdAt',
            'finishedAt',
          ],
          rows: page.scans.map((s) => [
            s.id,
            s.sha,
            s.guideline,
            s.version,
            s.state,
            s.trigger,
            s.tracks.join(' '),
            s.createdAt,
            s.finishedAt,
          ]),
        }));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/repositories/:owner/:repo/scans/:id',
      operationId: 'getRepositoryScan',
      summary: 'One scan with its findings',
      scope: 'read',
      params: ScanParams,
      responses: {
        200: { description: 'The scan', schema: F.ScanDetail, csv: true },
        304: notModified,
      },
      async handle({ params, req }) {
        const repo = await requireRepository(params.owner, params.repo);
        const scan = await getRepositoryScan(db, repo.id, params.id);
        if (!scan)
          throw new SteeringError(
            'NOT_FOUND',
            `scan ${params.id} of ${repo.owner}/${repo.name} not found`,
          );
        return respondList(req, scan, () => ({
          columns: ['ruleId', 'status', 'level', 'message', 'evidence'],
          rows: scan.findings.map((f) => [
            f.ruleId,
            f.status,
            f.level,
            f.message,
            f.evidence.map((e) => `${e.path}:${e.line}`).join(' '),
          ]),
        }));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/repositories/:owner/:repo/scans',
      operationId: 'rescanRepository',
      summary: 'Rescan now: enqueue a forced scan of the default-branch head',
      scope: 'publish',
      params: RepoParams,
      responses: {
        202: { description: 'Enqueued', schema: F.RescanResponse },
        409: { description: 'No known default-branch head, or no queue in this process' },
      },
      async handle({ params }) {
        const repo = await requireRepository(params.owner, params.repo);
        if (!deps.rescan)
          throw new SteeringError(
            'CONFLICT',
            'this server has no scan queue (start it with `steering serve`)',
          );
        if (!repo.headSha)
          throw new SteeringError(
            'CONFLICT',
            `the default-branch head of ${repo.owner}/${repo.name} is not known yet (a push webhook or a registry sync records it)`,
          );
        const jobId = await deps.rescan(repo.id, repo.headSha);
        return {
          status: 202,
          body: { repository: `${repo.owner}/${repo.name}`, sha: repo.headSha, jobId },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/compliance/history',
      operationId: 'getComplianceHistory',
      summary: 'The burndown: fleet counts per day or week from daily snapshots',
      scope: 'read',
      query: HistoryQuery,
      responses: {
        200: { description: 'Points, oldest first', schema: F.HistoryResponse, csv: true },
        304: notModified,
      },
      async handle({ query, req }) {
        await ensureSnapshot(db);
        const points = await complianceHistory(db, query);
        const body = {
          guideline: query.guideline ?? null,
          rule: query.rule ?? null,
          bucket: query.bucket,
          points,
        };
        return respondList(req, body, () => ({
          columns: ['date', 'pass', 'fail', 'mustFailing', 'exempt', 'other', 'overdue'],
          rows: points.map((p) => [
            p.date,
            p.pass,
            p.fail,
            p.mustFailing,
            p.exempt,
            p.other,
            p.overdue,
          ]),
        }));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/audit',
      operationId: 'listAudit',
      summary:
        'The audit log: every write (publish, tokens, waivers, rollout promote), newest first',
      scope: 'admin',
      query: AuditQuery,
      responses: {
        200: { description: 'A page of entries', schema: F.AuditList, csv: true },
        304: notModified,
      },
      async handle({ query, req }) {
        const page = await listAudit(db, query);
        return respondList(req, page, () => ({
          columns: ['id', 'at', 'actor', 'action', 'subject', 'details'],
          rows: page.entries.map((e) => [e.id, e.at, e.actor, e.action, e.subject, e.details]),
        }));
      },
    }),
  ];
}
