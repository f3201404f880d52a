/**
 * Waivers, one model for three ways in (the API, `steering waiver`, `.steering/waivers.yaml`): a
 * repository, a topic or the whole fleet is exempt from one rule or a rule pattern, with an owner,
 * a reason and a required expiry (at most `maxDays` ahead, default 180). Waivers apply when the
 * status is read (`waivedSql`), so a grant shows at once and an expired waiver stops applying
 * without a rescan. Every grant and revoke is written to the audit log in the same transaction.
 */
import { z } from 'zod';
import { SteeringError } from '../errors.js';
import type { Db, Queryable } from '../store/index.js';
import { recordAudit } from './audit-log.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { DAY_MS, parseDuration } from './parse-duration.js';
import { isRulePattern, toLikePattern } from './waiver-pattern.js';

export const DEFAULT_MAX_WAIVER_DAYS = 180;
export type WaiverSource = 'api' | 'cli' | 'file';

export const WaiverGrantSchema = z
  .object({
    repository: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'owner/name')
      .optional()
      .describe('The repository exempted (owner/name); or give `topic`, or `fleet: true`'),
    topic: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,49}$/)
      .optional()
      .describe('Every repository with this GitHub topic'),
    fleet: z.literal(true).optional().describe('Every repository'),
    rule: z
      .string()
      .refine(isRulePattern, 'a rule id, or a pattern where * matches any characters')
      .describe('Rule id, or a pattern with `*` (performance.health-checks.*)'),
    owner: z.string().min(1).max(200).describe('Who answers for the waiver (team or person)'),
    reason: z.string().min(3).max(2000),
    expiresAt: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('When the waiver stops applying (or give `expires`, e.g. 30d)'),
    expires: z
      .string()
      .optional()
      .describe('Lifetime from now: 30d, 12w, 48h (instead of `expiresAt`)'),
  })
  .strict();
export type WaiverGrant = z.infer<typeof WaiverGrantSchema>;

export interface WaiverRecord {
  id: number;
  scope: 'repository' | 'topic' | 'fleet';
  repository: string | null;
  topic: string | null;
  rule: string;
  owner: string | null;
  reason: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
  source: WaiverSource;
  sourceRef: string | null;
  active: boolean;
}

/**
 * The waivers in force, read once per statement: a CTE for the statements that test rows one by
 * one with `waivedSql` (the waivers are read once, not once per rule_status row).
 */
export const LIVE_WAIVERS_CTE = `live_waivers AS MATERIALIZED (SELECT scope, repository_id, topic,
    rule_like FROM waivers WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()))`;

/**
 * SQL true when a waiver in force covers row `rs` (rule_status) of repository `r`; the statement
 * must define `LIVE_WAIVERS_CTE` in its WITH clause.
 */
export function waivedSql(rs = 'rs', r = 'r'): string {
  return `EXISTS (SELECT 1 FROM live_waivers w WHERE ${rs}.rule_id LIKE w.rule_like
    AND (w.scope = 'fleet' OR w.repository_id = ${rs}.repository_id
         OR (w.scope = 'topic' AND w.topic = ANY (${r}.topics))))`;
}

const SELECT = `SELECT w.*, r.owner || '/' || r.name AS repository_name,
  (w.revoked_at IS NULL AND (w.expires_at IS NULL OR w.expires_at > now())) AS active
  FROM waivers w LEFT JOIN repositories r ON r.id = w.repository_id`;

function toWaiver(row: Record<string, unknown>): WaiverRecord {
  const ts = (v: unknown) => (v === null || v === undefined ? null : (v as Date).toISOString());
  return {
    id: Number(row.id),
    scope: row.scope as WaiverRecord['scope'],
    repository: (row.repository_name as string | null) ?? null,
    topic: (row.topic as string | null) ?? null,
    rule: row.rule_id as string,
    owner: (row.owner as string | null) ?? null,
    reason: row.reason as string,
    createdBy: row.created_by as string,
    createdAt: ts(row.created_at)!,
    expiresAt: ts(row.expires_at),
    revokedAt: ts(row.revoked_at),
    revokedBy: (row.revoked_by as string | null) ?? null,
    source: row.source as WaiverSource,
    sourceRef: (row.source_ref as string | null) ?? null,
    active: Boolean(row.active),
  };
}

/** Checks target and expiry; returns the expiry. `where` prefixes messages (a file position). */
export function resolveWaiverExpiry(
  input: Pick<WaiverGrant, 'repository' | 'topic' | 'fleet' | 'expiresAt' | 'expires'>,
  options: { now?: Date; maxDays?: number; where?: string } = {},
): Date {
  const now = options.now ?? new Date();
  const maxDays = options.maxDays ?? DEFAULT_MAX_WAIVER_DAYS;
  const at = options.where ? `${options.where}: ` : '';
  const targets = [input.repository, input.topic, input.fleet].filter((t) => t !== undefined);
  if (targets.length !== 1)
    throw new SteeringError(
      'INVALID_INPUT',
      `${at}name exactly one of repository, topic or fleet: true (got ${targets.length})`,
    );
  let expires: Date;
  if (input.expiresAt && input.expires)
    throw new SteeringError('INVALID_INPUT', `${at}give expiresAt or expires, not both`);
  if (input.expiresAt) expires = new Date(input.expiresAt);
  else if (input.expires) {
    const ms = parseDuration(input.expires);
    if (ms === null)
      throw new SteeringError(
        'INVALID_INPUT',
        `${at}expires: "${input.expires}" is not a duration like 30d, 12w or 48h`,
      );
    expires = new Date(now.getTime() + ms);
  } else
    throw new SteeringError(
      'INVALID_INPUT',
      `${at}an expiry is required: expiresAt (ISO date-time) or expires (e.g. 30d), at most ${maxDays} days`,
    );
  if (expires.getTime() <= now.getTime())
    throw new SteeringError('INVALID_INPUT', `${at}expiry ${expires.toISOString()} is in the past`);
  if (expires.getTime() > now.getTime() + maxDays * DAY_MS)
    throw new SteeringError(
      'INVALID_INPUT',
      `${at}expiry ${expires.toISOString()} is more than ${maxDays} days ahead (the limit); grant a shorter waiver and renew it`,
    );
  return expires;
}

async function repositoryId(q: Queryable, fullName: string): Promise<number> {
  const [owner, name] = fullName.split('/');
  const r = await q.query<{ id: string }>(
    `SELECT id FROM repositories WHERE lower(owner) = lower($1) AND lower(name) = lower($2)
     AND deleted_at IS NULL`,
    [owner, name],
  );
  if (!r.rows[0]) throw new SteeringError('NOT_FOUND', `repository ${fullName} not found`);
  return Number(r.rows[0].id);
}

export interface GrantOptions {
  actor: string;
  source: WaiverSource;
  sourceRef?: string;
  maxDays?: number;
  now?: Date;
}

/** Inserts a waiver and its audit entry in the caller's transaction. */
export async function insertWaiverRecord(
  tx: Queryable,
  input: WaiverGrant,
  options: GrantOptions,
): Promise<WaiverRecord> {
  const expires = resolveWaiverExpiry(input, options);
  const repoId = input.repository ? await repositoryId(tx, input.repository) : null;
  const scope = input.repository ? 'repository' : input.topic ? 'topic' : 'fleet';
  const r = await tx.query<{ id: string }>(
    `INSERT INTO waivers (repository_id, rule_id, rule_like, reason, created_by, expires_at, scope,
       topic, owner, source, source_ref)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
    [
      repoId,
      input.rule,
      toLikePattern(input.rule),
      input.reason,
      options.actor,
      expires,
      scope,
      input.topic ?? null,
      input.owner,
      options.source,
      options.sourceRef ?? null,
    ],
  );
  const id = Number(r.rows[0]!.id);
  const subject = input.repository ?? (input.topic ? `topic:${input.topic}` : 'fleet');
  await recordAudit(tx, {
    actor: options.actor,
    action: 'waiver.grant',
    subject,
    details: {
      waiverId: id,
      rule: input.rule,
      owner: input.owner,
      reason: input.reason,
      expiresAt: expires.toISOString(),
      source: options.source,
      ...(options.sourceRef ? { sourceRef: options.sourceRef } : {}),
    },
  });
  const back = await tx.query(`${SELECT} WHERE w.id = $1`, [id]);
  return toWaiver(back.rows[0]!);
}

export async function grantWaiver(
  db: Db,
  input: WaiverGrant,
  options: GrantOptions,
): Promise<WaiverRecord> {
  return db.transaction((tx) => insertWaiverRecord(tx, input, options));
}

/** Revokes a live waiver (NOT_FOUND when unknown or already revoked) and audits it. */
export async function revokeWaiver(
  db: Db,
  id: number,
  options: { actor: string; reason?: string },
): Promise<WaiverRecord> {
  return db.transaction(async (tx) => {
    const r = await tx.query(
      `UPDATE waivers SET revoked_at = now(), revoked_by = $2 WHERE id = $1 AND revoked_at IS NULL
       RETURNING id`,
      [id, options.actor],
    );
    if (!r.rows[0]) throw new SteeringError('NOT_FOUND', `no live waiver ${id}`);
    const back = toWaiver((await tx.query(`${SELECT} WHERE w.id = $1`, [id])).rows[0]!);
    await recordAudit(tx, {
      actor: options.actor,
      action: 'waiver.revoke',
      subject: back.repository ?? (back.topic ? `topic:${back.topic}` : 'fleet'),
      details: {
        waiverId: id,
        rule: back.rule,
        ...(options.reason ? { reason: options.reason } : {}),
      },
    });
    return back;
  });
}

export interface ListWaiversOptions {
  repository?: string;
  rule?: string;
  /** Default true: only waivers in force now. */
  active?: boolean;
  limit: number;
  cursor?: string;
}

/** Newest first, keyset-paginated by id. */
export async function listWaivers(
  q: Queryable,
  options: ListWaiversOptions,
): Promise<{ waivers: WaiverRecord[]; nextCursor: string | null }> {
  const after = options.cursor ? Number(decodeCursor(options.cursor, 1)[0]) : null;
  const active = options.active ?? true;
  const r = await q.query(
    `${SELECT}
     WHERE ($1::boolean IS FALSE OR (w.revoked_at IS NULL AND (w.expires_at IS NULL OR w.expires_at > now())))
       AND ($2::text IS NULL OR lower(r.owner || '/' || r.name) = lower($2))
       AND ($3::text IS NULL OR $3 LIKE w.rule_like)
       AND ($4::bigint IS NULL OR w.id < $4)
     ORDER BY w.id DESC LIMIT $5`,
    [active, options.repository ?? null, options.rule ?? null, after, options.limit + 1],
  );
  const waivers = r.rows.slice(0, options.limit).map(toWaiver);
  const last = waivers[waivers.length - 1];
  return {
    waivers,
    nextCursor: r.rows.length > options.limit && last ? encodeCursor([last.id]) : null,
  };
}

/** Waivers in force for one repository (its own, its topics', the fleet's), for a scan. */
export async function listWaiversForRepository(
  q: Queryable,
  repositoryId: number,
): Promise<WaiverRecord[]> {
  const r = await q.query(
    `${SELECT}, repositories t
     WHERE t.id = $1 AND w.revoked_at IS NULL AND (w.expires_at IS NULL OR w.expires_at > now())
       AND (w.scope = 'fleet' OR w.repository_id = t.id OR (w.scope = 'topic' AND w.topic = ANY (t.topics)))
     ORDER BY w.id`,
    [repositoryId],
  );
  return r.rows.map(toWaiver);
}
