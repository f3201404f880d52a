/**
 * The threshold rules a repository is held to: those of every guideline's latest version and of
 * the versions its latest statuses point at (the adopted ones), by rule id, newest first.
 */
import type { Rule } from '../guidelines/index.js';
import { getGuidelineVersion, listGuidelines, type Queryable } from '../store/index.js';

export async function loadThresholdRules(q: Queryable, repositoryId: number): Promise<Rule[]> {
  const versions = new Set<string>();
  for (const g of await listGuidelines(q))
    if (g.latestVersion) versions.add(`${g.id}@${g.latestVersion}`);
  const adopted = await q.query<{ guideline_id: string; version: string }>(
    `SELECT DISTINCT guideline_id, version FROM rule_status WHERE repository_id = $1`,
    [repositoryId],
  );
  for (const row of adopted.rows) versions.add(`${row.guideline_id}@${row.version}`);
  const byId = new Map<string, Rule>();
  for (const key of versions) {
    const [guideline, version] = key.split('@') as [string, string];
    const v = await getGuidelineVersion(q, guideline, version);
    for (const r of v?.rules ?? []) if (r.threshold && !byId.has(r.id)) byId.set(r.id, r);
  }
  return [...byId.values()];
}
