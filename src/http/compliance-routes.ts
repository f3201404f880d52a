/**
 * `GET /v1/repositories/{owner}/{repo}/compliance` (read scope): the status of every rule for one
 * repository, per guideline and track (`adopted`: the version the repository merged; `latest`: the
 * newest published version), with evidence at file:line, since when, the waiver that exempts it,
 * its due date (`due` / `overdue`), and what the latest version would change here. ETag and
 * `Accept: text/csv` as on the lists.
 */
import { z } from 'zod';
import { ensureDeadlines, repositoryCompliance } from '../compliance/index.js';
import type { Db } from '../store/index.js';
import { RepoParams, registerSchemas } from './api-schemas.js';
import type { RouteSpec } from './define-route.js';
import { csvTable, defineListRoute, repositoryFinder } from './fleet-route-kit.js';
import { FindingStatusSchema, StatusCounts } from './fleet-schemas.js';

const Status = FindingStatusSchema;
export const ComplianceEvidence = z.object({
  path: z.string(),
  line: z.number().int(),
  column: z.number().int().optional(),
  snippet: z.string().optional(),
  note: z.string().optional(),
});
export const RuleCompliance = z.object({
  ruleId: z.string(),
  level: z.enum(['MUST', 'SHOULD', 'MAY']),
  status: Status.describe('Effective status: `exempt` while a waiver is in force'),
  checkStatus: Status.describe('What the checks said, before any waiver'),
  since: z.iso.datetime().nullable().describe('Since when the rule has had this check status'),
  message: z.string().nullable(),
  evidence: z.array(ComplianceEvidence),
  waiver: z
    .object({
      id: z.number().int(),
      owner: z.string().nullable(),
      reason: z.string(),
      expiresAt: z.iso.datetime().nullable(),
    })
    .nullable(),
  dueAt: z.iso.datetime().nullable().describe('When a failing MUST rule becomes overdue'),
  deadline: z.enum(['due', 'overdue']).nullable(),
});
export const GuidelineCompliance = z.object({
  guideline: z.string(),
  track: z.enum(['adopted', 'latest']),
  version: z.string(),
  sha: z.string().describe('The commit scanned'),
  scanId: z.number().int(),
  updatedAt: z.iso.datetime(),
  counts: StatusCounts,
  compliant: z.boolean().describe('No MUST rule fails or errors'),
  overdue: z.number().int().describe('Failing MUST rules past their due date'),
  rules: z.array(RuleCompliance),
});
export const VersionChange = z.object({
  guideline: z.string(),
  adopted: z.string().nullable(),
  latest: z.string(),
  wouldFail: z.array(
    z.object({
      ruleId: z.string(),
      label: z.string(),
      level: z.string(),
      measured: z.string().nullable(),
      dueAt: z.iso.datetime().nullable(),
    }),
  ),
  wouldPass: z.array(z.string()),
});
export const RepositoryCompliance = z.object({
  repository: z.string().describe('owner/name'),
  headSha: z.string().nullable().describe('Default-branch head last seen'),
  guidelines: z.array(GuidelineCompliance),
  changes: z
    .array(VersionChange)
    .describe('Per guideline: what moving from the adopted to the latest version changes here'),
});
registerSchemas([
  [ComplianceEvidence, 'ComplianceEvidence'],
  [RuleCompliance, 'RuleCompliance'],
  [GuidelineCompliance, 'GuidelineCompliance'],
  [VersionChange, 'VersionChange'],
  [RepositoryCompliance, 'RepositoryCompliance'],
]);

export function complianceRoutes(deps: { db: Db }): RouteSpec[] {
  const { db } = deps;
  const requireRepository = repositoryFinder(db);
  return [
    defineListRoute({
      path: '/v1/repositories/:owner/:repo/compliance',
      operationId: 'getRepositoryCompliance',
      summary:
        'Status per rule of one repository, per guideline and track, with evidence, waiver and due date',
      params: RepoParams,
      ok: { description: 'Compliance', schema: RepositoryCompliance },
      async load({ params }) {
        // Due dates are brought up to date while the repository is looked up: neither needs the other.
        const [repo] = await Promise.all([
          requireRepository(params.owner, params.repo),
          ensureDeadlines(db),
        ]);
        const state = await repositoryCompliance(db, repo.id, { deadlinesChecked: true });
        return {
          repository: `${repo.owner}/${repo.name}`,
          headSha: repo.headSha,
          guidelines: state.tracks,
          changes: state.changes,
        };
      },
      csv: ({ guidelines }) =>
        csvTable(
          guidelines.flatMap((t) => t.rules.map((r) => ({ ...t, ...r }))),
          [
            'guideline',
            'track',
            'version',
            'ruleId',
            'level',
            'status',
            'checkStatus',
            'since',
            'dueAt',
            'deadline',
            [
              'waiver',
              (r) => (r.waiver ? `${r.waiver.reason} (until ${r.waiver.expiresAt})` : null),
            ],
            'message',
          ],
        ),
    }),
  ];
}
