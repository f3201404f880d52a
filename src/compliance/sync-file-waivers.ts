/**
 * Makes the file waivers of one repository equal to its `.steering/waivers.yaml` at the
 * default-branch head: waivers no longer in the file are revoked, new ones granted (both audited,
 * actor `repo:<owner/name>`). Unchanged entries keep their row.
 */
import type { Db } from '../store/index.js';
import { recordAudit } from './audit-log.js';
import { insertWaiverRecord, type WaiverGrant } from './waivers.js';

const keyOf = (w: { rule: string; owner: string | null; reason: string; expiresAt: string }) =>
  [w.rule, w.owner ?? '', w.reason, new Date(w.expiresAt).toISOString()].join('\0');

export async function syncFileWaivers(
  db: Db,
  repo: { id: number; fullName: string },
  waivers: readonly WaiverGrant[],
  ref: string,
  options: { maxDays?: number; now?: Date } = {},
): Promise<{ granted: number; revoked: number }> {
  const actor = `repo:${repo.fullName}`;
  return db.transaction(async (tx) => {
    const live = await tx.query<{
      id: string;
      rule_id: string;
      owner: string | null;
      reason: string;
      expires_at: Date;
    }>(
      `SELECT id, rule_id, owner, reason, expires_at FROM waivers
       WHERE repository_id = $1 AND source = 'file' AND revoked_at IS NULL FOR UPDATE`,
      [repo.id],
    );
    const wanted = new Map(waivers.map((w) => [keyOf({ ...w, expiresAt: w.expiresAt! }), w]));
    let revoked = 0;
    for (const row of live.rows) {
      const key = keyOf({
        rule: row.rule_id,
        owner: row.owner,
        reason: row.reason,
        expiresAt: row.expires_at.toISOString(),
      });
      if (wanted.delete(key)) continue;
      await tx.query(`UPDATE waivers SET revoked_at = now(), revoked_by = $2 WHERE id = $1`, [
        row.id,
        actor,
      ]);
      await recordAudit(tx, {
        actor,
        action: 'waiver.revoke',
        subject: repo.fullName,
        details: { waiverId: Number(row.id), rule: row.rule_id, source: 'file', sourceRef: ref },
      });
      revoked++;
    }
    for (const w of wanted.values())
      await insertWaiverRecord(tx, w, { actor, source: 'file', sourceRef: ref, ...options });
    return { granted: wanted.size, revoked };
  });
}
