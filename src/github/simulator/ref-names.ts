/**
 * Git's ref-name rules (git-check-ref-format), which GitHub applies when a ref is created: no
 * component starting with `.` or ending with `.lock`, no `..`, `@{`, `//`, control characters,
 * space or any of `~^:?*[\`, not ending with `/` or `.`, not `@`. A ref cannot sit beside another
 * as file and folder (`refs/heads/steering` and `refs/heads/steering/x`). Returns GitHub's
 * message, or undefined when the name is fine.
 */
export function checkRefName(full: string, existing: string[]): string | undefined {
  const bad =
    full === '@' ||
    full.endsWith('/') ||
    full.endsWith('.') ||
    full.includes('..') ||
    full.includes('@{') ||
    full.includes('//') ||
    // eslint-disable-next-line no-control-regex -- git forbids control characters in ref names
    /[\x00-\x20\x7f~^:?*[\\]/.test(full) ||
    full.split('/').some((c) => c === '' || c.startsWith('.') || c.endsWith('.lock'));
  if (bad) return `${full} is not a valid ref name.`;
  for (const other of existing) {
    if (other.startsWith(`${full}/`) || full.startsWith(`${other}/`))
      return `Reference cannot be created: '${full}' conflicts with the existing '${other}'.`;
  }
  return undefined;
}
