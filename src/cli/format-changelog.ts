/** A changelog in words, for terminals and pull request bodies: the bump first, then each rule. */
import type { Changelog, FieldChange } from '../guidelines/index.js';

export function formatChangelog(c: Changelog): string {
  if (c.bump === 'none') return 'No changes: the rules are identical (no new version).';
  const lines = [
    `Bump: ${c.bump.toUpperCase()}  (${c.added.length} added, ${c.removed.length} removed, ${c.changed.length} changed)`,
  ];
  for (const a of c.added)
    lines.push(`  + ${a.id}  [${a.level} ${a.kind}]  ${a.bump.toUpperCase()}: ${a.reason}`);
  for (const r of c.removed)
    lines.push(`  - ${r.id}  [${r.level} ${r.kind}]  ${r.bump.toUpperCase()}: ${r.reason}`);
  for (const ch of c.changed) {
    lines.push(`  ~ ${ch.id}  ${ch.bump.toUpperCase()}: ${ch.reason}`);
    for (const f of ch.changes) lines.push(`      ${f.field}: ${show(f.from)} → ${show(f.to)}`);
  }
  return lines.join('\n');
}

function show(v: FieldChange['from']): string {
  if (v === null || v === undefined) return '(none)';
  if (typeof v === 'string') return JSON.stringify(v);
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}
