/**
 * The repository registry: every repository the App's installations can see, synced from GitHub.
 * Selectors (org allowlist, topics, archived, forks, opt-out) are applied when a rollout picks its
 * targets, not here, so `steering repos list` can show why a repository is skipped.
 * A repository that disappears from every installation keeps its row with `deleted_at` set.
 */
import type { RepositoryFacts } from '../repository-facts.js';
import type { Queryable } from './db.js';
import { iso } from './to-iso.js';

export interface RepositoryRecord extends RepositoryFacts {
  installationId: number | null;
  deletedAt: string | null;
  updatedAt: string;
}

/** The facts to store (`fullName` follows from owner and name) and the installation seeing them. */
export interface RepositoryUpsert extends Omit<RepositoryFacts, 'fullName'> {
  installationId: number;
}

const COLUMNS =
  'id, owner, name, default_branch, archived, fork, topics, installation_id, deleted_at, updated_at';

export function toRepository(row: Record<string, unknown>): RepositoryRecord {
  return {
    id: Number(row.id),
    owner: row.owner as string,
    name: row.name as string,
    fullName: `${row.owner as string}/${row.name as string}`,
    defaultBranch: row.default_branch as string,
    archived: Boolean(row.archived),
    fork: Boolean(row.fork),
    topics: (row.topics as string[] | null) ?? [],
    installationId: row.installation_id === null ? null : Number(row.installation_id),
    deletedAt: row.deleted_at === null ? null : iso(row.deleted_at),
    updatedAt: iso(row.updated_at),
  };
}

/** Insert or refresh one repository (undeleting it when it reappears). */
export async function upsertRepository(q: Queryable, r: RepositoryUpsert): Promise<void> {
  await q.query(
    `INSERT INTO repositories (id, owner, name, default_branch, archived, fork, topics, installation_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (id) DO UPDATE SET owner = EXCLUDED.owner, name = EXCLUDED.name,
       default_branch = EXCLUDED.default_branch, archived = EXCLUDED.archived, fork = EXCLUDED.fork,
       topics = EXCLUDED.topics, installation_id = EXCLUDED.installation_id, deleted_at = NULL,
       updated_at = now()`,
    [r.id, r.owner, r.name, r.defaultBranch, r.archived, r.fork, r.topics, r.installationId],
  );
}

/** Mark live repositories whose id is not in `seenIds` as deleted; returns how many. */
export async function markRepositoriesDeleted(q: Queryable, seenIds: number[]): Promise<number> {
  const r = await q.query(
    `UPDATE repositories SET deleted_at = now(), updated_at = now()
     WHERE deleted_at IS NULL AND NOT (id = ANY($1::bigint[]))`,
    [seenIds],
  );
  return r.rowCount;
}

export async function markRepositoryDeleted(q: Queryable, id: number): Promise<void> {
  await q.query(
    `UPDATE repositories SET deleted_at = now(), updated_at = now() WHERE id = $1 AND deleted_at IS NULL`,
    [id],
  );
}

/** Live repositories (or all, with `includeDeleted`), ordered by full name. */
export async function listRepositories(
  q: Queryable,
  options: { includeDeleted?: boolean } = {},
): Promise<RepositoryRecord[]> {
  const r = await q.query(
    `SELECT ${COLUMNS} FROM repositories ${options.includeDeleted ? '' : 'WHERE deleted_at IS NULL'}
     ORDER BY lower(owner), lower(name)`,
  );
  return r.rows.map(toRepository);
}

export async function getRepository(q: Queryable, id: number): Promise<RepositoryRecord | null> {
  const r = await q.query(`SELECT ${COLUMNS} FROM repositories WHERE id = $1`, [id]);
  return r.rows[0] ? toRepository(r.rows[0]) : null;
}
