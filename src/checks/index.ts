/**
 * The checks room: compliance checks declared next to a guideline (`<id>.checks.yaml`) and
 * evaluated over a repository `Snapshot`. Pure: the I/O shell (scan job, local scan) lists the
 * tree, fetches `requiredPaths` and passes the texts in.
 */
export type {
  Snapshot,
  Evidence,
  CheckResult,
  CheckStatus,
  Finding,
  FindingStatus,
  Waiver,
  Report,
  EvaluateOptions,
  UnitStatus,
} from './types.js';
export type { Check, CheckType, Condition, ChecksFile, Assertion } from './check-schema.js';
export { CheckSchema, ChecksFileSchema } from './check-schema.js';
export { loadChecks, type LoadChecksResult } from './load-checks.js';
export { evaluateGuideline, evaluateChecks } from './evaluate-guideline.js';
export { findUnits, type RepoLayout, type ServiceUnit } from './find-units.js';
export { classifyRole, type PathRole } from './classify-role.js';
export { requiredPaths } from './required-paths.js';
export { createSnapshot } from './create-snapshot.js';
export { isTestPath, isIgnoredPath, isIgnoredDir, ignoredDirNames } from './classify-path.js';
export { detectStack, type Stack } from './detect-stack.js';
export { toSarif, type SarifInput } from './format-sarif.js';
export { formatFindingsText, formatLayoutText, type TextOptions } from './format-text.js';
export { summarizeFindings, type FindingsSummary } from './summarize-findings.js';
export { renderChecksSchema } from './render-checks-schema.js';
export { diffChecks, type ChecksDiff } from './diff-checks.js';
