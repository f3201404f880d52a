/**
 * Write side of the guidelines aggregate, used only inside a transaction by the publish service:
 * lock the guideline row (creating it on first publish), then insert a version and its rules.
 */
import { sha256 } from '../hash.js';
import type { Bump, Changelog, GuidelineDocument } from '../guidelines/index.js';
import type { Transaction } from './db.js';
import { VERSION_COLUMNS, toVersion, type GuidelineVersionRecord } from './guideline-records.js';

/**
 * Creates the guideline row if missing and takes a row lock on it until the transaction ends.
 * Concurrent publishers of the same guideline queue here, so each sees the other's version.
 */
export async function lockGuideline(
  tx: Transaction,
  doc: Pick<GuidelineDocument, 'id' | 'title' | 'owners'>,
): Promise<void> {
  await tx.query(
    `INSERT INTO guidelines (id, title, owners) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`,
    [doc.id, doc.title, JSON.stringify(doc.owners)],
  );
  await tx.query('SELECT id FROM guidelines WHERE id = $1 FOR UPDATE', [doc.id]);
}

export interface NewGuidelineVersion {
  document: GuidelineDocument;
  version: string;
  previousVersion: string | null;
  source: string;
  changelog: Changelog;
  bump: Bump;
  publisher: string;
}

export { sha256 };

export async function insertGuidelineVersion(
  tx: Transaction,
  v: NewGuidelineVersion,
): Promise<GuidelineVersionRecord> {
  const doc = v.document;
  const [major, minor, patch] = v.version.split('.').map(Number);
  const inserted = await tx.query<Record<string, unknown> & { id: number }>(
    `INSERT INTO guideline_versions
       (guideline_id, version, major, minor, patch, title, owners, applies_to, source, source_sha256,
        rules, rule_count, changelog, bump, previous_version, publisher)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
     RETURNING id, ${VERSION_COLUMNS}`,
    [
      doc.id,
      v.version,
      major,
      minor,
      patch,
      doc.title,
      JSON.stringify(doc.owners),
      doc.appliesTo ? JSON.stringify(doc.appliesTo) : null,
      v.source,
      sha256(v.source),
      JSON.stringify(doc.rules),
      doc.rules.length,
      JSON.stringify(v.changelog),
      v.bump,
      v.previousVersion,
      v.publisher,
    ],
  );
  const row = inserted.rows[0]!;
  if (doc.rules.length > 0) {
    // One statement for all rules: unnest parallel arrays (pg and PGlite alike).
    await tx.query(
      `INSERT INTO rules (guideline_version_id, guideline_id, version, rule_id, level, kind, hash, rule)
       SELECT $1, $2, $3, r.rule_id, r.level, r.kind, r.hash, r.rule::jsonb
       FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS r(rule_id, level, kind, hash, rule)`,
      [
        row.id,
        doc.id,
        v.version,
        doc.rules.map((r) => r.id),
        doc.rules.map((r) => r.level),
        doc.rules.map((r) => r.kind),
        doc.rules.map((r) => r.hash),
        doc.rules.map((r) => JSON.stringify(r)),
      ],
    );
  }
  await tx.query(
    `UPDATE guidelines SET title = $2, owners = $3, applies_to = $4, latest_version = $5, updated_at = now() WHERE id = $1`,
    [
      doc.id,
      doc.title,
      JSON.stringify(doc.owners),
      doc.appliesTo ? JSON.stringify(doc.appliesTo) : null,
      v.version,
    ],
  );
  return toVersion(row);
}
