/**
 * `GET /v1/repositories/{owner}/{repo}/compliance` (read scope): the status of every rule for one
 * repository, per guideline and track (`adopted`: the version the repository merged; `latest`: the
 * newest published version), with evidence at file:line, since when, the waiver that exempts it,
 * its due date (`due` / `overdue`), and what the latest version would change here. ETag and
 * `Accept: text/csv` as on the lists.
 */
import { z } from 'zod';
import { repositoryCompliance } from '../compliance/index.js';
import { SteeringError } from '../errors.js';
import { findRepositoryByName, type Db } from '../store/index.js';
import { apiRegistry } from './api-schemas.js';
import { defineRoute, type RouteSpec } from './define-route.js';
import { FindingStatusSchema, StatusCounts } from './fleet-schemas.js';
import { respondList } from './respond-list.js';

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
for (const [schema, id] of [
  [ComplianceEvidence, 'ComplianceEvidence'],
  [RuleCompliance, 'RuleCompliance'],
  [GuidelineCompliance, 'GuidelineCompliance'],
  [VersionChange, 'VersionChange'],
  [RepositoryCompliance, 'RepositoryCompliance'],
] as const) {
  if (!apiRegistry.get(schema)) apiRegistry.add(schema, { id });
}

const Name = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/);
const Params = z.object({
  owner: Name.describe('Repository owner'),
  repo: Name.describe('Repository name'),
});

export function complianceRoutes(deps: { db: Db }): RouteSpec[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/v1/repositories/:owner/:repo/compliance',
      operationId: 'getRepositoryCompliance',
      summary:
        'Status per rule of one repository, per guideline and track, with evidence, waiver and due date',
      scope: 'read',
      params: Params,
      responses: {
        200: { description: 'Compliance', schema: RepositoryCompliance, csv: true },
        304: { description: 'Not modified (If-None-Match matched the ETag)' },
      },
      async handle({ params, req }) {
        const repo = await findRepositoryByName(db, params.owner, params.repo);
        if (!repo)
          throw new SteeringError(
            'NOT_FOUND',
            `repository ${params.owner}/${params.repo} not found`,
          );
        const state = await repositoryCompliance(db, repo.id);
        const body = {
          repository: `${repo.owner}/${repo.name}`,
          headSha: repo.headSha,
          guidelines: state.tracks,
          changes: state.changes,
        };
        return respondList(req, body, () => ({
          columns: [
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
            'waiver',
            'message',
          ],
          rows: state.tracks.flatMap((t) =>
            t.rules.map((r) => [
              t.guideline,
              t.track,
              t.version,
              r.ruleId,
              r.level,
              r.status,
              r.checkStatus,
              r.since,
              r.dueAt,
              r.deadline,
              r.waiver ? `${r.waiver.reason} (until ${r.waiver.expiresAt})` : null,
              r.message,
            ]),
          ),
        }));
      },
    }),
  ];
}
