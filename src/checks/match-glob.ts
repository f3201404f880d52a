/** Compiled, cached picomatch matchers: a check's globs are matched against thousands of paths. */
import picomatch from 'picomatch';

const cache = new Map<string, (path: string) => boolean>();

/** A predicate true when a path matches any of the globs (`**` crosses folders, dotfiles match). */
export function globMatcher(globs: readonly string[]): (path: string) => boolean {
  const key = globs.join('\u0000');
  let m = cache.get(key);
  if (!m) {
    m = globs.length === 0 ? () => false : picomatch([...globs], { dot: true });
    cache.set(key, m);
  }
  return m;
}
