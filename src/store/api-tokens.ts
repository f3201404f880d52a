/**
 * API tokens. The secret (`stg_` + 32 random bytes, base64url) is returned once by createApiToken
 * and never stored: the table keeps its sha256, a short prefix to recognise it, its scopes and
 * when it expires (never, by default). An expired or revoked token authenticates nothing.
 */
import { randomBytes } from 'node:crypto';
import { sha256 } from '../hash.js';
import { SteeringError } from '../errors.js';
import type { Queryable } from './db.js';
import { iso } from './to-iso.js';

/**
 * Every scope a token can hold. To add one: append it here (and to IMPLIES if holding it should
 * grant another); the database does not constrain the list.
 */
export const SCOPES = ['read', 'publish', 'admin', 'report', 'waive'] as const;
export type Scope = (typeof SCOPES)[number];

/** What a scope grants besides itself. `admin` grants every scope. */
export const IMPLIES: Partial<Record<Scope, readonly Scope[]>> = {
  publish: ['read'],
};

export interface ApiTokenRecord {
  id: number;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  expiresAt: string | null;
  /** For a `report` token: the one repository (`owner/name`, lower case) it may upload for. */
  repository: string | null;
}

export function hashToken(token: string): string {
  return sha256(token);
}

/** `admin` grants every scope; a scope grants what IMPLIES lists (`publish` can read). */
export function hasScope(granted: readonly Scope[], required: Scope): boolean {
  return (
    granted.includes(required) ||
    granted.includes('admin') ||
    granted.some((g) => IMPLIES[g]?.includes(required))
  );
}

const COLUMNS =
  'id, name, prefix, scopes, created_at, last_used_at, revoked_at, expires_at, repository';
const LIVE = 'revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())';

function toToken(row: Record<string, unknown>): ApiTokenRecord {
  return {
    id: Number(row.id),
    name: row.name as string,
    prefix: row.prefix as string,
    scopes: row.scopes as Scope[],
    createdAt: iso(row.created_at),
    lastUsedAt: row.last_used_at ? iso(row.last_used_at) : null,
    revokedAt: row.revoked_at ? iso(row.revoked_at) : null,
    expiresAt: row.expires_at ? iso(row.expires_at) : null,
    repository: (row.repository as string | null | undefined) ?? null,
  };
}

export async function createApiToken(
  q: Queryable,
  input: {
    name: string;
    scopes: readonly string[];
    expiresInDays?: number | undefined;
    repository?: string | undefined;
  },
): Promise<{ token: string; record: ApiTokenRecord }> {
  const name = input.name.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._:@-]{0,99}$/.test(name)) {
    throw new SteeringError(
      'INVALID_INPUT',
      'token name: 1-100 letters, digits, spaces or . _ : @ -',
    );
  }
  const scopes = [...new Set(input.scopes)];
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (scopes.length === 0 || unknown.length > 0) {
    throw new SteeringError(
      'INVALID_INPUT',
      `scopes must be one or more of ${SCOPES.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`,
    );
  }
  const days = input.expiresInDays;
  if (days !== undefined && !(Number.isFinite(days) && days > 0 && days <= 3650)) {
    throw new SteeringError('INVALID_INPUT', 'expiry: a number of days from 1 to 3650');
  }
  const repository = input.repository?.trim().toLowerCase() || null;
  if (repository !== null && !/^[a-z0-9_.-]{1,100}\/[a-z0-9_.-]{1,100}$/.test(repository)) {
    throw new SteeringError(
      'INVALID_INPUT',
      `token repository: owner/name, got "${input.repository}"`,
    );
  }
  const token = `stg_${randomBytes(32).toString('base64url')}`;
  try {
    // An expired token with the same name no longer blocks the name.
    await q.query(
      `UPDATE api_tokens SET revoked_at = expires_at WHERE name = $1 AND revoked_at IS NULL AND expires_at <= now()`,
      [name],
    );
    const r = await q.query(
      `INSERT INTO api_tokens (name, token_sha256, prefix, scopes, expires_at, repository)
       VALUES ($1, $2, $3, $4, CASE WHEN $5::float8 IS NULL THEN NULL ELSE now() + make_interval(secs => $5::float8 * 86400) END, $6)
       RETURNING ${COLUMNS}`,
      [name, hashToken(token), token.slice(0, 8), scopes, days ?? null, repository],
    );
    return { token, record: toToken(r.rows[0]!) };
  } catch (err) {
    if (err instanceof SteeringError && err.code === 'CONFLICT') {
      throw new SteeringError(
        'CONFLICT',
        `a live token named "${name}" already exists (revoke it first)`,
        { cause: err },
      );
    }
    throw err;
  }
}

/** The live (not revoked, not expired) token with this secret, or null. */
export async function findApiToken(q: Queryable, token: string): Promise<ApiTokenRecord | null> {
  const r = await q.query(`SELECT ${COLUMNS} FROM api_tokens WHERE token_sha256 = $1 AND ${LIVE}`, [
    hashToken(token),
  ]);
  return r.rows[0] ? toToken(r.rows[0]) : null;
}

export async function touchApiToken(q: Queryable, id: number): Promise<void> {
  await q.query('UPDATE api_tokens SET last_used_at = now() WHERE id = $1', [id]);
}

export async function listApiTokens(q: Queryable): Promise<ApiTokenRecord[]> {
  const r = await q.query(`SELECT ${COLUMNS} FROM api_tokens ORDER BY created_at, id`);
  return r.rows.map(toToken);
}

/**
 * The channel a revocation is announced on (payload: the token's name), when it commits, so that
 * every server drops the tokens it has cached (`Db.listen`).
 */
export const TOKEN_REVOKED_CHANNEL = 'steering_token_revoked';

/** Revokes the live token with this name and announces it; NOT_FOUND if there is none. */
export async function revokeApiToken(q: Queryable, name: string): Promise<ApiTokenRecord> {
  const r = await q.query(
    `WITH revoked AS (
       UPDATE api_tokens SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL
       RETURNING ${COLUMNS})
     SELECT revoked.*, pg_notify('${TOKEN_REVOKED_CHANNEL}', revoked.name) FROM revoked`,
    [name],
  );
  if (!r.rows[0]) throw new SteeringError('NOT_FOUND', `no live token named "${name}"`);
  return toToken(r.rows[0]);
}
