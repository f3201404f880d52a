/** One progress line for a rollout: a bar of finished targets, then counts per state. */
import type { RolloutRecord } from '../store/index.js';

export function formatProgress(r: RolloutRecord, width = 30): string {
  const done = r.total - r.counts.queued;
  const filled = r.total ? Math.round((done / r.total) * width) : width;
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  const counts = Object.entries(r.counts)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  return `rollout ${r.id} ${r.guideline}@${r.version} ${r.state} wave ${r.currentWave} ${bar} ${done}/${r.total}${counts ? ` (${counts})` : ''}`;
}
