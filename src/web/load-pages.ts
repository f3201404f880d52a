/**
 * What each dashboard page reads before it renders: one loader a page, taking the request's
 * parameters and answering the page's body, or a "not found" body with status 404.
 */
import type { Request, Response } from 'express';
import {
  complianceHistory,
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
  findRepositoryByName,
  getRuleHistory,
  listGuidelines,
  listRollouts,
  type Db,
} from '../store/index.js';
import { html, type Html } from './html.js';
import { repositoryPage, rulePage } from './render-detail-pages.js';
import { heatmapPage, overviewPage } from './render-pages.js';

export type PageLoader = (db: Db, req: Request, res: Response) => Promise<Html>;

/** Owner and repository names as GitHub allows them; anything else is not looked up. */
export const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** The repository `owner/name`, when both parts are plausible names and it is known. */
export async function findNamedRepository(db: Db, owner: string, name: string) {
  return NAME.test(owner) && NAME.test(name) ? findRepositoryByName(db, owner, name) : null;
}

function notFound(res: Response, what: string): Html {
  res.status(404);
  return html`<h1>Not found</h1>
    <p>${what} is not known to steering.</p>`;
}

export const loadFleetPage: PageLoader = async (db) => {
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
};

export const loadRolloutsPage: PageLoader = async (db) =>
  overviewPage([], new Map(), await listRollouts(db, { limit: 50 }));

export const loadHeatmapPage: PageLoader = async (db, req, res) => {
  const guidelines = (await listGuidelines(db)).filter((g) => g.latestVersion);
  const wanted = typeof req.query.guideline === 'string' ? req.query.guideline : guidelines[0]?.id;
  const g = guidelines.find((x) => x.id === wanted);
  if (!g?.latestVersion)
    return guidelines.length
      ? notFound(res, `Guideline ${wanted}`)
      : html`<h1>Heat map</h1>
          <p>No guideline is published yet.</p>`;
  const cursor = typeof req.query.cursor === 'string' ? req.query.cursor : undefined;
  const overdue = req.query.overdue === 'true' ? true : undefined;
  const page = await listRepositoryCompliance(db, { guideline: g.id, limit: 40, cursor, overdue });
  const rules = [...(await latestRules(db, g.id, g.latestVersion)).values()].sort(
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
};

export const loadRulePage: PageLoader = async (db, req, res) => {
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
};

export const loadRepositoryPage: PageLoader = async (db, req, res) => {
  const owner = String(req.params.owner);
  const name = String(req.params.repo);
  const repo = await findNamedRepository(db, owner, name);
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
};
