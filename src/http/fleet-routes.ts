/**
 * Fleet compliance routes (read scope unless noted): the fleet summary, the filtered repository
 * list, who fails a rule, a repository's scans (scan-routes.ts), the history, the audit log
 * (admin). Every list is keyset-paginated (`cursor`), carries an ETag (If-None-Match →
 * 304) and answers `Accept: text/csv`.
 */
import { z } from 'zod';
import {
  REPOSITORY_STATUSES,
  FINDING_STATUSES,
  complianceHistory,
  fleetSummary,
  listAudit,
  listRepositoryCompliance,
  listRuleRepositories,
  type RepositoryGuidelineRow,
} from '../compliance/index.js';
import { SteeringError } from '../errors.js';
import { GuidelineIdSchema, RuleIdSchema } from './api-schemas.js';
import type { RouteSpec } from './define-route.js';
import * as F from './fleet-schemas.js';
import {
  csvTable,
  cursor,
  day,
  defineListRoute,
  evidenceText,
  limit,
  type FleetRouteDeps,
} from './fleet-route-kit.js';
import { scanRoutes } from './scan-routes.js';

export type { FleetRouteDeps };

/** A CSV row of the repository list: one repository and guideline (or unscanned). */
type CsvGuideline = { repository: string; status: string } & Partial<RepositoryGuidelineRow>;

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

export function fleetRoutes(deps: FleetRouteDeps): RouteSpec[] {
  const { db } = deps;
  return [
    defineListRoute({
      path: '/v1/compliance',
      operationId: 'getFleetCompliance',
      summary:
        'The fleet at a glance per guideline: share compliant, adopted versions, top failing rules, coverage, overdue',
      query: SummaryQuery,
      ok: { description: 'One summary per guideline', schema: F.FleetSummaryList },
      async load({ query }) {
        const guidelines = await fleetSummary(db, { guideline: query.guideline });
        if (query.guideline && !guidelines.length)
          throw new SteeringError('NOT_FOUND', `guideline "${query.guideline}" not found`);
        return { guidelines };
      },
      csv: ({ guidelines }) =>
        csvTable(guidelines, [
          'guideline',
          'latestVersion',
          ['repositories', (g) => g.repositories.total],
          ['scanned', (g) => g.repositories.scanned],
          ['compliantMust', (g) => g.repositories.compliantMust],
          ['shareCompliantMust', (g) => g.repositories.shareCompliantMust],
          ['compliantAll', (g) => g.repositories.compliantAll],
          ['shareCompliantAll', (g) => g.repositories.shareCompliantAll],
          ['overdueRepositories', (g) => g.overdue.repositories],
          ['overdueFindings', (g) => g.overdue.findings],
          ['coverage', (g) => g.coverage.share],
        ]),
    }),
    defineListRoute({
      path: '/v1/repositories',
      operationId: 'listRepositories',
      summary:
        'Repositories with their compliance per guideline, filtered by guideline, status, rule, topic, adopted version, overdue',
      query: RepositoriesQuery,
      ok: { description: 'A page of repositories', schema: F.RepositoryList },
      load: ({ query }) => listRepositoryCompliance(db, query),
      csv: (page) =>
        csvTable<CsvGuideline>(
          page.repositories.flatMap((r): CsvGuideline[] =>
            r.guidelines.length
              ? r.guidelines.map((g) => ({ repository: r.repository, ...g }))
              : [{ repository: r.repository, status: 'unscanned' }],
          ),
          [
            'repository',
            'guideline',
            'status',
            'adopted',
            'version',
            ...FINDING_STATUSES.map((s) => [s, (g: CsvGuideline) => g.counts?.[s]] as const),
            'overdue',
            'nextDue',
          ],
        ),
    }),
    defineListRoute({
      path: '/v1/rules/:ruleId/repositories',
      operationId: 'listRuleRepositories',
      summary:
        'Who fails rule X: repositories with their status on one rule, evidence and due date',
      params: z.object({ ruleId: RuleIdSchema }),
      query: RuleQuery,
      ok: { description: 'A page of repositories', schema: F.RuleRepositoryList },
      async load({ params, query }) {
        const page = await listRuleRepositories(db, { ruleId: params.ruleId, ...query });
        return { rule: params.ruleId, ...page };
      },
      csv: (page) =>
        csvTable(page.repositories, [
          'repository',
          'status',
          'checkStatus',
          'level',
          'version',
          'since',
          'dueAt',
          'deadline',
          'message',
          ['evidence', (r) => evidenceText(r.evidence)],
        ]),
    }),
    ...scanRoutes(deps),
    defineListRoute({
      path: '/v1/compliance/history',
      operationId: 'getComplianceHistory',
      summary: 'The burndown: fleet counts per day or week from daily snapshots',
      query: HistoryQuery,
      ok: { description: 'Points, oldest first', schema: F.HistoryResponse },
      async load({ query }) {
        const points = await complianceHistory(db, query);
        return {
          guideline: query.guideline ?? null,
          rule: query.rule ?? null,
          bucket: query.bucket,
          points,
        };
      },
      csv: ({ points }) =>
        csvTable(points, ['date', 'pass', 'fail', 'mustFailing', 'exempt', 'other', 'overdue']),
    }),
    defineListRoute({
      path: '/v1/audit',
      operationId: 'listAudit',
      summary:
        'The audit log: every write (publish, tokens, waivers, rollout promote), newest first',
      scope: 'admin',
      query: AuditQuery,
      ok: { description: 'A page of entries', schema: F.AuditList },
      load: ({ query }) => listAudit(db, query),
      csv: ({ entries }) =>
        csvTable(entries, ['id', 'at', 'actor', 'action', 'subject', 'details']),
    }),
  ];
}
