/**
 * Rollouts (one per published version) and their targets (one per repository, in waves: 0 is the
 * canary wave). PostgreSQL is the truth: the queue only carries "work on this target" and every
 * state change lands here, guarded so a late or duplicate job never moves a finished target.
 */
import type { Queryable } from './db.js';
import { queryOne } from './query-one.js';
import { iso, isoOrNull } from './to-iso.js';

export const TARGET_STATES = [
  'queued',
  'opened',
  'updated',
  'up-to-date',
  'blocked',
  'failed',
  'merged',
  'closed',
] as const;
export type TargetState = (typeof TARGET_STATES)[number];
export type RolloutState = 'running' | 'paused' | 'completed' | 'cancelled';

export interface RolloutRecord {
  id: number;
  guideline: string;
  version: string;
  state: RolloutState;
  currentWave: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  counts: Record<TargetState, number>;
  total: number;
}

export interface RolloutTargetRecord {
  rolloutId: number;
  repositoryId: number;
  repository: string;
  wave: number;
  state: TargetState;
  attempts: number;
  lastError: string | null;
  prNumber: number | null;
  branchSha: string | null;
  createdAt: string;
  updatedAt: string;
  enqueuedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

function emptyCounts(): Record<TargetState, number> {
  return Object.fromEntries(TARGET_STATES.map((s) => [s, 0])) as Record<TargetState, number>;
}

const ROLLOUT_SELECT = `SELECT r.id, r.guideline_id, r.version, r.state, r.current_wave, r.created_by, r.created_at,
  r.updated_at, r.completed_at, (SELECT coalesce(jsonb_object_agg(s.state, s.n), '{}'::jsonb)
  FROM (SELECT state, count(*) AS n FROM rollout_targets WHERE rollout_id = r.id GROUP BY state) s)
  AS counts FROM rollouts r`;

function toRollout(row: Record<string, unknown>): RolloutRecord {
  const counts = emptyCounts();
  for (const [k, v] of Object.entries((row.counts as Record<string, number>) ?? {})) {
    counts[k as TargetState] = Number(v);
  }
  return {
    id: Number(row.id),
    guideline: row.guideline_id as string,
    version: row.version as string,
    state: row.state as RolloutState,
    currentWave: Number(row.current_wave),
    createdBy: row.created_by as string,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    completedAt: isoOrNull(row.completed_at),
    counts,
    total: Object.values(counts).reduce((a, b) => a + b, 0),
  };
}

const TARGET_SELECT = `SELECT t.rollout_id, t.repository_id, t.wave, t.state, t.attempts, t.last_error,
  t.pr_number, t.branch_sha, t.created_at, t.updated_at, t.enqueued_at, t.started_at, t.finished_at,
  p.owner || '/' || p.name AS repository FROM rollout_targets t
  JOIN repositories p ON p.id = t.repository_id`;

function toTarget(row: Record<string, unknown>): RolloutTargetRecord {
  return {
    rolloutId: Number(row.rollout_id),
    repositoryId: Number(row.repository_id),
    repository: row.repository as string,
    wave: Number(row.wave),
    state: row.state as TargetState,
    attempts: Number(row.attempts),
    lastError: (row.last_error as string | null) ?? null,
    prNumber: row.pr_number === null ? null : Number(row.pr_number),
    branchSha: (row.branch_sha as string | null) ?? null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    enqueuedAt: isoOrNull(row.enqueued_at),
    startedAt: isoOrNull(row.started_at),
    finishedAt: isoOrNull(row.finished_at),
  };
}

export interface NewRollout {
  guideline: string;
  version: string;
  createdBy: string;
  targets: { repositoryId: number; wave: number }[];
}

/** Stores a rollout and its targets; it starts at its lowest wave (completed when it has none). */
export async function insertRollout(q: Queryable, input: NewRollout): Promise<number> {
  const first = input.targets.length ? Math.min(...input.targets.map((t) => t.wave)) : 0;
  const r = await q.query<{ id: string }>(
    `INSERT INTO rollouts (guideline_id, version, created_by, current_wave, state, completed_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [
      input.guideline,
      input.version,
      input.createdBy,
      first,
      input.targets.length ? 'running' : 'completed',
      input.targets.length ? null : new Date(),
    ],
  );
  const id = Number(r.rows[0]?.id);
  if (input.targets.length) {
    await q.query(
      `INSERT INTO rollout_targets (rollout_id, repository_id, wave)
       SELECT $1, * FROM unnest($2::bigint[], $3::int[])`,
      [id, input.targets.map((t) => t.repositoryId), input.targets.map((t) => t.wave)],
    );
  }
  return id;
}

export async function getRollout(q: Queryable, id: number): Promise<RolloutRecord | null> {
  return queryOne(q, `${ROLLOUT_SELECT} WHERE r.id = $1`, [id], toRollout);
}

/** Newest first. */
export async function listRollouts(
  q: Queryable,
  options: { limit?: number; offset?: number; guideline?: string } = {},
): Promise<RolloutRecord[]> {
  const r = await q.query(
    `${ROLLOUT_SELECT} WHERE ($3::text IS NULL OR r.guideline_id = $3)
     ORDER BY r.id DESC LIMIT $1 OFFSET $2`,
    [options.limit ?? 50, options.offset ?? 0, options.guideline ?? null],
  );
  return r.rows.map(toRollout);
}

export async function listRolloutTargets(
  q: Queryable,
  rolloutId: number,
  options: { limit?: number; offset?: number; state?: TargetState; wave?: number } = {},
): Promise<RolloutTargetRecord[]> {
  const r = await q.query(
    `${TARGET_SELECT} WHERE t.rollout_id = $1 AND ($4::rollout_target_state IS NULL OR t.state = $4)
       AND ($5::int IS NULL OR t.wave = $5)
     ORDER BY t.wave, lower(p.owner), lower(p.name) LIMIT $2 OFFSET $3`,
    [
      rolloutId,
      options.limit ?? 100,
      options.offset ?? 0,
      options.state ?? null,
      options.wave ?? null,
    ],
  );
  return r.rows.map(toTarget);
}

export async function getRolloutTarget(
  q: Queryable,
  rolloutId: number,
  repositoryId: number,
): Promise<RolloutTargetRecord | null> {
  return queryOne(
    q,
    `${TARGET_SELECT} WHERE t.rollout_id = $1 AND t.repository_id = $2`,
    [rolloutId, repositoryId],
    toTarget,
  );
}

/** Queued targets of running rollouts in waves already released: what the queue must hold. */
export async function listDueTargets(
  q: Queryable,
  options: { rolloutId?: number } = {},
): Promise<{ rolloutId: number; repositoryId: number }[]> {
  const r = await q.query<{ rollout_id: string; repository_id: string }>(
    `SELECT t.rollout_id, t.repository_id FROM rollout_targets t JOIN rollouts r ON r.id = t.rollout_id
     WHERE r.state = 'running' AND t.state = 'queued' AND t.wave <= r.current_wave
       AND ($1::bigint IS NULL OR r.id = $1) ORDER BY t.rollout_id, t.wave, t.id`,
    [options.rolloutId ?? null],
  );
  return r.rows.map((x) => ({
    rolloutId: Number(x.rollout_id),
    repositoryId: Number(x.repository_id),
  }));
}

export async function markTargetsEnqueued(
  q: Queryable,
  rolloutId: number,
  repositoryIds: number[],
): Promise<void> {
  await q.query(
    `UPDATE rollout_targets SET enqueued_at = now(), updated_at = now()
     WHERE rollout_id = $1 AND repository_id = ANY($2::bigint[])`,
    [rolloutId, repositoryIds],
  );
}

/** Counts an attempt on a queued target; null when it is not queued (already done). */
export async function startTargetAttempt(
  q: Queryable,
  rolloutId: number,
  repositoryId: number,
): Promise<RolloutTargetRecord | null> {
  const r = await q.query(
    `UPDATE rollout_targets SET attempts = attempts + 1, started_at = now(), updated_at = now()
     WHERE rollout_id = $1 AND repository_id = $2 AND state = 'queued' RETURNING rollout_id`,
    [rolloutId, repositoryId],
  );
  return r.rowCount ? getRolloutTarget(q, rolloutId, repositoryId) : null;
}

export interface TargetOutcome {
  state: Exclude<TargetState, 'queued'>;
  prNumber?: number | null;
  branchSha?: string | null;
  lastError?: string | null;
}

/** Moves a queued target to its outcome; false when it was no longer queued. */
export async function finishTarget(
  q: Queryable,
  rolloutId: number,
  repositoryId: number,
  outcome: TargetOutcome,
): Promise<boolean> {
  const r = await q.query(
    `UPDATE rollout_targets SET state = $3, pr_number = coalesce($4, pr_number),
       branch_sha = coalesce($5, branch_sha), last_error = $6, finished_at = now(), updated_at = now()
     WHERE rollout_id = $1 AND repository_id = $2 AND state = 'queued'`,
    [
      rolloutId,
      repositoryId,
      outcome.state,
      outcome.prNumber ?? null,
      outcome.branchSha ?? null,
      outcome.lastError ?? null,
    ],
  );
  return r.rowCount > 0;
}

/** A transient failure: the target stays queued, with the error recorded. */
export async function recordTargetError(
  q: Queryable,
  rolloutId: number,
  repositoryId: number,
  message: string,
): Promise<void> {
  await q.query(
    `UPDATE rollout_targets SET last_error = $3, updated_at = now()
     WHERE rollout_id = $1 AND repository_id = $2 AND state = 'queued'`,
    [rolloutId, repositoryId, message],
  );
}

/** The latest earlier target of this guideline in this repository that holds a pull request. */
export async function findPreviousPullRequest(
  q: Queryable,
  repositoryId: number,
  guideline: string,
  beforeRolloutId: number,
): Promise<RolloutTargetRecord | null> {
  return queryOne(
    q,
    `${TARGET_SELECT} JOIN rollouts r ON r.id = t.rollout_id
     WHERE t.repository_id = $1 AND r.guideline_id = $2 AND t.rollout_id < $3
       AND t.pr_number IS NOT NULL ORDER BY t.rollout_id DESC LIMIT 1`,
    [repositoryId, guideline, beforeRolloutId],
    toTarget,
  );
}

/** Records that an earlier target's pull request was merged or closed (any state may move). */
export async function settleTarget(
  q: Queryable,
  rolloutId: number,
  repositoryId: number,
  state: 'merged' | 'closed',
): Promise<void> {
  await q.query(
    `UPDATE rollout_targets SET state = $3, updated_at = now()
     WHERE rollout_id = $1 AND repository_id = $2 AND state IN ('opened', 'updated', 'blocked')`,
    [rolloutId, repositoryId, state],
  );
}

/** Locks the rollout row; per wave: queued and failed counts. */
export async function lockRolloutWaves(
  q: Queryable,
  rolloutId: number,
): Promise<{
  rollout: { state: RolloutState; currentWave: number };
  waves: { wave: number; queued: number; failed: number }[];
} | null> {
  const r = await q.query<{ state: RolloutState; current_wave: number }>(
    'SELECT state, current_wave FROM rollouts WHERE id = $1 FOR UPDATE',
    [rolloutId],
  );
  const row = r.rows[0];
  if (!row) return null;
  const w = await q.query<{ wave: number; queued: string; failed: string }>(
    `SELECT wave, count(*) FILTER (WHERE state = 'queued') AS queued,
       count(*) FILTER (WHERE state = 'failed') AS failed
     FROM rollout_targets WHERE rollout_id = $1 GROUP BY wave ORDER BY wave`,
    [rolloutId],
  );
  return {
    rollout: { state: row.state, currentWave: Number(row.current_wave) },
    waves: w.rows.map((x) => ({
      wave: Number(x.wave),
      queued: Number(x.queued),
      failed: Number(x.failed),
    })),
  };
}

export async function updateRollout(
  q: Queryable,
  rolloutId: number,
  patch: { state?: RolloutState; currentWave?: number },
): Promise<void> {
  await q.query(
    `UPDATE rollouts SET state = coalesce($2, state), current_wave = coalesce($3, current_wave),
       completed_at = CASE WHEN $2 = 'completed' THEN now() ELSE completed_at END, updated_at = now()
     WHERE id = $1`,
    [rolloutId, patch.state ?? null, patch.currentWave ?? null],
  );
}
