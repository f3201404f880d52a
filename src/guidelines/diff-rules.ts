/**
 * diffRules(previous, next): which rules were added, removed and changed (field by field), and the
 * "compliance semver" bump the change calls for:
 *
 *   MAJOR  the change can turn a compliant repository non-compliant: a new MUST rule, a tightened
 *          threshold, a raised level, a changed subject/metric/kind, or a change whose direction
 *          cannot be told (steering errs towards MAJOR).
 *   MINOR  only new SHOULD/MAY rules, relaxed thresholds, lowered levels or removed rules.
 *   PATCH  wording, sections and examples only.
 *   none   nothing changed.
 *
 * Rules are matched by id, so a pinned id keeps a reworded rule "changed" rather than removed+added.
 */
import { toBase } from './normalize-unit.js';
import type { Bump, Changelog, FieldChange, Level, Rule, RuleChange, Threshold } from './schema.js';

const ORDER: Record<Bump, number> = { none: 0, patch: 1, minor: 2, major: 3 };
const LEVEL_RANK: Record<Level, number> = { MAY: 0, SHOULD: 1, MUST: 2 };

export function maxBump(...bumps: Bump[]): Bump {
  return bumps.reduce<Bump>((a, b) => (ORDER[b] > ORDER[a] ? b : a), 'none');
}

export function diffRules(previous: readonly Rule[], next: readonly Rule[]): Changelog {
  const before = new Map(previous.map((r) => [r.id, r]));
  const after = new Map(next.map((r) => [r.id, r]));
  const added: Changelog['added'] = [];
  const removed: Changelog['removed'] = [];
  const changed: RuleChange[] = [];

  for (const r of next) {
    if (before.has(r.id)) continue;
    const major = r.level === 'MUST';
    added.push({
      id: r.id,
      level: r.level,
      kind: r.kind,
      bump: major ? 'major' : 'minor',
      reason: major ? 'new MUST rule' : `new ${r.level} rule`,
    });
  }
  for (const r of previous) {
    if (after.has(r.id)) continue;
    removed.push({ id: r.id, level: r.level, kind: r.kind, bump: 'minor', reason: 'rule removed' });
  }
  for (const r of next) {
    const old = before.get(r.id);
    if (!old || old.hash === r.hash) continue;
    const change = compareRule(old, r);
    if (change.changes.length > 0) changed.push(change);
  }
  const bump = maxBump(
    ...added.map((a) => a.bump),
    ...removed.map((a) => a.bump),
    ...changed.map((c) => c.bump),
  );
  return { added, removed, changed, bump };
}

function compareRule(a: Rule, b: Rule): RuleChange {
  const changes: FieldChange[] = [];
  const reasons: Array<[Bump, string]> = [];
  const note = (field: string, from: unknown, to: unknown) => changes.push({ field, from, to });

  if (a.level !== b.level) {
    note('level', a.level, b.level);
    reasons.push(
      LEVEL_RANK[b.level] > LEVEL_RANK[a.level]
        ? ['major', `level raised ${a.level} → ${b.level}`]
        : ['minor', `level lowered ${a.level} → ${b.level}`],
    );
  }
  if (a.kind !== b.kind) {
    note('kind', a.kind, b.kind);
    reasons.push(['major', `kind changed ${a.kind} → ${b.kind}`]);
  }
  if (a.threshold || b.threshold)
    reasons.push(...compareThresholds(a.threshold, b.threshold, note));
  if (a.statement !== b.statement) {
    note('statement', a.statement, b.statement);
    reasons.push(['patch', 'wording']);
  }
  if (JSON.stringify(a.section) !== JSON.stringify(b.section)) {
    note('section', a.section, b.section);
    reasons.push(['patch', 'moved to another section']);
  }
  if (JSON.stringify(a.examples ?? []) !== JSON.stringify(b.examples ?? [])) {
    note('examples', a.examples ?? [], b.examples ?? []);
    reasons.push(['patch', 'examples']);
  }
  if (a.levelSource !== b.levelSource && changes.length === 0) {
    note('levelSource', a.levelSource, b.levelSource);
    reasons.push(['patch', 'level keyword']);
  }
  const bump = maxBump(...reasons.map(([b]) => b));
  const reason = reasons
    .filter(([b]) => b === bump)
    .map(([, r]) => r)
    .join('; ');
  return { id: b.id, bump, reason, changes };
}

type Note = (field: string, from: unknown, to: unknown) => void;

function compareThresholds(
  a: Threshold | undefined,
  b: Threshold | undefined,
  note: Note,
): Array<[Bump, string]> {
  if (!a || !b) {
    note('threshold', a ?? null, b ?? null);
    return [['major', a ? 'threshold removed from rule' : 'threshold added to rule']];
  }
  const out: Array<[Bump, string]> = [];
  for (const field of ['subject', 'metric', 'qualifier'] as const) {
    if (a[field] !== b[field]) {
      note(`threshold.${field}`, a[field] ?? null, b[field] ?? null);
      out.push(field === 'subject' ? ['patch', 'subject wording'] : ['major', `${field} changed`]);
    }
  }
  if (a.text !== b.text) note('threshold.text', a.text, b.text);
  if (a.comparator !== b.comparator) note('threshold.comparator', a.comparator, b.comparator);
  if (a.value !== b.value) note('threshold.value', a.value, b.value);
  if (a.unit !== b.unit) note('threshold.unit', a.unit ?? null, b.unit ?? null);
  if (a.target !== b.target) {
    note('threshold.target', a.target ?? null, b.target ?? null);
    // The target is what the author aims at; only the limit is enforced.
    out.push(['minor', 'target changed']);
  }
  if (a.aggregate !== b.aggregate)
    note('threshold.aggregate', a.aggregate ?? null, b.aggregate ?? null);
  if (JSON.stringify(a.duration) !== JSON.stringify(b.duration))
    note('threshold.duration', a.duration ?? null, b.duration ?? null);

  const strictness = compareStrictness(a, b);
  if (strictness === 'tighter')
    out.push(['major', `threshold tightened: ${describe(a)} → ${describe(b)}`]);
  else if (strictness === 'looser')
    out.push(['minor', `threshold relaxed: ${describe(a)} → ${describe(b)}`]);
  else if (strictness === 'unknown')
    out.push([
      'major',
      `threshold changed in a way that may tighten it: ${describe(a)} → ${describe(b)}`,
    ]);
  else if (a.text !== b.text) out.push(['patch', 'threshold wording']);
  return out;
}

export function describe(t: Threshold): string {
  const agg = t.aggregate ? `${t.aggregate} ` : '';
  const dur = t.duration ? ` ${t.duration.text}` : '';
  return `${agg}${t.comparator} ${t.value}${t.unit === '%' ? '%' : t.unit ? ` ${t.unit}` : ''}${dur}`;
}

type Strictness = 'same' | 'tighter' | 'looser' | 'unknown';

/** Whether every value that passes `b` also passes `a` (tighter), the reverse (looser), both (same). */
function compareStrictness(a: Threshold, b: Threshold): Strictness {
  const va = toBase(a.value, a.unit);
  const vb = toBase(b.value, b.unit);
  if (va.dimension !== vb.dimension) return 'unknown';
  const upper = (c: string) => c === '<' || c === '<=';
  const lower = (c: string) => c === '>' || c === '>=';
  const verdicts: Strictness[] = [];

  if (
    a.comparator === b.comparator ||
    (upper(a.comparator) && upper(b.comparator)) ||
    (lower(a.comparator) && lower(b.comparator))
  ) {
    if (a.comparator === '=' || b.comparator === '=')
      verdicts.push(va.value === vb.value && a.comparator === b.comparator ? 'same' : 'unknown');
    else {
      // Compare bounds; at equal values the strict comparator is the tighter one.
      const sign = upper(a.comparator) ? 1 : -1;
      const diff = (va.value - vb.value) * sign;
      if (diff > 0) verdicts.push('tighter');
      else if (diff < 0) verdicts.push('looser');
      else if (a.comparator === b.comparator) verdicts.push('same');
      else verdicts.push(b.comparator === '<' || b.comparator === '>' ? 'tighter' : 'looser');
    }
  } else verdicts.push('unknown');

  if (a.aggregate !== b.aggregate)
    verdicts.push(compareAggregates(a.aggregate, b.aggregate, upper(b.comparator)));
  if (JSON.stringify(a.duration) !== JSON.stringify(b.duration)) verdicts.push('unknown');
  return combine(verdicts);
}

/** For an upper bound a higher percentile is stricter (p99 < x is harder than p95 < x); the reverse for a floor. */
function compareAggregates(
  a: string | undefined,
  b: string | undefined,
  upperBound: boolean,
): Strictness {
  const pct = (s: string | undefined) =>
    s === 'max' ? 100 : s && /^p[\d.]+$/.test(s) ? Number(s.slice(1)) : undefined;
  const pa = pct(a);
  const pb = pct(b);
  if (pa === undefined || pb === undefined) return 'unknown';
  if (pa === pb) return 'same';
  return pb > pa === upperBound ? 'tighter' : 'looser';
}

function combine(verdicts: Strictness[]): Strictness {
  const set = new Set(verdicts.filter((v) => v !== 'same'));
  if (set.size === 0) return 'same';
  if (set.size === 1) return [...set][0]!;
  return 'unknown';
}
