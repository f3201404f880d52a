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

function compile(globs: readonly string[]): (path: string) => boolean {
  if (globs.length === 0) return () => false;
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
  const slow = rest.length > 0 ? picomatch(rest, { dot: true }) : undefined;
  return (path) => {
    const base = path.slice(path.lastIndexOf('/') + 1);
    if (names.has(base)) return true;
    for (const s of suffixes) if (base.endsWith(s)) return true;
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
