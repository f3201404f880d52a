/**
 * The zod schemas of the HTTP API: request parameters (validated by the routes) and response
 * bodies. The same schemas generate `/openapi.json`, so the document cannot drift from the code.
 * Schemas registered in `apiRegistry` become `#/components/schemas/<id>`.
 */
import { z } from 'zod';
import { BumpSchema, ChangelogSchema, DiagnosticSchema, RuleSchema } from '../guidelines/index.js';

export const apiRegistry = z.registry<{ id: string; description?: string }>();

/** Names each schema in `apiRegistry` (`#/components/schemas/<id>`), once. */
export function registerSchemas(entries: readonly (readonly [z.ZodType, string])[]): void {
  for (const [schema, id] of entries) if (!apiRegistry.get(schema)) apiRegistry.add(schema, { id });
}

const timestamp = z.iso.datetime();

export const GuidelineIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/)
  .max(100)
  .describe('Guideline id');
export const VersionSchema = z
  .string()
  .regex(/^\d+\.\d+\.\d+$/)
  .describe('Semantic version MAJOR.MINOR.PATCH');
export const RuleIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/)
  .max(300)
  .describe('Rule id');

export const GuidelineParams = z.object({ id: GuidelineIdSchema });
export const VersionParams = z.object({ id: GuidelineIdSchema, version: VersionSchema });
export const RuleParams = z.object({ ruleId: RuleIdSchema });
const RepoName = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/);
export const RepoParams = z.object({
  owner: RepoName.describe('Repository owner'),
  repo: RepoName.describe('Repository name'),
});
export const ListVersionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('Page size (default 100)'),
  offset: z.coerce.number().int().min(0).default(0).describe('Rows to skip (default 0)'),
});
export const DiffQuery = z.object({
  from: VersionSchema.optional().describe(
    'Version to compare with (default: the version published before)',
  ),
});

export const Guideline = z.object({
  id: z.string(),
  title: z.string(),
  owners: z.array(z.string()),
  appliesTo: z.record(z.string(), z.array(z.string())).nullable(),
  latestVersion: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export const GuidelineList = z.object({ guidelines: z.array(Guideline) });

export const GuidelineVersionSummary = z.object({
  guideline: z.string(),
  version: z.string(),
  previousVersion: z.string().nullable(),
  bump: BumpSchema,
  ruleCount: z.number().int(),
  publisher: z.string(),
  sourceSha256: z.string(),
  createdAt: timestamp,
});
export const GuidelineVersionList = z.object({
  guideline: z.string(),
  versions: z.array(GuidelineVersionSummary),
});
export const GuidelineVersion = GuidelineVersionSummary.extend({
  title: z.string(),
  owners: z.array(z.string()),
  appliesTo: z.record(z.string(), z.array(z.string())).nullable(),
  source: z.string(),
  rules: z.array(RuleSchema),
  changelog: ChangelogSchema,
});
export const PublishResponse = z.object({
  guideline: z.string(),
  version: z.string(),
  previousVersion: z.string().nullable(),
  bump: BumpSchema,
  created: z
    .boolean()
    .describe('False when the content was unchanged and the existing version is returned'),
  ruleCount: z.number().int(),
  summary: z.string(),
  changelog: ChangelogSchema,
  warnings: z.array(DiagnosticSchema),
});
export const VersionDiff = z.object({
  guideline: z.string(),
  from: z.string().nullable(),
  to: z.string(),
  summary: z.string(),
  changelog: ChangelogSchema,
});
export const RuleResponse = z.object({
  rule: RuleSchema,
  guideline: z.string(),
  version: z.string().describe('Latest version containing the rule'),
  versions: z.array(z.object({ version: z.string(), hash: z.string() })),
});
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string().describe('Stable machine-readable error code'),
  detail: z.string(),
  instance: z.string(),
  requestId: z.string().optional(),
  details: z.unknown().optional(),
});
export const Health = z.object({ status: z.literal('ok'), uptimeSeconds: z.number() });
export const Readiness = z.object({
  status: z.enum(['ready', 'unavailable']),
  checks: z.record(
    z.string(),
    z.object({
      status: z.enum(['up', 'down']),
      latencyMs: z.number(),
      error: z.string().optional(),
    }),
  ),
});

for (const [id, schema] of Object.entries({
  Rule: RuleSchema,
  Changelog: ChangelogSchema,
  Diagnostic: DiagnosticSchema,
  Guideline,
  GuidelineList,
  GuidelineVersionSummary,
  GuidelineVersionList,
  GuidelineVersion,
  PublishResponse,
  VersionDiff,
  RuleResponse,
  Problem,
  Health,
  Readiness,
})) {
  apiRegistry.add(schema, { id });
}
