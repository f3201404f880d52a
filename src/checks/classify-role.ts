/**
 * The role of a path in a repository, from the evidence a reader would use: where it lives
 * (`scripts/`, `docs/`, `src/main/resources/static/`, `migrations/`), what it is named
 * (`*_pb2.py`, `*.min.js`) and, for front ends, the package that owns it. Only `service`,
 * `config`, `deploy` and `ci` paths say anything about how the service runs in production.
 */
import { hasIgnoredDir, isTestParts } from './classify-path.js';

export type PathRole =
  | 'service'
  | 'frontend'
  | 'generated'
  | 'vendored'
  | 'tooling'
  | 'docs'
  | 'test'
  | 'migrations'
  | 'deploy'
  | 'ci';

export interface RoleOf {
  role: PathRole;
  /** The evidence, in words ("under scripts/"). */
  reason: string;
}

const DOC_DIRS = new Set(['docs', 'doc', 'documentation']);
const TOOL_DIRS = new Set([
  'scripts',
  'script',
  'tools',
  'tooling',
  'hack',
  '.devcontainer',
  // Load generators and benchmarks drive a service; they are not the service.
  'loadgenerator',
  'load-generator',
  'loadgen',
  'load-gen',
  'load-test',
  'load-tests',
  'loadtest',
  'loadtests',
  'load-testing',
  'k6',
  'locust',
  'jmeter',
  'gatling',
  'artillery',
  'benchmark',
  'benchmarks',
]);
const MIGRATION_DIRS = new Set(['migrations', 'migration', 'alembic', 'flyway', 'liquibase']);
const GENERATED_DIRS = new Set(['generated', '__generated__', 'gen', 'genproto', 'openapi-client']);
const FRONTEND_DIRS = new Set(['static', 'public', 'webapp', 'wwwroot', 'assets']);
const DEPLOY_DIRS = new Set([
  'k8s',
  'kubernetes',
  'kubernetes-manifests',
  'helm',
  'charts',
  'chart',
  'deploy',
  'deployment',
  'deployments',
  'manifests',
  'kustomize',
  'skaffold',
  'terraform',
  'istio-manifests',
]);
const CI_FILES = [
  /^\.github\/workflows\//,
  /(^|\/)\.gitlab-ci\.ya?ml$/,
  /^\.gitlab\//,
  /^\.circleci\//,
  /(^|\/)Jenkinsfile[^/]*$/,
  /(^|\/)azure-pipelines[^/]*\.ya?ml$/,
  /^\.azure-pipelines\//,
  /^\.travis\.ya?ml$/,
];
const GENERATED_FILES = [
  /_pb2(_grpc)?\.pyi?$/,
  /\.pb(\.gw)?\.go$/,
  /_grpc\.pb\.go$/,
  /\.generated\.\w+$/,
  /\.g\.dart$/,
  /\.min\.(js|css)$/,
  /\.bundle\.js$/,
];
const BROWSER_EXT = /\.(jsx|tsx|vue|svelte|html?)$/;
// One alternation each: a path is tested once, not once per pattern.
const CI_FILE_RE = new RegExp(CI_FILES.map((re) => re.source).join('|'));
const GENERATED_FILE_RE = new RegExp(GENERATED_FILES.map((re) => re.source).join('|'));
/** Roles decided before the owning package is asked (a test in a front end is a test). */
const BEFORE_FRONTEND_ROOTS: ReadonlySet<PathRole> = new Set([
  'vendored',
  'ci',
  'test',
  'generated',
  'migrations',
  'docs',
  'tooling',
]);

/**
 * `frontendRoots`: directories whose package.json is a browser application (React, Vue, Angular…
 * and no server framework); everything under them is front end.
 */
export function classifyRole(path: string, frontendRoots: readonly string[] = []): RoleOf {
  return withFrontendRoots(pathRole(path), path, frontendRoots);
}

/**
 * A role from the path alone (classifyRole without front-end roots) refined by the browser
 * applications found later: a repository's paths are classified once per scan, not once per use.
 */
export function withFrontendRoots(
  base: RoleOf,
  path: string,
  frontendRoots: readonly string[],
): RoleOf {
  if (frontendRoots.length === 0 || BEFORE_FRONTEND_ROOTS.has(base.role)) return base;
  const fe = frontendRoots.find((r) => r === '' || path.startsWith(`${r}/`));
  if (fe !== undefined && fe !== '')
    return { role: 'frontend', reason: `in the browser application ${fe}/` };
  return base;
}

/** What a path's role takes from its folder alone, found once per folder (not once per file). */
interface FolderFacts {
  vendored: boolean;
  generated?: string;
  migrations?: string;
  /** A `requirements/` folder above (outside a JVM package): its .txt files are not docs. */
  requirements: boolean;
  docs?: string;
  tooling?: string;
  frontend?: string;
  deploy?: string;
}

const folderFacts = new Map<string, FolderFacts>();

function factsOf(parts: readonly string[]): FolderFacts {
  const key = parts.slice(0, -1).join('/');
  let facts = folderFacts.get(key);
  if (facts) return facts;
  // Folder names inside a JVM package (`com/example/tools/`) are package names, not roles.
  const all = parts.slice(0, -1);
  const pkg = all.findIndex(
    (d, i) =>
      i > 0 && /^(java|kotlin|scala|groovy)$/.test(d) && /^(main|src)$/.test(all[i - 1] ?? ''),
  );
  const dirs = pkg >= 0 ? all.slice(0, pkg) : all;
  const lower = dirs.map((d) => d.toLowerCase());
  const under = (set: Set<string>) => {
    const i = lower.findIndex((d) => set.has(d));
    return i < 0 ? undefined : dirs[i];
  };
  facts = {
    vendored: hasIgnoredDir(parts),
    generated: under(GENERATED_DIRS),
    migrations: under(MIGRATION_DIRS),
    requirements: dirs.includes('requirements'),
    docs:
      under(DOC_DIRS) ?? (/^(examples?|samples?|site)$/i.test(dirs[0] ?? '') ? dirs[0] : undefined),
    tooling: under(TOOL_DIRS),
    frontend: under(FRONTEND_DIRS),
    deploy:
      under(DEPLOY_DIRS) ??
      dirs.find((d) => /k8s|kube|helm|manifests|kustomiz|openshift/i.test(d) && !/^src$/.test(d)),
  };
  if (folderFacts.size >= 50_000) folderFacts.clear();
  folderFacts.set(key, facts);
  return facts;
}

function pathRole(path: string): RoleOf {
  const parts = path.split('/');
  const facts = factsOf(parts);
  if (facts.vendored) return { role: 'vendored', reason: 'vendored or build output' };
  if (CI_FILE_RE.test(path)) return { role: 'ci', reason: 'CI configuration' };
  const name = parts[parts.length - 1] as string;
  if (isTestParts(parts)) return { role: 'test', reason: 'test sources or resources' };
  const gen = facts.generated;
  if (gen) return { role: 'generated', reason: `under ${gen}/` };
  if (GENERATED_FILE_RE.test(name))
    return { role: 'generated', reason: 'generated or minified file' };
  const mig = facts.migrations;
  if (mig || /(^|\/)db\/migrate\//.test(path))
    return { role: 'migrations', reason: `under ${mig ?? 'db/migrate'}/` };
  if (
    /\.(md|rst|adoc|txt)$/i.test(name) &&
    !/^requirements.*\.txt$/.test(name) &&
    !facts.requirements
  )
    return { role: 'docs', reason: 'documentation' };
  const doc = facts.docs;
  if (doc) return { role: 'docs', reason: `under ${doc}/` };
  const tool = facts.tooling;
  if (tool) return { role: 'tooling', reason: `under ${tool}/` };
  if (/\/resources\/(static|public|templates)\//.test(path) && /\.(m?js|ts|html?)$/.test(name))
    return { role: 'frontend', reason: 'served to browsers from resources/' };
  const feDir = facts.frontend;
  if (feDir && /\.(m?js|ts|jsx|tsx|html?|vue)$/.test(name))
    return { role: 'frontend', reason: `browser assets under ${feDir}/` };
  if (BROWSER_EXT.test(name)) return { role: 'frontend', reason: 'browser component or page' };
  const dep = facts.deploy;
  if (dep) return { role: 'deploy', reason: `under ${dep}/` };
  return { role: 'service', reason: 'service code or configuration' };
}

/** Roles a check reads by default; `includeTests` adds tests and tooling (load tests live there). */
export const PRODUCTION_ROLES: ReadonlySet<PathRole> = new Set(['service', 'deploy', 'ci']);
export const WITH_TEST_ROLES: ReadonlySet<PathRole> = new Set([
  'service',
  'deploy',
  'ci',
  'test',
  'tooling',
]);
