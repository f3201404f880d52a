/**
 * Dependency names declared in one build file. Deliberately forgiving text parsing: a build file
 * we half understand still names its dependencies, and a miss only makes a check not applicable.
 * Java dependencies are reported both as `artifactId` and `groupId:artifactId`.
 */

export type Ecosystem = 'python' | 'java' | 'node' | 'go' | 'php';

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

function fromToml(text: string): string[] {
  const out = fromQuoted(text);
  // [tool.poetry.dependencies] / [packages] tables: `name = "^1.0"` keys.
  let inDeps = false;
  for (const line of text.split('\n')) {
    const table = /^\s*\[([^\]]+)\]/.exec(line);
    if (table) {
      inDeps = /(^|\.)(dependencies|packages)$/.test((table[1] as string).trim());
      continue;
    }
    if (!inDeps) continue;
    const key = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*=/.exec(line);
    if (key && key[1] !== 'python') out.push(normalizePy(key[1] as string));
  }
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

function fromPom(text: string): string[] {
  const out: string[] = [];
  const blocks = text.matchAll(/<(dependency|plugin|parent)>([\s\S]*?)<\/\1>/g);
  for (const b of blocks) {
    const body = b[2] as string;
    // Test-scoped dependencies say nothing about the production service.
    if (/<scope>\s*test\s*<\/scope>/.test(body)) continue;
    const group = /<groupId>\s*([^<\s]+)\s*<\/groupId>/.exec(body)?.[1];
    const artifact = /<artifactId>\s*([^<\s]+)\s*<\/artifactId>/.exec(body)?.[1];
    if (artifact) out.push(artifact);
    if (group && artifact) out.push(`${group}:${artifact}`);
  }
  return out;
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

function fromComposer(text: string): string[] {
  try {
    const pkg = JSON.parse(text) as Record<string, unknown>;
    const deps = pkg.require;
    return deps && typeof deps === 'object' ? Object.keys(deps) : [];
  } catch {
    return [];
  }
}
