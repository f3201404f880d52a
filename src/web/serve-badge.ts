/**
 * `GET /badge/{owner}/{repo}.svg`: the repository's compliance on the latest track as a badge.
 * Public with `publicBadges` (or `publicRead`); otherwise for a session or a bearer token with the
 * read scope. An unknown repository and a refused request still answer an SVG (a README shows it).
 */
import type { Request, Response } from 'express';
import { repositoryCompliance } from '../compliance/index.js';
import { findApiToken, hasScope, type Db } from '../store/index.js';
import { findNamedRepository } from './load-pages.js';
import { badgeState, renderBadge } from './render-badge.js';

export interface BadgeAccess {
  db: Db;
  publicBadges: boolean;
  publicRead: boolean;
  /** The logged-in user's name, or null. */
  sessionUser: (req: Request) => Promise<string | null>;
}

async function mayRead(access: BadgeAccess, req: Request): Promise<boolean> {
  if (access.publicBadges || access.publicRead || (await access.sessionUser(req))) return true;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  if (!bearer) return false;
  const token = await findApiToken(access.db, bearer[1]!);
  return !!token && hasScope(token.scopes, 'read');
}

function sendBadge(res: Response, status: number, svg: string): void {
  res.status(status).type('image/svg+xml').send(svg);
}

export function serveBadge(access: BadgeAccess) {
  return async (req: Request, res: Response): Promise<void> => {
    const owner = String(req.params.owner);
    const file = String(req.params.file);
    const name = file.endsWith('.svg') ? file.slice(0, -4) : '';
    const allowed = await mayRead(access, req);
    res.setHeader('Cache-Control', 'no-cache');
    if (!allowed)
      return sendBadge(res, 401, renderBadge('steering', { message: 'log in', color: '#6e7781' }));
    const repo = await findNamedRepository(access.db, owner, name);
    if (!repo)
      return sendBadge(res, 404, renderBadge('steering', { message: 'unknown', color: '#6e7781' }));
    const latest = (await repositoryCompliance(access.db, repo.id)).tracks.filter(
      (t) => t.track === 'latest',
    );
    const mustFailing = latest.reduce(
      (n, t) =>
        n +
        t.rules.filter((r) => r.level === 'MUST' && (r.status === 'fail' || r.status === 'error'))
          .length,
      0,
    );
    const overdue = latest.reduce((n, t) => n + t.overdue, 0);
    const state = badgeState({ scanned: latest.length > 0, mustFailing, overdue });
    sendBadge(res, 200, renderBadge('steering', state));
  };
}
