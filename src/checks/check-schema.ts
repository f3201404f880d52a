/**
 * The shape of `guidelines/<id>.checks.yaml`: zod schemas are the source of truth and the check
 * types are inferred from them. A check names one rule; several checks may name the same rule.
 * Patterns are JavaScript regular expressions (validated at load time), globs are picomatch globs
 * over repository-relative POSIX paths.
 */
import { z } from 'zod';
import { ComparatorSchema } from '../guidelines/index.js';

const Globs = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const Strings = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** When a check applies. Every key given must hold; a list inside a key means "any of". */
export interface Condition {
  language?: string | string[];
  framework?: string | string[];
  dependency?: string | string[];
  fileExists?: string | string[];
  contains?: { files: string | string[]; pattern: string; flags?: string; describe?: string };
  /** The unit is deployed to Kubernetes: a Deployment/StatefulSet/HPA of its own, or one naming it. */
  deployedToKubernetes?: boolean;
  not?: Condition;
  anyOf?: Condition[];
}

export const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z
    .object({
      language: Strings.optional(),
      framework: Strings.optional(),
      dependency: Strings.optional(),
      fileExists: Globs.optional(),
      contains: z
        .object({
          files: Globs,
          pattern: z.string().min(1),
          flags: z.string().optional(),
          /** The pattern in words, for messages ("RestTemplate"). */
          describe: z.string().optional(),
        })
        .strict()
        .optional(),
      deployedToKubernetes: z.boolean().optional(),
      not: ConditionSchema.optional(),
      anyOf: z.array(ConditionSchema).min(1).optional(),
    })
    .strict(),
);

const Common = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'check ids are lowercase kebab-case'),
  rule: z.string().min(1),
  /** One sentence a service owner reads: what this check looks for. */
  description: z.string().min(1),
  /** What a service owner adds or changes when the check fails, in one sentence. */
  remedy: z.string().min(1).optional(),
  appliesWhen: ConditionSchema.optional(),
};

/** Options shared by checks that read files. */
const FileOptions = {
  files: Globs,
  /** Globs removed from `files` (generated code, migrations…). */
  exclude: Globs.optional(),
  /** Test files and test resources count too (load tests live there). Default false. */
  includeTests: z.boolean().optional(),
  /** Only files whose text matches this regex are looked at. */
  onlyFilesContaining: z.string().optional(),
  /**
   * In a repository of several units, a file outside the unit's folder (a shared load generator)
   * counts for the unit only when it, or a file beside it, names the unit. Default false.
   */
  forUnitByName: z.boolean().optional(),
};

const Comparator = z.enum(['<', '<=', '>', '>=', '=', '!=', 'exists', 'matches']);
export type PathComparator = z.infer<typeof Comparator>;

const ScalarValue = z.union([z.string(), z.number(), z.boolean()]);

export const AssertionSchema = z
  .object({
    /** A JMESPath expression, or alternatives whose values are pooled: `spec.metrics[?resource.name=='cpu'].x`. */
    path: Strings,
    comparator: Comparator,
    value: ScalarValue.optional(),
  })
  .strict()
  .refine((a) => a.comparator === 'exists' || a.value !== undefined, {
    message: 'value is required unless comparator is "exists"',
    path: ['value'],
  });
export type Assertion = z.infer<typeof AssertionSchema>;

const FileExistsSchema = z
  .object({ ...Common, type: z.literal('file-exists'), ...FileOptions })
  .strict();

const ContainsShape = {
  ...Common,
  ...FileOptions,
  /** One regex, or several: see `match`. */
  pattern: Strings,
  /** Regex flags beyond the always-on `g` (e.g. `i`, `m`, `s`). */
  flags: z
    .string()
    .regex(/^[imsu]*$/)
    .optional(),
  /** Hits whose matched text matches this regex do not count (`timeout=` inside a call). */
  ignoreIf: z.string().optional(),
  /** Full-line and block comments are blanked before matching. Default true. */
  ignoreComments: z.boolean().optional(),
  /**
   * file-not-contains: what the check inspects (a regex). When nothing in the selected files
   * matches it, there was nothing to inspect and the check is not applicable, never pass.
   * Default: the pattern itself when `ignoreIf` is given (the calls that were looked at), else
   * any selected file.
   */
  inspects: z.string().optional(),
  /**
   * file-not-contains: hits in a file whose text matches this regex do not count (a per-call
   * context deadline in the same file bounds the calls there).
   */
  unlessFileContains: z.string().optional(),
  /** The inspected things in words, for messages ("requests calls", "SQL statements"). */
  inspectsWhat: z.string().optional(),
};

const FileContainsSchema = z
  .object({
    ...ContainsShape,
    type: z.literal('file-contains'),
    /** `any`: one pattern anywhere passes; `all`: one file must match every pattern. Default any. */
    match: z.enum(['any', 'all']).optional(),
  })
  .strict();

const FileNotContainsSchema = z
  .object({ ...ContainsShape, type: z.literal('file-not-contains') })
  .strict();

const JsonYamlPathSchema = z
  .object({
    ...Common,
    ...FileOptions,
    type: z.literal('json-yaml-path'),
    /** Select documents: each path must equal the value (`kind: HorizontalPodAutoscaler`). */
    where: z.record(z.string(), ScalarValue).optional(),
    assert: z.array(AssertionSchema).min(1),
    /** What no selected document means. Default fail. */
    ifNone: z.enum(['fail', 'not-applicable', 'pass']).optional(),
  })
  .strict();

const ReportThresholdSchema = z
  .object({
    ...Common,
    type: z.literal('report-threshold'),
    /** Defaults to the rule's threshold metric, aggregate, comparator, value and unit. */
    metric: z.string().optional(),
    aggregate: z.string().optional(),
    comparator: ComparatorSchema.optional(),
    value: z.number().optional(),
    unit: z.string().optional(),
  })
  .strict();

const AstGrepRule = z.record(z.string(), z.unknown());

const AstGrepSchema = z
  .object({
    ...Common,
    ...FileOptions,
    type: z.literal('ast-grep'),
    /** python, java, javascript, typescript, tsx or go; default from each file's extension. */
    language: z.enum(['python', 'java', 'javascript', 'typescript', 'tsx', 'go']).optional(),
    /** The ast-grep rule object to match: pattern, kind, regex, has, not, inside, all, any… */
    match: AstGrepRule,
    /** `absent` (default): every match is a place to fix. `present`: one match passes. */
    expect: z.enum(['absent', 'present']).optional(),
    /** expect absent: what the check inspects (an ast-grep rule); nothing found → not applicable. */
    inspects: AstGrepRule.optional(),
    inspectsWhat: z.string().optional(),
  })
  .strict();

/** The CI configurations `ci-runs` reads by default. */
export const CI_FILE_GLOBS = [
  '.github/workflows/*.{yml,yaml}',
  '**/.gitlab-ci.yml',
  '.gitlab/**/*.{yml,yaml}',
  '.circleci/config.{yml,yaml}',
  '**/Jenkinsfile*',
  '**/azure-pipelines*.{yml,yaml}',
  '.azure-pipelines/**/*.{yml,yaml}',
];

const CiRunsSchema = z
  .object({
    ...Common,
    type: z.literal('ci-runs'),
    /** What a CI step must run (regex), found in the pipeline, a script it calls or an npm/make target. */
    pattern: Strings,
    flags: z
      .string()
      .regex(/^[imsu]*$/)
      .optional(),
    /** CI configuration files. Default: GitHub Actions, GitLab CI, CircleCI, Jenkinsfile, Azure Pipelines. */
    files: Globs.optional(),
    /**
     * A step (or a script it calls) that names a file of the repository whose text matches this
     * regex runs it too (`artillery run /scripts/scenario.yml` runs an Artillery scenario).
     */
    runsFilesContaining: z.string().optional(),
  })
  .strict();

/** A sub-check of `any-of`: a leaf without id/rule/description of its own. */
const SubCheckSchema = z.discriminatedUnion('type', [
  FileExistsSchema.omit({ id: true, rule: true, description: true }),
  FileContainsSchema.omit({ id: true, rule: true, description: true }),
  FileNotContainsSchema.omit({ id: true, rule: true, description: true }),
  JsonYamlPathSchema.omit({ id: true, rule: true, description: true }),
  AstGrepSchema.omit({ id: true, rule: true, description: true }),
]);
export type SubCheck = z.infer<typeof SubCheckSchema>;

const AnyOfSchema = z
  .object({
    ...Common,
    type: z.literal('any-of'),
    /** Passes when one of these passes; the worst otherwise. */
    checks: z.array(SubCheckSchema).min(2),
  })
  .strict();

export const CheckSchema = z.discriminatedUnion('type', [
  FileExistsSchema,
  FileContainsSchema,
  FileNotContainsSchema,
  JsonYamlPathSchema,
  ReportThresholdSchema,
  CiRunsSchema,
  AstGrepSchema,
  AnyOfSchema,
]);
export type Check = z.infer<typeof CheckSchema>;
/** Anything evaluated on its own: a top-level check other than any-of, or a sub-check. */
export type LeafCheck = Exclude<Check, { type: 'any-of' }> | SubCheck;
export type CheckType = Check['type'];

export const ChecksFileSchema = z
  .object({
    guideline: z.string().min(1),
    checks: z.array(CheckSchema),
  })
  .strict();
export type ChecksFile = z.infer<typeof ChecksFileSchema>;

/** A list-or-single field as a list. */
export function asList<T>(v: T | readonly T[] | undefined): T[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? [...(v as readonly T[])] : [v as T];
}
