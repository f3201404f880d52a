/**
 * Read side of the guidelines aggregate. Every function takes a Queryable, so it works on the
 * database or inside a transaction alike.
 */
import type { Queryable } from './db.js';
import {
  GUIDELINE_COLUMNS,
  SUMMARY_COLUMNS,
  VERSION_COLUMNS,
  toGuideline,
  toVersion,
  toVersionSummary,
  type GuidelineRecord,
  type GuidelineVersionRecord,
  type GuidelineVersionSummary,
  type RuleRecord,
} from './guideline-records.js';
import type { Rule } from '../guidelines/index.js';

export async function listGuidelines(q: Queryable): Promise<GuidelineRecord[]> {
  const r = await q.query(`SELECT ${GUIDELINE_COLUMNS} FROM guidelines ORDER BY id`);
  return r.rows.map(toGuideline);
}

export async function getGuideline(q: Queryable, id: string): Promise<GuidelineRecord | null> {
  const r = await q.query(`SELECT ${GUIDELINE_COLUMNS} FROM guidelines WHERE id = $1`, [id]);
  return r.rows[0] ? toGuideline(r.rows[0]) : null;
}

export interface ListVersionsOptions {
  /** Default 100. */
  limit?: number;
  /** Default 0. */
  offset?: number;
}

/** Newest first. */
export async function listGuidelineVersions(
  q: Queryable,
  id: string,
  options: ListVersionsOptions = {},
): Promise<GuidelineVersionSummary[]> {
  const r = await q.query(
    `SELECT ${SUMMARY_COLUMNS} FROM guideline_versions WHERE guideline_id = $1
     ORDER BY major DESC, minor DESC, patch DESC LIMIT $2 OFFSET $3`,
    [id, options.limit ?? 100, options.offset ?? 0],
  );
  return r.rows.map(toVersionSummary);
}

export async function getGuidelineVersion(
  q: Queryable,
  id: string,
  version: string,
): Promise<GuidelineVersionRecord | null> {
  const r = await q.query(
    `SELECT ${VERSION_COLUMNS} FROM guideline_versions WHERE guideline_id = $1 AND version = $2`,
    [id, version],
  );
  return r.rows[0] ? toVersion(r.rows[0]) : null;
}

export async function getLatestGuidelineVersion(
  q: Queryable,
  id: string,
): Promise<GuidelineVersionRecord | null> {
  const r = await q.query(
    `SELECT ${VERSION_COLUMNS} FROM guideline_versions WHERE guideline_id = $1
     ORDER BY major DESC, minor DESC, patch DESC LIMIT 1`,
    [id],
  );
  return r.rows[0] ? toVersion(r.rows[0]) : null;
}

/** Every stored version of one rule, newest first. */
export async function getRuleHistory(q: Queryable, ruleId: string): Promise<RuleRecord[]> {
  const r = await q.query<{ rule: Rule; guideline_id: string; version: string }>(
    `SELECT rule, guideline_id, version FROM rules WHERE rule_id = $1 ORDER BY guideline_version_id DESC LIMIT 1000`,
    [ruleId],
  );
  return r.rows.map((row) => ({
    rule: row.rule,
    guideline: row.guideline_id,
    version: row.version,
  }));
}
