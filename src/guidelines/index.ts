/**
 * The guidelines room: markdown → rules, rule diffs and the compliance-semver bump. Pure: it reads
 * only the text it is given and never imports I/O.
 */
export * from './schema.js';
export { compileGuideline, type CompileOptions, type CompileResult } from './compile-guideline.js';
export { diffRules, maxBump, describe as describeThreshold } from './diff-rules.js';
export { nextVersion, compareVersions } from './next-version.js';
export { formatDiagnostic } from './format-diagnostic.js';
export { normalizeUnit, toBase } from './normalize-unit.js';
export { renderSchemas } from './render-json-schemas.js';
export { compareNumbers } from './compare-numbers.js';
export { indexLines, type LineIndex } from './model/index-lines.js';
