/**
 * Dashboard sessions: logging in with an API token (read scope) creates a random session id kept
 * in an HttpOnly, SameSite=Strict cookie; only its sha256 is stored, with the token it stands for,
 * so revoking the token ends its sessions too.
 */
import { randomBytes } from 'node:crypto';
import { findApiToken, hasScope, hashToken, type ApiTokenRecord, type Db } from '../store/index.js';

export const SESSION_COOKIE = 'steering_session';
export const SESSION_HOURS = 12;

export async function createSession(
  db: Db,
  secret: string,
): Promise<{ id: string; token: ApiTokenRecord } | null> {
  const token = await findApiToken(db, secret.trim());
  if (!token || !hasScope(token.scopes, 'read')) return null;
  const id = randomBytes(32).toString('base64url');
  await db.query(
    `INSERT INTO web_sessions (id_sha256, token_id, expires_at)
     VALUES ($1, $2, now() + make_interval(hours => $3))`,
    [hashToken(id), token.id, SESSION_HOURS],
  );
  return { id, token };
}

/** The live session's token name, or null (unknown, expired, or its token revoked). */
export async function findSession(db: Db, id: string): Promise<string | null> {
  const r = await db.query<{ name: string }>(
    `SELECT t.name FROM web_sessions s JOIN api_tokens t ON t.id = s.token_id
     WHERE s.id_sha256 = $1 AND s.expires_at > now() AND t.revoked_at IS NULL`,
    [hashToken(id)],
  );
  return r.rows[0]?.name ?? null;
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.query(`DELETE FROM web_sessions WHERE id_sha256 = $1 OR expires_at < now()`, [
    hashToken(id),
  ]);
}

export function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}
