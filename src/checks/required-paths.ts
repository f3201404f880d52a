/**
 * Which blobs the scan job must fetch: the files any check's globs (or applies-when conditions)
 * can read, the build files stack detection reads, and Helm chart values. Everything else in the
 * tree is known by path only.
 */
import type { Check, Condition, LeafCheck } from './check-schema.js';
import { CI_FILE_GLOBS, asList } from './check-schema.js';
import { globMatcher } from './match-glob.js';
import { isIgnoredPath, isTestPath } from './classify-path.js';
import { BUILD_FILE_GLOBS } from './parse-dependencies.js';

export function requiredPaths(checks: readonly Check[], paths: readonly string[]): string[] {
  const prod: string[] = [...BUILD_FILE_GLOBS];
  const withTests: string[] = [];
  const addCondition = (c: Condition | undefined) => {
    if (!c) return;
    if (c.contains) prod.push(...asList(c.contains.files));
    addCondition(c.not);
    for (const a of c.anyOf ?? []) addCondition(a);
  };
  const addLeaf = (c: LeafCheck) => {
    addCondition(c.appliesWhen);
    if (c.type === 'ci-runs') {
      // The pipelines, and what their steps may call: scripts, package.json, Makefiles.
      withTests.push(...asList(c.files ?? CI_FILE_GLOBS), '**/*.{sh,bash,py,js,mjs,ps1}');
      withTests.push('**/package.json', '**/Makefile', '**/makefile', '**/GNUmakefile');
      return;
    }
    if (!('files' in c) || c.files === undefined) return;
    (c.includeTests ? withTests : prod).push(...asList(c.files));
    if (c.type === 'json-yaml-path') prod.push('**/Chart.yaml', '**/values.yaml');
  };
  for (const c of checks) {
    if (c.type === 'any-of') {
      addCondition(c.appliesWhen);
      c.checks.forEach(addLeaf);
    } else addLeaf(c);
  }
  const isProd = globMatcher(prod);
  const isAny = globMatcher(withTests);
  return paths.filter((p) => !isIgnoredPath(p) && (isAny(p) || (isProd(p) && !isTestPath(p))));
}
