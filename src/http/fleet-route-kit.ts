/**
 * What the fleet, scan and history routes share: paging parameters, repository path parameters,
 * the 304 answer every list documents, and the repository look-up that answers 404 in our words.
 */
import { z } from 'zod';
import { SteeringError } from '../errors.js';
import { findRepositoryByName, type Db } from '../store/index.js';

export interface FleetRouteDeps {
  db: Db;
  /** Enqueues a forced scan of the repository's default-branch head; null when nothing to scan. */
  rescan?: (repositoryId: number, sha: string) => Promise<string | null>;
}

export const limit = z.coerce
  .number()
  .int()
  .min(1)
  .max(500)
  .default(100)
  .describe('Page size (default 100, at most 500)');
export const cursor = z
  .string()
  .max(500)
  .optional()
  .describe('`nextCursor` of the previous page (keyset pagination)');
export const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .describe('YYYY-MM-DD');
const Name = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/);
export const RepoParams = z.object({
  owner: Name.describe('Repository owner'),
  repo: Name.describe('Repository name'),
});
export const PageQuery = z.object({ limit, cursor });

export const notModified = { description: 'Not modified (If-None-Match matched the ETag)' };

/** A repository by owner and name, or NOT_FOUND naming it. */
export function repositoryFinder(db: Db) {
  return async (owner: string, repo: string) => {
    const r = await findRepositoryByName(db, owner, repo);
    if (!r) throw new SteeringError('NOT_FOUND', `repository ${owner}/${repo} not found`);
    return r;
  };
}

/** Evidence as one CSV cell: `path:line` separated by spaces. */
export const evidenceText = (evidence: readonly { path: string; line: number }[]): string =>
  evidence.map((e) => `${e.path}:${e.line}`).join(' ');
