/**
 * Due dates. A version may carry a grace period for the MUST rules it adds or tightens
 * (frontmatter `grace: 30d`, or `grace: { default: 30d, <rule id or pattern>: 60d }` for per-rule
 * overrides); without one, grace is zero. A rule's due date is the publish time of the version
 * that last added or tightened it (a major change) plus that grace; a failing MUST rule is `due`
 * before it and `overdue` after it. Versions are immutable, so `rule_deadlines` is computed once
 * per published version (`ensureDeadlines` notices a new latest version and fills it in).
 */
import { parseDocument } from 'yaml';
import type { Changelog } from '../guidelines/index.js';
import type { Db, Queryable } from '../store/index.js';
import { parseDuration } from './parse-duration.js';
import { matchesRulePattern } from './waiver-pattern.js';

export interface Grace {
  defaultMs: number;
  /** Rule id or pattern → ms, first match wins. */
  overrides: [string, number][];
}

/** The grace of a version from its markdown source; invalid entries count as no grace. */
export function readGrace(source: string): Grace {
  const none: Grace = { defaultMs: 0, overrides: [] };
  const m = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(source);
  if (!m) return none;
  let data: unknown;
  try {
    data = parseDocument(m[1]!).toJS();
  } catch {
    return none;
  }
  const grace = (data as { grace?: unknown } | null)?.grace;
  if (typeof grace === 'string') return { defaultMs: parseDuration(grace) ?? 0, overrides: [] };
  if (!grace || typeof grace !== 'object') return none;
  const out: Grace = { defaultMs: 0, overrides: [] };
  for (const [k, v] of Object.entries(grace)) {
    const ms = typeof v === 'string' ? parseDuration(v) : null;
    if (ms === null) continue;
    if (k === 'default') out.defaultMs = ms;
    else out.overrides.push([k, ms]);
  }
  return out;
}

export function graceFor(grace: Grace, ruleId: string): number {
  return grace.overrides.find(([p]) => matchesRulePattern(p, ruleId))?.[1] ?? grace.defaultMs;
}

export async function syncDeadlines(db: Db, guideline: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`SELECT id FROM guidelines WHERE id = $1 FOR UPDATE`, [guideline]);
    const versions = await tx.query<{
      version: string;
      created_at: Date;
      source: string;
      changelog: Changelog;
    }>(
      `SELECT version, created_at, source, changelog FROM guideline_versions
       WHERE guideline_id = $1 ORDER BY major, minor, patch`,
      [guideline],
    );
    const rules = await tx.query<{ version: string; rule_id: string }>(
      `SELECT version, rule_id FROM rules WHERE guideline_id = $1`,
      [guideline],
    );
    const byVersion = new Map<string, string[]>();
    for (const r of rules.rows)
      byVersion.set(r.version, [...(byVersion.get(r.version) ?? []), r.rule_id]);
    const current = new Map<string, { introduced: string; dueAt: Date }>();
    const rows: [string, string, string, string][] = [];
    for (const v of versions.rows) {
      const grace = readGrace(v.source);
      const start = v.created_at.getTime();
      const touch = (id: string) =>
        current.set(id, { introduced: v.version, dueAt: new Date(start + graceFor(grace, id)) });
      for (const r of v.changelog.removed) current.delete(r.id);
      for (const a of v.changelog.added) touch(a.id);
      for (const c of v.changelog.changed) if (c.bump === 'major') touch(c.id);
      for (const id of byVersion.get(v.version) ?? []) {
        if (!current.has(id)) touch(id);
        const d = current.get(id)!;
        rows.push([v.version, id, d.introduced, d.dueAt.toISOString()]);
      }
    }
    await tx.query(`DELETE FROM rule_deadlines WHERE guideline_id = $1`, [guideline]);
    await tx.query(
      `INSERT INTO rule_deadlines (guideline_id, version, rule_id, introduced, due_at)
       SELECT $1, x.v, x.r, x.i, x.d::timestamptz FROM jsonb_to_recordset($2::jsonb)
         AS x(v text, r text, i text, d text)`,
      [guideline, JSON.stringify(rows.map(([v, r, i, d]) => ({ v, r, i, d })))],
    );
    const latest = versions.rows[versions.rows.length - 1]?.version;
    if (latest)
      await tx.query(
        `INSERT INTO rule_deadlines_state (guideline_id, latest_version) VALUES ($1, $2)
         ON CONFLICT (guideline_id) DO UPDATE SET latest_version = EXCLUDED.latest_version`,
        [guideline, latest],
      );
  });
}

const checked = new WeakMap<Queryable, number>();

/**
 * Fills rule_deadlines for guidelines published since the last look. Default: looks every call
 * (one small query), so a version published a moment ago has its due dates in the next read or
 * pull request; `everyMs` lets a caller look less often.
 */
export async function ensureDeadlines(db: Db, everyMs = 0): Promise<void> {
  const last = checked.get(db) ?? 0;
  if (Date.now() - last < everyMs) return;
  const stale = await db.query<{ id: string }>(
    `SELECT g.id FROM guidelines g LEFT JOIN rule_deadlines_state s ON s.guideline_id = g.id
     WHERE g.latest_version IS NOT NULL AND s.latest_version IS DISTINCT FROM g.latest_version`,
  );
  for (const g of stale.rows) await syncDeadlines(db, g.id);
  checked.set(db, Date.now());
}
