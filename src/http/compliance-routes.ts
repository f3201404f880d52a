/**
 * `GET /v1/repositories/{owner}/{repo}/compliance` (read scope): the latest status of every rule
 * for one repository, per guideline and track (`adopted`: the version the repository merged;
 * `latest`: the newest published version), with evidence at file:line. PostgreSQL only.
 */
import { z } from 'zod';
import { SteeringError } from '../errors.js';
import { findRepositoryByName, listRuleStatus, type Db } from '../store/index.js';
import { apiRegistry } from './api-schemas.js';
import { defineRoute, type RouteSpec } from './define-route.js';

const Status = z.enum(['pass', 'fail', 'not-applicable', 'unchecked', 'exempt', 'error', 'stale']);
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
  status: Status,
  message: z.string().nullable(),
  evidence: z.array(ComplianceEvidence),
});
export const GuidelineCompliance = z.object({
  guideline: z.string(),
  track: z.enum(['adopted', 'latest']),
  version: z.string(),
  sha: z.string().describe('The commit scanned'),
  scanId: z.number().int(),
  updatedAt: z.iso.datetime(),
  counts: z.record(Status, z.number().int()),
  compliant: z.boolean().describe('No MUST rule fails or errors'),
  rules: z.array(RuleCompliance),
});
export const RepositoryCompliance = z.object({
  repository: z.string().describe('owner/name'),
  headSha: z.string().nullable().describe('Default-branch head last seen'),
  guidelines: z.array(GuidelineCompliance),
});
for (const [schema, id] of [
  [ComplianceEvidence, 'ComplianceEvidence'],
  [RuleCompliance, 'RuleCompliance'],
  [GuidelineCompliance, 'GuidelineCompliance'],
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
      summary: 'Latest status per rule of one repository, per guideline and track, with evidence',
      scope: 'read',
      params: Params,
      responses: { 200: { description: 'Compliance', schema: RepositoryCompliance } },
      async handle({ params }) {
        const repo = await findRepositoryByName(db, params.owner, params.repo);
        if (!repo)
          throw new SteeringError(
            'NOT_FOUND',
            `repository ${params.owner}/${params.repo} not found`,
          );
        const groups = new Map<string, z.infer<typeof GuidelineCompliance>>();
        for (const s of await listRuleStatus(db, repo.id)) {
          const key = `${s.guideline}\0${s.track}`;
          let g = groups.get(key);
          if (!g) {
            g = {
              guideline: s.guideline,
              track: s.track,
              version: s.version,
              sha: s.sha,
              scanId: s.scanId,
              updatedAt: s.updatedAt,
              counts: Object.fromEntries(Status.options.map((o) => [o, 0])) as Record<
                z.infer<typeof Status>,
                number
              >,
              compliant: true,
              rules: [],
            };
            groups.set(key, g);
          }
          const status = s.status as z.infer<typeof Status>;
          g.counts[status]++;
          if ((status === 'fail' || status === 'error') && s.level === 'MUST') g.compliant = false;
          g.rules.push({
            ruleId: s.ruleId,
            level: s.level as 'MUST' | 'SHOULD' | 'MAY',
            status,
            message: s.message,
            evidence: s.evidence,
          });
        }
        return {
          status: 200,
          body: {
            repository: `${repo.owner}/${repo.name}`,
            headSha: repo.headSha,
            guidelines: [...groups.values()],
          },
        };
      },
    }),
  ];
}
