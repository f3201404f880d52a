/**
 * One repository's compliance, per guideline and track: each rule's effective status (a waiver in
 * force makes it `exempt`), since when, evidence, the waiver, the due date and whether it is `due`
 * or `overdue`; the adopted and the latest version, and what the latest would change here (rules
 * that would newly fail, or pass).
 */
import { describeThreshold, type Rule } from '../guidelines/index.js';
import type { Db, StoredEvidence } from '../store/index.js';
import { emptyCounts, type FindingStatus, type StatusCounts } from './list-repositories.js';
import { deadlineOf, type Deadline } from './deadline.js';
import { ensureDeadlines } from './sync-deadlines.js';
import { matchesRulePattern } from './waiver-pattern.js';
import { listWaiversForRepository, type WaiverRecord } from './waivers.js';

export interface RuleState {
  ruleId: string;
  level: 'MUST' | 'SHOULD' | 'MAY';
  status: FindingStatus;
  /** What the checks said, before any waiver. */
  checkStatus: FindingStatus;
  since: string | null;
  message: string | null;
  evidence: StoredEvidence[];
  waiver: { id: number; owner: string | null; reason: string; expiresAt: string | null } | null;
  dueAt: string | null;
  /** For a failing MUST rule: `due` until its due date, `overdue` once it has passed. */
  deadline: Deadline | null;
}

export interface TrackState {
  guideline: string;
  track: 'adopted' | 'latest';
  version: string;
  sha: string;
  scanId: number;
  updatedAt: string;
  counts: StatusCounts;
  compliant: boolean;
  overdue: number;
  rules: RuleState[];
}

export interface VersionChange {
  guideline: string;
  adopted: string | null;
  latest: string;
  /** Rules failing on the latest version that do not fail on the adopted one. */
  wouldFail: {
    ruleId: string;
    label: string;
    level: string;
    measured: string | null;
    dueAt: string | null;
  }[];
  /** Rules failing on the adopted version that pass on the latest. */
  wouldPass: string[];
}

export interface RepositoryState {
  tracks: TrackState[];
  changes: VersionChange[];
}

export function findWaiver(waivers: readonly WaiverRecord[], ruleId: string): WaiverRecord | null {
  return waivers.find((w) => w.active && matchesRulePattern(w.rule, ruleId)) ?? null;
}

/** "Health checks < 40 ms" for a threshold rule, else the statement (shortened). */
export function ruleLabel(
  rule: Pick<Rule, 'statement' | 'threshold'> | undefined,
  id: string,
): string {
  if (!rule) return id;
  if (rule.threshold) return `${rule.threshold.subject} ${describeThreshold(rule.threshold)}`;
  return rule.statement.length > 90 ? `${rule.statement.slice(0, 87)}…` : rule.statement;
}

/** The figure a measured or threshold finding reports ("measured 46 ms"), when its message has one. */
export function measuredOf(message: string | null): string | null {
  const m = message ? /\bmeasured:?\s+([^;,()]+)/i.exec(message) : null;
  return m ? `measured ${m[1]!.trim()}` : null;
}

type StatusRow = Record<string, unknown>;

/** One row of rule_status as a rule's state, with the waiver and deadline applied at `now`. */
function ruleState(row: StatusRow, waivers: readonly WaiverRecord[], now: number): RuleState {
  const checkStatus = row.status as FindingStatus;
  const w = findWaiver(waivers, row.rule_id as string);
  const status: FindingStatus = w ? 'exempt' : checkStatus;
  const level = row.level as RuleState['level'];
  const dueAt = (row.due_at as Date | null)?.toISOString() ?? null;
  const deadline = deadlineOf({ status, level, dueAt }, now);
  return {
    ruleId: row.rule_id as string,
    level,
    status,
    checkStatus,
    since: (row.since as Date | null)?.toISOString() ?? null,
    message: (row.message as string | null) ?? null,
    evidence: row.evidence as StoredEvidence[],
    waiver: w ? { id: w.id, owner: w.owner, reason: w.reason, expiresAt: w.expiresAt } : null,
    dueAt,
    deadline,
  };
}

/** The rows grouped per guideline and track, with their counts. */
function groupTracks(
  rows: StatusRow[],
  waivers: readonly WaiverRecord[],
  now: number,
): Map<string, TrackState> {
  const tracks = new Map<string, TrackState>();
  for (const row of rows) {
    const key = `${row.guideline_id as string}\0${row.track as string}`;
    let t = tracks.get(key);
    if (!t) {
      t = {
        guideline: row.guideline_id as string,
        track: row.track as TrackState['track'],
        version: row.version as string,
        sha: row.sha as string,
        scanId: Number(row.scan_id),
        updatedAt: (row.updated_at as Date).toISOString(),
        counts: emptyCounts(),
        compliant: true,
        overdue: 0,
        rules: [],
      };
      tracks.set(key, t);
    }
    const rule = ruleState(row, waivers, now);
    t.counts[rule.status]++;
    if ((rule.status === 'fail' || rule.status === 'error') && rule.level === 'MUST')
      t.compliant = false;
    if (rule.deadline === 'overdue') t.overdue++;
    t.rules.push(rule);
  }
  return tracks;
}

/** What the latest version changes against the adopted one, per guideline with a latest track. */
async function versionChanges(
  db: Db,
  tracks: Map<string, TrackState>,
  adoptedOf: Map<string, string>,
): Promise<VersionChange[]> {
  const failing = (r: RuleState) => r.status === 'fail' || r.status === 'error';
  const changes: VersionChange[] = [];
  for (const t of tracks.values()) {
    if (t.track !== 'latest') continue;
    const before = tracks.get(`${t.guideline}\0adopted`);
    const failingBefore = new Set(before?.rules.filter(failing).map((r) => r.ruleId));
    const failingNow = t.rules.filter(failing);
    const rules = await latestRules(db, t.guideline, t.version);
    changes.push({
      guideline: t.guideline,
      adopted: adoptedOf.get(t.guideline) ?? null,
      latest: t.version,
      wouldFail: failingNow
        .filter((r) => !failingBefore.has(r.ruleId))
        .map((r) => ({
          ruleId: r.ruleId,
          label: ruleLabel(rules.get(r.ruleId), r.ruleId),
          level: r.level,
          measured: measuredOf(r.message),
          dueAt: r.dueAt,
        })),
      wouldPass: [...failingBefore].filter(
        (id) => !failingNow.some((r) => r.ruleId === id) && t.rules.some((r) => r.ruleId === id),
      ),
    });
  }
  return changes;
}

export async function repositoryCompliance(
  db: Db,
  repositoryId: number,
  options: {
    now?: Date;
    /** The caller has run `ensureDeadlines` for this read (beside its repository look-up). */
    deadlinesChecked?: boolean;
  } = {},
): Promise<RepositoryState> {
  if (!options.deadlinesChecked) await ensureDeadlines(db);
  const now = (options.now ?? new Date()).getTime();
  const [rows, waivers, adopted] = await Promise.all([
    db.query(
      `SELECT rs.guideline_id, rs.rule_id, rs.version, rs.track, rs.status::text AS status, rs.level,
         rs.message, rs.sha, rs.scan_id, rs.evidence, rs.updated_at, rs.since, d.due_at
       FROM rule_status rs LEFT JOIN rule_deadlines d ON d.guideline_id = rs.guideline_id
         AND d.version = rs.version AND d.rule_id = rs.rule_id
       WHERE rs.repository_id = $1 ORDER BY rs.guideline_id, rs.track, rs.rule_id`,
      [repositoryId],
    ),
    listWaiversForRepository(db, repositoryId),
    db.query<{ guideline_id: string; version: string }>(
      `SELECT DISTINCT ON (guideline_id) guideline_id, version FROM adoptions WHERE repository_id = $1
       ORDER BY guideline_id, adopted_at DESC, id DESC`,
      [repositoryId],
    ),
  ]);
  const tracks = groupTracks(rows.rows, waivers, now);
  const adoptedOf = new Map(adopted.rows.map((a) => [a.guideline_id, a.version]));
  return { tracks: [...tracks.values()], changes: await versionChanges(db, tracks, adoptedOf) };
}

const ruleCaches = new WeakMap<Db, Map<string, Map<string, Rule>>>();

/** The rules of one version by id (versions never change, so they are cached). */
export async function latestRules(
  db: Db,
  guideline: string,
  version: string,
): Promise<Map<string, Rule>> {
  const key = `${guideline}@${version}`;
  let ruleCache = ruleCaches.get(db);
  if (!ruleCache) ruleCaches.set(db, (ruleCache = new Map()));
  const hit = ruleCache.get(key);
  if (hit) return hit;
  const r = await db.query<{ rule: Rule }>(
    `SELECT rule FROM rules WHERE guideline_id = $1 AND version = $2`,
    [guideline, version],
  );
  const map = new Map(r.rows.map((x) => [x.rule.id, x.rule]));
  if (ruleCache.size > 200) ruleCache.clear();
  ruleCache.set(key, map);
  return map;
}
