/**
 * One line a person reads: "2 added, 1 removed, 1 changed: perf.x (threshold.value 50 → 20)".
 */
import type { Changelog } from '../guidelines/index.js';

const show = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? 'none'));

export function summarizeChangelog(changelog: Changelog, maxItems = 5): string {
  const counts = [
    changelog.added.length ? `${changelog.added.length} added` : '',
    changelog.removed.length ? `${changelog.removed.length} removed` : '',
    changelog.changed.length ? `${changelog.changed.length} changed` : '',
  ].filter(Boolean);
  if (counts.length === 0) return 'no rule changes';
  const items = [
    ...changelog.changed.map((c) => {
      const fields = c.changes.map((f) => `${f.field} ${show(f.from)} → ${show(f.to)}`).join(', ');
      return `~${c.id}${fields ? ` (${fields})` : ''}`;
    }),
    ...changelog.removed.map((r) => `-${r.id}`),
    ...changelog.added.map((r) => `+${r.id}`),
  ];
  const shown = items.slice(0, maxItems).join('; ');
  const more = items.length > maxItems ? `; and ${items.length - maxItems} more` : '';
  return `${counts.join(', ')}: ${shown}${more}`;
}
