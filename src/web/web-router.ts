/**
 * The read-only dashboard at `/` and the badges, server-rendered (no front-end build, no script):
 * fleet overview with burndown and rollout progress, heat map, rule and repository pages.
 * Access: a cookie session made by logging in with an API token (read scope), or, when
 * `publicRead` is configured, anyone. Badges (`/badge/{owner}/{repo}.svg`) are public only with
 * `publicBadges`; otherwise they need a session or a bearer token.
 */
import express, { type Request, type Response, type Router } from 'express';
import {
  complianceHistory,
  ensureSnapshot,
  fleetSummary,
  heatmapCells,
  latestRules,
  listRepositoryCompliance,
  listRepositoryScans,
  listRuleRepositories,
  listWaivers,
  repositoryCompliance,
} from '../compliance/index.js';
import {
  findApiToken,
  findRepositoryByName,
  getRuleHistory,
  hasScope,
  listGuidelines,
  listRollouts,
  type Db,
} from '../store/index.js';
import { html } from './html.js';
import { layout } from './layout.js';
import { repositoryPage, rulePage } from './render-detail-pages.js';
import { heatmapPage, loginPage, overviewPage } from './render-pages.js';
import { badgeState, renderBadge } from './render-badge.js';
import {
  SESSION_COOKIE,
  SESSION_HOURS,
  createSession,
  deleteSession,
  findSession,
  readCookie,
} from './web-sessions.js';

export interface WebOptions {
  db: Db;
  /** Anyone may read the dashboard (read-only). Default false: log in with a token. */
  publicRead?: boolean;
  /** Badges without a token. Default false. */
  publicBadges?: boolean;
}

type Viewer = { name: string | null };
const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

export function webRouter(o: WebOptions): Router {
  const { db } = o;
  const router = express.Router();

  async function viewer(req: Request): Promise<Viewer | null> {
    const id = readCookie(req.get('cookie'), SESSION_COOKIE);
    const name = id ? await findSession(db, id) : null;
    if (name) return { name };
    return o.publicRead ? { name: null } : null;
  }

  const page =
    (
      title: (req: Request) => string,
      render: (req: Request, res: Response) => Promise<ReturnType<typeof html> | null>,
    ) =>
    async (req: Request, res: Response) => {
      const v = await viewer(req);
      if (!v) {
        res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
        return;
      }
      const body = await render(req, res);
      if (!body) return;
      res
        .status(res.statusCode || 200)
        .type('html')
        .setHeader('Cache-Control', 'no-store')
        .send(layout({ title: title(req), user: v.name, body }));
    };

  const notFound = (res: Response, what: string) => {
    res.status(404);
    return html`<h1>Not found</h1>
      <p>${what} is not known to steering.</p>`;
  };

  router.get('/login', async (req, res) => {
    const failed = req.query.failed === '1';
    res.type('html').send(
      layout({
        title: 'Log in',
        body: loginPage(
          failed ? 'That token is unknown, revoked or lacks the read scope.' : null,
          !!o.publicRead,
        ),
      }),
    );
  });

  router.post('/login', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const token = typeof req.body?.token === 'string' ? req.body.token : '';
    const next =
      typeof req.query.next === 'string' &&
      req.query.next.startsWith('/') &&
      !req.query.next.startsWith('//')
        ? req.query.next
        : '/';
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
  });

  router.post('/logout', async (req, res) => {
    const id = readCookie(req.get('cookie'), SESSION_COOKIE);
    if (id) await deleteSession(db, id);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/login');
  });

  router.get(
    '/',
    page(
      () => 'Fleet',
      async () => {
        await ensureSnapshot(db);
        const [summaries, rollouts] = await Promise.all([
          fleetSummary(db),
          listRollouts(db, { limit: 10 }),
        ]);
        const history = new Map(
          await Promise.all(
            summaries.map(
              async (s) =>
                [s.guideline, await complianceHistory(db, { guideline: s.guideline })] as const,
            ),
          ),
        );
        return overviewPage(summaries, history, rollouts);
      },
    ),
  );

  router.get(
    '/rollouts',
    page(
      () => 'Rollouts',
      async () => {
        const rollouts = await listRollouts(db, { limit: 50 });
        return overviewPage([], new Map(), rollouts);
      },
    ),
  );

  router.get(
    '/heatmap',
    page(
      () => 'Heat map',
      async (req, res) => {
        const guidelines = (await listGuidelines(db)).filter((g) => g.latestVersion);
        const wanted =
          typeof req.query.guideline === 'string' ? req.query.guideline : guidelines[0]?.id;
        const g = guidelines.find((x) => x.id === wanted);
        if (!g)
          return guidelines.length
            ? notFound(res, `Guideline ${wanted}`)
            : html`<h1>Heat map</h1>
                <p>No guideline is published yet.</p>`;
        const cursor = typeof req.query.cursor === 'string' ? req.query.cursor : undefined;
        const overdue = req.query.overdue === 'true' ? true : undefined;
        const page = await listRepositoryCompliance(db, {
          guideline: g.id,
          limit: 40,
          cursor,
          overdue,
        });
        const rules = [...(await latestRules(db, g.id, g.latestVersion!)).values()].sort(
          (a, b) => a.level.localeCompare(b.level) || a.id.localeCompare(b.id),
        );
        const cells = await heatmapCells(
          db,
          g.id,
          page.repositories.map((r) => r.id),
        );
        const next = page.nextCursor
          ? `/heatmap?guideline=${encodeURIComponent(g.id)}${overdue ? '&overdue=true' : ''}&cursor=${encodeURIComponent(page.nextCursor)}`
          : null;
        return heatmapPage({
          guideline: g.id,
          guidelines: guidelines.map((x) => x.id),
          rules,
          rows: page.repositories,
          cells,
          nextHref: next,
        });
      },
    ),
  );

  router.get(
    '/rules/:ruleId',
    page(
      (req) => `Rule ${String(req.params.ruleId)}`,
      async (req, res) => {
        const ruleId = String(req.params.ruleId);
        const history = await getRuleHistory(db, ruleId);
        if (!history[0]) return notFound(res, `Rule ${ruleId}`);
        const [failing, exempt, waivers] = await Promise.all([
          listRuleRepositories(db, { ruleId, status: 'fail', limit: 200 }),
          listRuleRepositories(db, { ruleId, status: 'exempt', limit: 200 }),
          listWaivers(db, { rule: ruleId, limit: 100 }),
        ]);
        return rulePage({
          rule: history[0].rule,
          ruleId,
          failing: failing.repositories,
          exempt: exempt.repositories,
          waivers: waivers.waivers,
        });
      },
    ),
  );

  router.get(
    '/repositories/:owner/:repo',
    page(
      (req) => `${String(req.params.owner)}/${String(req.params.repo)}`,
      async (req, res) => {
        const owner = String(req.params.owner);
        const name = String(req.params.repo);
        const repo =
          NAME.test(owner) && NAME.test(name) ? await findRepositoryByName(db, owner, name) : null;
        if (!repo) return notFound(res, `Repository ${owner}/${name}`);
        const [state, scans] = await Promise.all([
          repositoryCompliance(db, repo.id),
          listRepositoryScans(db, repo.id, { limit: 20 }),
        ]);
        return repositoryPage({
          repository: `${repo.owner}/${repo.name}`,
          state,
          scans: scans.scans,
          badgeUrl: `/badge/${repo.owner}/${repo.name}.svg`,
        });
      },
    ),
  );

  router.get('/badge/:owner/:file', async (req, res) => {
    const owner = String(req.params.owner);
    const file = String(req.params.file);
    const name = file.endsWith('.svg') ? file.slice(0, -4) : '';
    let allowed = !!o.publicBadges || !!(await viewer(req))?.name || !!o.publicRead;
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (!allowed && bearer) {
      const t = await findApiToken(db, bearer[1]!);
      allowed = !!t && hasScope(t.scopes, 'read');
    }
    res.setHeader('Cache-Control', 'no-cache');
    if (!allowed) {
      res
        .status(401)
        .type('image/svg+xml')
        .send(renderBadge('steering', { message: 'log in', color: '#6e7781' }));
      return;
    }
    const repo =
      NAME.test(owner) && NAME.test(name) ? await findRepositoryByName(db, owner, name) : null;
    if (!repo) {
      res
        .status(404)
        .type('image/svg+xml')
        .send(renderBadge('steering', { message: 'unknown', color: '#6e7781' }));
      return;
    }
    const state = await repositoryCompliance(db, repo.id);
    const latest = state.tracks.filter((t) => t.track === 'latest');
    const mustFailing = latest.reduce(
      (n, t) =>
        n +
        t.rules.filter((r) => r.level === 'MUST' && (r.status === 'fail' || r.status === 'error'))
          .length,
      0,
    );
    const overdue = latest.reduce((n, t) => n + t.overdue, 0);
    res
      .type('image/svg+xml')
      .send(
        renderBadge('steering', badgeState({ scanned: latest.length > 0, mustFailing, overdue })),
      );
  });

  return router;
}
