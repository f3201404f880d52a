/**
 * Service units: the deployable parts of a repository. A unit root is a directory with a build
 * file of a server (pom.xml / build.gradle* with production sources, package.json declaring a
 * server framework, pyproject.toml / requirements*.txt / setup.py / Pipfile, go.mod,
 * composer.json, a .NET *.csproj) or a Dockerfile beside source code. A path belongs to the
 * deepest unit above it; paths outside every unit (CI, shared manifests) are visible to all
 * units. A repository without any unit root is one unit at its root. Directories whose
 * package.json is a browser application become front-end roots, not units. Pure.
 */
import type { Snapshot } from './types.js';
import { parseBuildFile } from './parse-dependencies.js';
import { classifyRole, withFrontendRoots, type PathRole, type RoleOf } from './classify-role.js';
import { frameworksOf, type Stack } from './detect-stack.js';
import { findSelfClients } from './find-self-clients.js';

export interface ServiceUnit {
  /** Repository-relative directory, `.` for the root. */
  path: string;
  /** The build files that define it, nearest first: where a missing thing is reported. */
  buildFiles: string[];
  stack: Stack;
}

export interface RepoLayout {
  units: ServiceUnit[];
  /** Browser applications (their package.json has a UI framework and no server framework). */
  frontendRoots: string[];
  role(path: string): RoleOf;
  /** The unit a path belongs to, or undefined for shared paths outside every unit. */
  unitOf(path: string): ServiceUnit | undefined;
}

const SERVER_NODE = [
  'express',
  '@nestjs/core',
  'fastify',
  'koa',
  '@hapi/hapi',
  'hapi',
  'restify',
  '@adonisjs/core',
  'next',
  'nuxt',
  'socket.io',
  'apollo-server',
  '@apollo/server',
  'micro',
  'polka',
  'hono',
  '@grpc/grpc-js',
  'grpc',
  '@grpc/proto-loader',
  'ws',
];
const BROWSER_NODE = [
  'react',
  'react-dom',
  'vue',
  '@angular/core',
  'svelte',
  'preact',
  'vite',
  'webpack',
  'parcel',
  '@vue/cli-service',
  'react-scripts',
  'jquery',
  'bootstrap',
];
const SOURCE_EXT = /\.(py|java|kt|go|js|mjs|cjs|ts|php|rb|cs|scala|groovy)$/;

const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
const asUnitPath = (d: string) => (d === '' ? '.' : d);

export function findUnits(snapshot: Snapshot): RepoLayout {
  const tree = surveyTree(snapshot);
  const { candidates: fromBuilds, frontendRoots } = classifyBuildDirs(tree.buildsByDir, snapshot);
  const withDocker = addDockerfileUnits(fromBuilds, tree, frontendRoots);
  const merged = mergeDockerfileWrappers(withDocker, tree.dockerDirs);
  const candidates = dropAggregators(merged, snapshot);
  const units = toUnits(candidates, snapshot);
  const layout = layoutOf(
    units.length > 0 ? units : [rootUnit(snapshot)],
    frontendRoots,
    tree.roles,
  );
  const selfClients = findSelfClients(
    snapshot,
    (p) => layout.unitOf(p)?.path,
    (p) => layout.role(p),
  );
  if (selfClients.size === 0) return layout;
  const roles = new Map(tree.roles);
  for (const [p, r] of selfClients) roles.set(p, r);
  return layoutOf(layout.units, frontendRoots, roles);
}

interface TreeSurvey {
  /** Build files by the directory they define (requirements/x.txt counts for the one above). */
  buildsByDir: Map<string, string[]>;
  dockerDirs: Set<string>;
  /** Directories with source code at or below them. */
  sourceDirs: Set<string>;
  /** Each path's role before front-end roots are known (classified once per scan). */
  roles: Map<string, RoleOf>;
}

interface Candidate {
  builds: string[];
  deps: Set<string>;
  langs: Set<string>;
}

const BUILD_FILE =
  /^(pom\.xml|build\.gradle(\.kts)?|package\.json|pyproject\.toml|requirements[^/]*\.txt|setup\.py|Pipfile|go\.mod|composer\.json|[^/]+\.csproj)$/;

function surveyTree(snapshot: Snapshot): TreeSurvey {
  const survey: TreeSurvey = {
    buildsByDir: new Map(),
    dockerDirs: new Set(),
    sourceDirs: new Set(),
    roles: new Map(),
  };
  for (const p of snapshot.paths) {
    const r = classifyRole(p);
    survey.roles.set(p, r);
    if (r.role === 'vendored' || r.role === 'test' || r.role === 'docs' || r.role === 'generated')
      continue;
    const name = p.slice(p.lastIndexOf('/') + 1);
    const dir = dirOf(p);
    if (SOURCE_EXT.test(name))
      // Stops at a folder already seen: its parents were added with it.
      for (let d = dir; !survey.sourceDirs.has(d); d = dirOf(d)) {
        survey.sourceDirs.add(d);
        if (d === '') break;
      }
    if (r.role === 'tooling' || r.role === 'ci') continue;
    if (/^Dockerfile$/.test(name)) survey.dockerDirs.add(dir);
    // requirements/base.txt belongs to the directory above requirements/.
    const owner = /(^|\/)requirements\/[^/]+\.(txt|in)$/.test(p) ? dirOf(dir) : dir;
    if (BUILD_FILE.test(name) || owner !== dir)
      survey.buildsByDir.set(owner, [...(survey.buildsByDir.get(owner) ?? []), p]);
  }
  return survey;
}

/** Each build directory is a server unit candidate, a browser front end, or neither. */
function classifyBuildDirs(
  buildsByDir: Map<string, string[]>,
  snapshot: Snapshot,
): { candidates: Map<string, Candidate>; frontendRoots: string[] } {
  const frontendRoots: string[] = [];
  const candidates = new Map<string, Candidate>();
  for (const [dir, builds] of buildsByDir) {
    const kind = readBuilds(builds, snapshot);
    if (kind.browser && !kind.serverish) frontendRoots.push(dir);
    else if (kind.serverish) candidates.set(dir, { builds, deps: kind.deps, langs: kind.langs });
  }
  return { candidates, frontendRoots };
}

function readBuilds(
  builds: string[],
  snapshot: Snapshot,
): { serverish: boolean; browser: boolean; deps: Set<string>; langs: Set<string> } {
  const deps = new Set<string>();
  const langs = new Set<string>();
  let serverish = false;
  let browser = false;
  for (const b of builds) {
    const text = snapshot.read(b);
    const parsed = text === undefined ? undefined : parseBuildFile(b, text);
    if (!parsed) continue;
    // A settings module named setup.py is not a package definition.
    if (b.endsWith('setup.py') && !/\bsetup\s*\(/.test(text ?? '')) continue;
    const ds = parsed.dependencies.map((d) => d.toLowerCase());
    if (parsed.ecosystem === 'node') {
      const server = ds.some((d) => SERVER_NODE.includes(d));
      const ui = ds.some((d) => BROWSER_NODE.includes(d));
      if (!server) {
        if (ui) browser = true;
        continue;
      }
    }
    // Development and test requirements say nothing about the running service.
    if (/requirements[-_./]?(dev|test|tests|lint|docs|ci|local)\b[^/]*$/i.test(b)) continue;
    serverish = true;
    langs.add(parsed.ecosystem);
    for (const d of ds) deps.add(d);
  }
  return { serverish, browser, deps, langs };
}

/** A Dockerfile beside source code (and no build file) is a unit of its own. */
function addDockerfileUnits(
  candidates: Map<string, Candidate>,
  survey: TreeSurvey,
  frontendRoots: string[],
): Map<string, Candidate> {
  const out = new Map(candidates);
  for (const dir of survey.dockerDirs) {
    if (out.has(dir) || frontendRoots.includes(dir) || !survey.sourceDirs.has(dir)) continue;
    out.set(dir, {
      builds: [`${dir ? `${dir}/` : ''}Dockerfile`],
      deps: new Set(),
      langs: new Set(),
    });
  }
  return out;
}

/**
 * A Dockerfile folder whose only unit below is one build root (ratings/ building
 * ratings/html/composer.json) is that unit: the deployable is what the Dockerfile builds.
 */
function mergeDockerfileWrappers(
  candidates: Map<string, Candidate>,
  dockerDirs: Set<string>,
): Map<string, Candidate> {
  const out = new Map(candidates);
  for (const dir of dockerDirs) {
    const c = out.get(dir);
    if (!c || c.builds.some((b) => !b.endsWith('Dockerfile'))) continue;
    const prefix = dir ? `${dir}/` : '';
    const below = [...out.keys()].filter((d) => d !== dir && d.startsWith(prefix));
    if (below.length !== 1) continue;
    const child = out.get(below[0] as string);
    if (!child) continue;
    out.delete(below[0] as string);
    out.set(dir, { ...child, builds: [...child.builds, ...c.builds] });
  }
  return out;
}

/** A Maven/Gradle aggregator whose modules are units is not a unit itself. */
function dropAggregators(
  candidates: Map<string, Candidate>,
  snapshot: Snapshot,
): Map<string, Candidate> {
  const out = new Map(candidates);
  for (const [dir, c] of candidates) {
    if (!c.langs.has('java') || c.langs.size > 1) continue;
    const prefix = dir ? `${dir}/` : '';
    const hasChildUnit = [...out.keys()].some((d) => d !== dir && d.startsWith(prefix));
    const hasOwnSources = snapshot.paths.some((p) => p.startsWith(`${prefix}src/main/`));
    if (hasChildUnit && !hasOwnSources) out.delete(dir);
  }
  return out;
}

function toUnits(candidates: Map<string, Candidate>, snapshot: Snapshot): ServiceUnit[] {
  return [...candidates.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([dir, c]) => {
      const stack: Stack = {
        languages: new Set(c.langs),
        frameworks: frameworksOf(c.deps),
        dependencies: c.deps,
        buildFiles: c.builds,
      };
      if (snapshot.paths.some((p) => p === `${dir ? `${dir}/` : ''}tsconfig.json`))
        stack.languages.add('typescript');
      return { path: asUnitPath(dir), buildFiles: c.builds, stack };
    });
}

/** A repository without any unit root is one unit at its root. */
function rootUnit(snapshot: Snapshot): ServiceUnit {
  const anchor = snapshot.paths.find((p) => !p.includes('/') && !/^\./.test(p));
  return {
    path: '.',
    buildFiles: anchor ? [anchor] : [],
    stack: {
      languages: new Set(),
      frameworks: new Set(),
      dependencies: new Set(),
      buildFiles: [],
    },
  };
}

function layoutOf(
  units: ServiceUnit[],
  frontendRoots: string[],
  baseRoles: ReadonlyMap<string, RoleOf>,
): RepoLayout {
  const byDepth = [...units].sort((a, b) => b.path.length - a.path.length);
  const unitCache = new Map<string, ServiceUnit | undefined>();
  const roleCache = new Map<string, RoleOf>();
  return {
    units,
    frontendRoots,
    role(path) {
      let r = roleCache.get(path);
      if (!r) {
        const base = baseRoles.get(path);
        r = base ? withFrontendRoots(base, path, frontendRoots) : classifyRole(path, frontendRoots);
        roleCache.set(path, r);
      }
      return r;
    },
    unitOf(path) {
      if (unitCache.has(path)) return unitCache.get(path);
      const u = byDepth.find((x) => x.path === '.' || path.startsWith(`${x.path}/`));
      unitCache.set(path, u);
      return u;
    },
  };
}

export function isProductionRole(role: PathRole): boolean {
  return role === 'service' || role === 'deploy' || role === 'ci';
}
