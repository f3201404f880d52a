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
} from '../compliance/index.js';
import { SteeringError } from '../errors.js';
import { GuidelineIdSchema, RuleIdSchema } from './api-schemas.js';
import { defineRoute, type RouteSpec } from './define-route.js';
import * as F from './fleet-schemas.js';
import { respondList } from './respond-list.js';
import {
  cursor,
  day,
  evidenceText,
  limit,
  notModified,
  type FleetRouteDeps,
} from './fleet-route-kit.js';
import { scanRoutes } from './scan-routes.js';

export type { FleetRouteDeps };

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
            evidenceText(r.evidence),
          ]),
        }));
      },
    }),
    ...scanRoutes(deps),
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
