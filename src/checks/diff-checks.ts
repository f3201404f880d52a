/**
 * The compliance-semver effect of changing only a guideline's checks file, by check id:
 * - a check added, or changed in what it matches, on a MUST rule can make a compliant repository
 *   non-compliant: MAJOR; on a SHOULD or MAY rule: MINOR;
 * - a check removed only relaxes: MINOR;
 * - only `description` or `remedy` changed (the words a service owner reads): PATCH.
 * Checks of rules the version does not have are left out, as the scans leave them out. Pure.
 */
import type { Bump, Rule } from '../guidelines/index.js';
import type { Check } from './check-schema.js';

export interface ChecksDiff {
  bump: Bump;
  added: string[];
  removed: string[];
  changed: string[];
  reworded: string[];
}

const ORDER: Bump[] = ['none', 'patch', 'minor', 'major'];
const max = (a: Bump, b: Bump): Bump => (ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b);

export function diffChecks(
  before: readonly Check[],
  after: readonly Check[],
  rules: readonly Rule[],
): ChecksDiff {
  const level = new Map(rules.map((r) => [r.id, r.level]));
  const known = (c: Check) => level.has(c.rule);
  const old = new Map(before.filter(known).map((c) => [c.id, c]));
  const now = new Map(after.filter(known).map((c) => [c.id, c]));
  const out: ChecksDiff = { bump: 'none', added: [], removed: [], changed: [], reworded: [] };
  const tighten = (c: Check) => (level.get(c.rule) === 'MUST' ? 'major' : 'minor');
  for (const [id, c] of now) {
    const prev = old.get(id);
    if (!prev) {
      out.added.push(id);
      out.bump = max(out.bump, tighten(c));
    } else if (stable(matching(prev)) !== stable(matching(c))) {
      out.changed.push(id);
      out.bump = max(out.bump, tighten(c));
    } else if (stable(prev) !== stable(c)) {
      out.reworded.push(id);
      out.bump = max(out.bump, 'patch');
    }
  }
  for (const id of old.keys())
    if (!now.has(id)) {
      out.removed.push(id);
      out.bump = max(out.bump, 'minor');
    }
  return out;
}

/** A check without the words a service owner reads: what decides its outcome. */
function matching(c: Check): Record<string, unknown> {
  const { description: _d, remedy: _r, ...rest } = c;
  return rest;
}

function stable(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : x,
  );
}
