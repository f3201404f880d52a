/**
 * Compiled, cached matchers: a check's globs are matched against thousands of paths. The common
 * shapes (`**\/*.py`, `**\/*.{yml,yaml}`, `**\/Dockerfile`) are answered from the file name alone;
 * any other glob goes through picomatch (same semantics: `**` crosses folders, dotfiles match).
 */
import picomatch from 'picomatch';

const cache = new Map<string, (path: string) => boolean>();

/** A predicate true when a path matches any of the globs. */
export function globMatcher(globs: readonly string[]): (path: string) => boolean {
  const key = globs.join('\u0000');
  let m = cache.get(key);
  if (!m) {
    m = compile(globs);
    cache.set(key, m);
  }
  return m;
}

/**
 * Globs that only name file extensions (`**\/*.py`, `**\/*.{yml,yaml}`) and file names
 * (`**\/Dockerfile`), as those: a caller holding paths by extension and name looks them up
 * instead of testing every path. Undefined when any glob needs more.
 */
export function simpleGlobs(
  globs: readonly string[],
): { extensions: ReadonlySet<string>; names: ReadonlySet<string> } | undefined {
  const parts = split(globs);
  return parts.rest.length === 0 && parts.longer.length === 0 ? parts : undefined;
}

/** The last extension of a path's file name (`.py`), or '' when it has none. */
export function extensionOf(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') ? path.slice(dot) : '';
}

function split(globs: readonly string[]) {
  const suffixes: string[] = [];
  const names = new Set<string>();
  const rest: string[] = [];
  for (const g of globs) {
    const ext = /^\*\*\/\*(\.[\w.-]+|\.\{[\w.,-]+\})$/.exec(g)?.[1];
    const name = /^\*\*\/([\w.-]+)$/.exec(g)?.[1];
    if (ext) suffixes.push(...expandBraces(ext));
    else if (name) names.add(name);
    else rest.push(g);
  }
  // `.py` is the name's last extension: one set lookup; `.d.ts` and the like are tried in turn.
  const extensions = new Set(suffixes.filter((x) => x.lastIndexOf('.') === 0));
  const longer = suffixes.filter((x) => x.lastIndexOf('.') !== 0);
  return { extensions, names, longer, rest };
}

function compile(globs: readonly string[]): (path: string) => boolean {
  if (globs.length === 0) return () => false;
  const { extensions, names, longer, rest } = split(globs);
  const slow = rest.length > 0 ? picomatch(rest, { dot: true }) : undefined;
  return (path) => {
    const slash = path.lastIndexOf('/');
    const dot = path.lastIndexOf('.');
    if (dot > slash && extensions.has(path.slice(dot))) return true;
    if (names.size > 0 && names.has(path.slice(slash + 1))) return true;
    for (const x of longer) if (path.endsWith(x)) return true;
    return slow !== undefined && slow(path);
  };
}

/** `.{yml,yaml}` → `.yml`, `.yaml`; `.py` → `.py`. */
function expandBraces(ext: string): string[] {
  const open = ext.indexOf('{');
  if (open < 0) return [ext];
  return ext
    .slice(open + 1, -1)
    .split(',')
    .map((alt) => `${ext.slice(0, open)}${alt}`);
}
