/**
 * The read-only dashboard at `/` and the badges, server-rendered (no front-end build, no script):
 * fleet overview with burndown and rollout progress, heat map, rule and repository pages.
 * Access: a cookie session made by logging in with an API token (read scope), or, when
 * `publicRead` is configured, anyone. Badges (`/badge/{owner}/{repo}.svg`) are public only with
 * `publicBadges`; otherwise they need a session or a bearer token.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Db } from '../store/index.js';
import { addLoginRoutes } from './handle-login.js';
import { layout } from './layout.js';
import {
  loadFleetPage,
  loadHeatmapPage,
  loadRepositoryPage,
  loadRolloutsPage,
  loadRulePage,
  type PageLoader,
} from './load-pages.js';
import { serveBadge } from './serve-badge.js';
import { SESSION_COOKIE, findSession, readCookie } from './web-sessions.js';

export interface WebOptions {
  db: Db;
  /** Anyone may read the dashboard (read-only). Default false: log in with a token. */
  publicRead?: boolean;
  /** Badges without a token. Default false. */
  publicBadges?: boolean;
}

type Viewer = { name: string | null };

export function webRouter(o: WebOptions): Router {
  const { db } = o;
  const publicRead = !!o.publicRead;
  const router = express.Router();

  async function sessionUser(req: Request): Promise<string | null> {
    const id = readCookie(req.get('cookie'), SESSION_COOKIE);
    return id ? await findSession(db, id) : null;
  }

  async function viewer(req: Request): Promise<Viewer | null> {
    const name = await sessionUser(req);
    if (name) return { name };
    return publicRead ? { name: null } : null;
  }

  /** A page for a viewer (else the login form), rendered by its loader inside the layout. */
  const page =
    (title: (req: Request) => string, load: PageLoader) => async (req: Request, res: Response) => {
      const v = await viewer(req);
      if (!v) {
        res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
        return;
      }
      const body = await load(db, req, res);
      res
        .status(res.statusCode || 200)
        .type('html')
        .setHeader('Cache-Control', 'no-store')
        .send(layout({ title: title(req), user: v.name, body }));
    };

  addLoginRoutes(router, db, publicRead);
  router.get(
    '/',
    page(() => 'Fleet', loadFleetPage),
  );
  router.get(
    '/rollouts',
    page(() => 'Rollouts', loadRolloutsPage),
  );
  router.get(
    '/heatmap',
    page(() => 'Heat map', loadHeatmapPage),
  );
  router.get(
    '/rules/:ruleId',
    page((req) => `Rule ${String(req.params.ruleId)}`, loadRulePage),
  );
  router.get(
    '/repositories/:owner/:repo',
    page((req) => `${String(req.params.owner)}/${String(req.params.repo)}`, loadRepositoryPage),
  );
  router.get(
    '/badge/:owner/:file',
    serveBadge({ db, publicBadges: !!o.publicBadges, publicRead, sessionUser }),
  );
  return router;
}
