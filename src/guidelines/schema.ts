/**
 * The machine-readable shape of a compiled guideline: zod schemas are the single source of truth,
 * the TypeScript types are inferred from them, and `schema/rule.schema.json` is generated from them
 * (`npm run schema`) for tools outside steering.
 */
import { z } from 'zod';

export const LevelSchema = z.enum(['MUST', 'SHOULD', 'MAY']);
export type Level = z.infer<typeof LevelSchema>;

export const RuleKindSchema = z.enum(['threshold', 'practice', 'example', 'reference']);
export type RuleKind = z.infer<typeof RuleKindSchema>;

export const ComparatorSchema = z.enum(['<', '<=', '>', '>=', '=']);
export type Comparator = z.infer<typeof ComparatorSchema>;

export const DurationSchema = z.object({
  value: z.number(),
  /** Normalised unit: ms, s, min, h, d. */
  unit: z.string(),
  text: z.string(),
});
export type Duration = z.infer<typeof DurationSchema>;

export const ThresholdSchema = z.object({
  /** What is measured, as the author named it: "Health checks", "CPU Utilization / Peak load". */
  subject: z.string(),
  /** The metric when it can be named: response_time, query_time, cpu_utilization, availability… */
  metric: z.string().optional(),
  /** Statistical aggregate: p95, p99, avg, max… */
  aggregate: z.string().optional(),
  comparator: ComparatorSchema,
  value: z.number(),
  /**
   * A band's other end, the value aimed at; `value` is then the limit. "p95: 150-200ms" → target
   * 150, `<=` 200; a floor's band "99.9-99.99%" → target 99.99, `>=` 99.9.
   */
  target: z.number().optional(),
  /** Normalised unit: ms, s, min, h, %, req/s, MB… */
  unit: z.string().optional(),
  /** "for 5 minutes": the condition must hold this long. */
  duration: DurationSchema.optional(),
  /** What the author added to narrow it: "excluding transfer time", "of CPU time", "for 4xx/5xx errors". */
  qualifier: z.string().optional(),
  /** The threshold text exactly as written. */
  text: z.string(),
  /** Read from a code block (an "Expected results" comment, a limit in a config). */
  fromCode: z.boolean().optional(),
});
export type Threshold = z.infer<typeof ThresholdSchema>;

export const ExampleSchema = z.object({
  verdict: z.enum(['good', 'bad']),
  /** The marker's text: "Avoid SELECT *". */
  label: z.string(),
  language: z.string().optional(),
  code: z.string(),
});
export type Example = z.infer<typeof ExampleSchema>;

/** A configuration the guideline prescribes (a captioned code block not marked good or bad). */
export const ReferenceSchema = z.object({
  /** The bold caption above the block: "Resource Scaling Guidelines". */
  caption: z.string(),
  language: z.string().nullable(),
  code: z.string(),
  /** Settings the code sets, flattened: `spec.minReplicas: 2`, `-XX:+UseG1GC: true`, `-Xmx: "2g"`. */
  values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});
export type Reference = z.infer<typeof ReferenceSchema>;

export const SourcePositionSchema = z.object({ line: z.number().int(), column: z.number().int() });
export type SourcePosition = z.infer<typeof SourcePositionSchema>;

export const RuleSchema = z.object({
  /** Stable, readable, unique: `<guideline>.<section slugs>.<subject slug>` or pinned by the author. */
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  guideline: z.string(),
  /** Heading path from the top-level section down. */
  section: z.array(z.string()),
  statement: z.string(),
  level: LevelSchema,
  /** How the level was decided: an explicit keyword ("MUST", "avoid") or an inference ("threshold"). */
  levelSource: z.string(),
  kind: RuleKindSchema,
  threshold: ThresholdSchema.optional(),
  examples: z.array(ExampleSchema).optional(),
  reference: ReferenceSchema.optional(),
  /** True when the author pinned the id in the markdown. */
  pinned: z.boolean().optional(),
  source: SourcePositionSchema,
  /** sha256 of the rule's meaning (everything but id, source and hash), hex. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type Rule = z.infer<typeof RuleSchema>;

export const DiagnosticSchema = z.object({
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  message: z.string(),
  line: z.number().int(),
  column: z.number().int(),
});
export type Diagnostic = z.infer<typeof DiagnosticSchema>;

export const GuidelineDocumentSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  title: z.string(),
  owners: z.array(z.string()),
  /** Repository selectors from frontmatter (`applies_to`): topics, languages, repos. */
  appliesTo: z.record(z.string(), z.array(z.string())).optional(),
  rules: z.array(RuleSchema),
});
export type GuidelineDocument = z.infer<typeof GuidelineDocumentSchema>;

export const BumpSchema = z.enum(['major', 'minor', 'patch', 'none']);
export type Bump = z.infer<typeof BumpSchema>;

export const FieldChangeSchema = z.object({
  field: z.string(),
  from: z.unknown(),
  to: z.unknown(),
});
export type FieldChange = z.infer<typeof FieldChangeSchema>;

export const RuleChangeSchema = z.object({
  id: z.string(),
  /** The bump this one change calls for, with the reason in words. */
  bump: BumpSchema,
  reason: z.string(),
  changes: z.array(FieldChangeSchema),
});
export type RuleChange = z.infer<typeof RuleChangeSchema>;

export const ChangelogSchema = z.object({
  added: z.array(
    z.object({
      id: z.string(),
      level: LevelSchema,
      kind: RuleKindSchema,
      bump: BumpSchema,
      reason: z.string(),
    }),
  ),
  removed: z.array(
    z.object({
      id: z.string(),
      level: LevelSchema,
      kind: RuleKindSchema,
      bump: BumpSchema,
      reason: z.string(),
    }),
  ),
  changed: z.array(RuleChangeSchema),
  bump: BumpSchema,
});
export type Changelog = z.infer<typeof ChangelogSchema>;
