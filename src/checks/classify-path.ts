/**
 * Which paths never count as production configuration. Tests and test resources can set timeouts
 * or pools that production does not have; vendored and generated trees are someone else's code.
 */

const IGNORED_DIRS = new Set([
  '.git',
  'node_modules',
  'vendor',
  'bower_components',
  '.venv',
  'venv',
  '__pycache__',
  '.tox',
  '.gradle',
  '.mvn',
  'target',
  'build',
  'dist',
  'out',
  'coverage',
  '.next',
  '.idea',
  '.mypy_cache',
  '.pytest_cache',
]);

const TEST_DIRS = new Set([
  'test',
  'tests',
  '__tests__',
  '__mocks__',
  'testdata',
  'test-data',
  'testing',
  'e2e',
  'spec',
  'specs',
  'testFixtures',
]);

const TEST_FILE = [
  /^test_.*\.py$/,
  /_test\.py$/,
  /^conftest\.py$/,
  /\.(test|spec)\.[cm]?[jt]sx?$/,
  /(Test|Tests|IT|Spec)\.(java|kt|groovy|scala)$/,
  /_test\.go$/,
  /^application-test(ing)?\.(ya?ml|properties)$/,
  /^\.env\.test$/,
];
/** One alternation: a file name is tested once, not once per pattern. */
const TEST_FILE_RE = new RegExp(TEST_FILE.map((re) => re.source).join('|'));

/** Directories a local walk skips, and paths the evaluator ignores in a remote tree. */
/** The folder names a scan does not enter (what `grep --exclude-dir` needs to walk the same tree). */
export function ignoredDirNames(): string[] {
  return [...IGNORED_DIRS];
}

export function isIgnoredDir(name: string): boolean {
  return IGNORED_DIRS.has(name);
}

export function isIgnoredPath(path: string): boolean {
  return hasIgnoredDir(path.split('/'));
}

/** isIgnoredPath over a path already split at `/`. */
export function hasIgnoredDir(parts: readonly string[]): boolean {
  for (let i = 0; i < parts.length - 1; i++) if (IGNORED_DIRS.has(parts[i] as string)) return true;
  return false;
}

/** True for test sources and test resources: `tests/…`, `src/test/…`, `foo.test.ts`, `test_x.py`. */
export function isTestPath(path: string): boolean {
  return isTestParts(path.split('/'));
}

/** isTestPath over a path already split at `/`. */
export function isTestParts(parts: readonly string[]): boolean {
  const name = parts[parts.length - 1] as string;
  for (let i = 0; i < parts.length - 1; i++) {
    const dir = parts[i] as string;
    if (TEST_DIRS.has(dir)) return true;
    // Maven/Gradle source sets: src/test, src/integrationTest, src/testFixtures…
    if (i > 0 && parts[i - 1] === 'src' && (/test/i.test(dir) || dir === 'it')) return true;
  }
  return TEST_FILE_RE.test(name);
}
