/**
 * Dependency names declared in one build file. TOML and XML are read with their parsers; the rest
 * (requirements, Gradle, go.mod) line by line, forgivingly: a build file we half understand still
 * names its dependencies, and a miss only makes a check not applicable.
 * Java dependencies are reported both as `artifactId` and `groupId:artifactId`.
 */

import { parse as parseToml } from 'smol-toml';
import { XMLParser } from 'fast-xml-parser';

export type Ecosystem = 'python' | 'java' | 'node' | 'go' | 'php' | 'dotnet';

export interface BuildFile {
  ecosystem: Ecosystem;
  dependencies: string[];
}

export function parseBuildFile(path: string, text: string): BuildFile | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name === 'package.json') return { ecosystem: 'node', dependencies: fromPackageJson(text) };
  if (/^requirements.*\.(txt|in)$/.test(name) || /(^|\/)requirements\/[^/]+\.(txt|in)$/.test(path))
    return { ecosystem: 'python', dependencies: fromRequirements(text) };
  if (name === 'pyproject.toml' || name === 'Pipfile')
    return { ecosystem: 'python', dependencies: fromToml(text) };
  if (name === 'setup.py' || name === 'setup.cfg')
    return { ecosystem: 'python', dependencies: fromQuoted(text) };
  if (name === 'pom.xml') return { ecosystem: 'java', dependencies: fromPom(text) };
  if (/^build\.gradle(\.kts)?$/.test(name))
    return { ecosystem: 'java', dependencies: fromGradle(text) };
  if (name === 'go.mod') return { ecosystem: 'go', dependencies: fromGoMod(text) };
  if (name === 'composer.json') return { ecosystem: 'php', dependencies: fromComposer(text) };
  if (/\.csproj$/.test(name)) return { ecosystem: 'dotnet', dependencies: fromCsproj(text) };
  return undefined;
}

/** The build files parseBuildFile understands, as globs (for requiredPaths). */
export const BUILD_FILE_GLOBS = [
  '**/package.json',
  '**/requirements*.txt',
  '**/requirements*.in',
  '**/requirements/*.{txt,in}',
  '**/pyproject.toml',
  '**/Pipfile',
  '**/setup.py',
  '**/setup.cfg',
  '**/pom.xml',
  '**/build.gradle',
  '**/build.gradle.kts',
  '**/go.mod',
  '**/composer.json',
  '**/*.csproj',
  '**/Dockerfile',
  '**/settings.gradle',
  '**/settings.gradle.kts',
];

function fromPackageJson(text: string): string[] {
  try {
    const pkg = JSON.parse(text) as Record<string, unknown>;
    const out: string[] = [];
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      const deps = pkg[field];
      if (deps && typeof deps === 'object') out.push(...Object.keys(deps));
    }
    return out;
  } catch {
    return [];
  }
}

const PY_NAME = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/;

function normalizePy(name: string): string {
  return name.toLowerCase().replace(/[._]/g, '-');
}

function fromRequirements(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (/^\s*(#|-)/.test(line)) continue;
    const m = PY_NAME.exec(line);
    if (m) out.push(normalizePy(m[1] as string));
  }
  return out;
}

/**
 * pyproject.toml (PEP 621 `project.dependencies`, Poetry's `tool.poetry.dependencies`) and Pipfile
 * (`[packages]`), read with a TOML parser; development groups are left out. A file the parser
 * rejects is read forgivingly (quoted PEP 508 strings), as before.
 */
function fromToml(text: string): string[] {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch {
    return fromQuoted(text);
  }
  const out: string[] = [];
  const table = (v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const project = table(doc.project);
  if (Array.isArray(project.dependencies))
    for (const d of project.dependencies)
      if (typeof d === 'string') out.push(...fromQuoted(JSON.stringify(d)));
  const poetry = table(table(doc.tool).poetry);
  for (const name of Object.keys(table(poetry.dependencies)))
    if (name.toLowerCase() !== 'python') out.push(normalizePy(name));
  for (const name of Object.keys(table(doc.packages))) out.push(normalizePy(name));
  return out;
}

/** PEP 508 strings: `"fastapi>=0.110"`, `'requests[socks]'`. */
function fromQuoted(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(
    /["']([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;][^"']*)?["']/g,
  )) {
    out.push(normalizePy(m[1] as string));
  }
  return out;
}

/**
 * pom.xml with an XML parser: the project's dependencies, parent and build plugins (managed
 * versions in dependencyManagement are not dependencies); test-scoped ones are left out. Reported
 * as `artifactId` and `groupId:artifactId`.
 */
function fromPom(text: string): string[] {
  let doc: Record<string, unknown>;
  try {
    doc = new XMLParser({ ignoreAttributes: true, parseTagValue: false }).parse(text) as Record<
      string,
      unknown
    >;
  } catch {
    return [];
  }
  const project = obj(doc.project);
  const entries = [
    ...list(obj(project.dependencies).dependency),
    ...list(project.parent),
    ...list(obj(obj(project.build).plugins).plugin),
  ];
  const out: string[] = [];
  for (const e of entries) {
    const d = obj(e);
    if (String(d.scope ?? '').trim() === 'test') continue;
    const artifact = typeof d.artifactId === 'string' ? d.artifactId.trim() : undefined;
    const group = typeof d.groupId === 'string' ? d.groupId.trim() : undefined;
    if (artifact) out.push(artifact);
    if (group && artifact) out.push(`${group}:${artifact}`);
  }
  return out;
}

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function list(v: unknown): unknown[] {
  if (v === undefined || v === null || v === '') return [];
  return Array.isArray(v) ? v : [v];
}

function fromGradle(text: string): string[] {
  const out: string[] = [];
  // "group:artifact:version" and "group:artifact" coordinates in any configuration.
  for (const line of text.split('\n')) {
    // testImplementation, testRuntimeOnly, kaptTest…: test classpaths only.
    if (/^\s*(?:test\w*|\w+Test)\s*[("']/.test(line)) continue;
    for (const m of line.matchAll(/["']([\w.-]+):([\w.-]+)(?::[^"']*)?["']/g)) {
      out.push(m[2] as string, `${m[1]}:${m[2]}`);
    }
  }
  // Plugins: id("io.micronaut.application"), id 'org.springframework.boot'.
  for (const m of text.matchAll(/\bid\s*\(?\s*["']([\w.-]+)["']/g)) out.push(`plugin:${m[1]}`);
  return out;
}

/** `require` lines and blocks of go.mod: module paths (`github.com/sony/gobreaker`). */
function fromGoMod(text: string): string[] {
  const out: string[] = [];
  let block = false;
  for (const line of text.split('\n')) {
    const t = line.replace(/\/\/.*$/, '').trim();
    if (/^require\s*\($/.test(t)) block = true;
    else if (block && t === ')') block = false;
    else if (block && t) out.push(t.split(/\s+/)[0] as string);
    else {
      const m = /^require\s+(\S+)/.exec(t);
      if (m) out.push(m[1] as string);
    }
  }
  return out;
}

/**
 * A .NET project file with an XML parser: its PackageReference names, and its SDK as
 * `sdk:<name>` (`sdk:microsoft.net.sdk.web` is an ASP.NET Core server).
 */
function fromCsproj(text: string): string[] {
  let doc: Record<string, unknown>;
  try {
    doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(
      text,
    ) as Record<string, unknown>;
  } catch {
    return [];
  }
  const project = obj(doc.Project);
  const out: string[] = [];
  if (typeof project['@Sdk'] === 'string') out.push(`sdk:${project['@Sdk'].trim()}`);
  for (const group of list(project.ItemGroup))
    for (const ref of list(obj(group).PackageReference)) {
      const include = obj(ref)['@Include'];
      if (typeof include === 'string') out.push(include.trim());
    }
  return out;
}

function fromComposer(text: string): string[] {
  try {
    const pkg = JSON.parse(text) as Record<string, unknown>;
    const deps = pkg.require;
    return deps && typeof deps === 'object' ? Object.keys(deps) : [];
  } catch {
    return [];
  }
}
