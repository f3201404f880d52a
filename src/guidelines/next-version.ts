import type { Bump } from './schema.js';

const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;

function parts(version: string): [number, number, number] {
  const m = SEMVER.exec(version);
  if (!m)
    throw new TypeError(`not a version: ${JSON.stringify(version)} (expected MAJOR.MINOR.PATCH)`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/**
 * The version after `previous` for a given bump. The first version of a guideline is 1.0.0
 * whatever the bump; `none` returns `previous` unchanged.
 */
export function nextVersion(previous: string | null, bump: Bump): string {
  if (previous === null) return '1.0.0';
  const [major, minor, patch] = parts(previous);
  switch (bump) {
    case 'major':
      return `${major + 1}.0.0`;
    case 'minor':
      return `${major}.${minor + 1}.0`;
    case 'patch':
      return `${major}.${minor}.${patch + 1}`;
    case 'none':
      return previous;
  }
}

/** Numeric semver ordering: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}
