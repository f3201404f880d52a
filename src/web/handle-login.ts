/** Logging in to the dashboard with an API token (a cookie session) and logging out. */
import express, { type Request, type Response, type Router } from 'express';
import type { Db } from '../store/index.js';
import { layout } from './layout.js';
import { loginPage } from './render-pages.js';
import {
  SESSION_COOKIE,
  SESSION_HOURS,
  createSession,
  deleteSession,
  readCookie,
} from './web-sessions.js';

/** Only a path on this site is a place to go back to after logging in. */
function localNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function addLoginRoutes(router: Router, db: Db, publicRead: boolean): void {
  router.get('/login', (req: Request, res: Response) => {
    const failed = req.query.failed === '1';
    const problem = failed ? 'That token is unknown, revoked or lacks the read scope.' : null;
    res.type('html').send(layout({ title: 'Log in', body: loginPage(problem, publicRead) }));
  });

  router.post(
    '/login',
    express.urlencoded({ extended: false, limit: '4kb' }),
    async (req: Request, res: Response) => {
      const body = req.body as { token?: unknown } | undefined;
      const token = typeof body?.token === 'string' ? body.token : '';
      const next = localNext(req.query.next);
      const session = token ? await createSession(db, token) : null;
      if (!session) {
        res.redirect(303, '/login?failed=1');
        return;
      }
      res.cookie(SESSION_COOKIE, session.id, {
        httpOnly: true,
        sameSite: 'strict',
        secure: req.secure,
        path: '/',
        maxAge: SESSION_HOURS * 3600_000,
      });
      res.redirect(303, next);
    },
  );

  router.post('/logout', async (req: Request, res: Response) => {
    const id = readCookie(req.get('cookie'), SESSION_COOKIE);
    if (id) await deleteSession(db, id);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/login');
  });
}
