/**
 * The dashboard's fleet pages as HTML (data in, markup out): the overview, the heat map and the
 * login page (a rule's and a repository's page: render-detail-pages.ts). Status is always written as text beside its colour.
 */
import type {
  FleetSummary,
  HeatmapCell,
  HistoryPoint,
  RepositoryRow,
} from '../compliance/index.js';
import type { Rule } from '../guidelines/index.js';
import type { RolloutRecord } from '../store/index.js';
import { dataTable, html, numeric, percent, type Html } from './html.js';
import { burndownChart, shareBar, stackedBar } from './svg-charts.js';

import { repoLink, ruleLink } from './page-parts.js';

function summaryCards(s: FleetSummary): Html {
  return html`<div class="cards">
    <div class="card">
      <span class="n">${percent(s.repositories.shareCompliantMust)}</span>compliant on MUST rules
      (${s.repositories.compliantMust} of ${s.repositories.scanned})<br />${shareBar(s.repositories.shareCompliantMust, 'Compliant on MUST rules')}
    </div>
    <div class="card">
      <span class="n">${percent(s.repositories.shareCompliantAll)}</span>compliant on all rules
      (${s.repositories.compliantAll})
    </div>
    <div class="card">
      <span class="n">${s.overdue.repositories}</span>repositories overdue (${s.overdue.findings}
      overdue rules) <br /><a href="/heatmap?guideline=${s.guideline}&amp;overdue=true"
        >who is late</a
      >
    </div>
    <div class="card">
      <span class="n">${s.repositories.scanned} / ${s.repositories.total}</span>repositories scanned
    </div>
    <div class="card">
      <span class="n">${percent(s.coverage.share)}</span>coverage: ${s.coverage.checked} of
      ${s.coverage.rules} rules checked or measured
    </div>
    <div class="card">
      <span class="n">${s.drift.onLatest}</span>on ${s.latestVersion}; ${s.drift.behind} behind,
      ${s.drift.notAdopted} not adopted
    </div>
  </div>`;
}

function guidelineSection(s: FleetSummary, history: readonly HistoryPoint[]): Html {
  return html`<section aria-labelledby="g-${s.guideline}">
    <h2 id="g-${s.guideline}">
      ${s.title} <span class="muted">(${s.guideline} ${s.latestVersion})</span>
    </h2>
    ${summaryCards(s)}
    <h3>Adopted versions</h3>
    ${dataTable(
      ['version', numeric('repositories'), numeric('compliant with it (MUST)')],
      s.versions.map(
        (v) =>
          html`<tr>
            <td>${v.version ?? 'not adopted'}</td>
            <td class="num">${v.repositories}</td>
            <td class="num">${v.version ? v.compliantMust : '—'}</td>
          </tr>`,
      ),
    )}
    <h3>Top failing rules</h3>
    ${
      s.topFailingRules.length
        ? dataTable(
            ['rule', 'level', numeric('failing'), numeric('overdue'), numeric('exempt')],
            s.topFailingRules.map(
              (r) =>
                html`<tr>
                  <td>${ruleLink(r.ruleId)}</td>
                  <td>${r.level}</td>
                  <td class="num">${r.failing}</td>
                  <td class="num">${r.overdue}</td>
                  <td class="num">${r.exempt}</td>
                </tr>`,
            ),
          )
        : html`<p>No rule fails.</p>`
    }
    <h3>Burndown</h3>
    ${burndownChart(history, `Burndown of ${s.title}`)}
  </section>`;
}

export function overviewPage(
  summaries: readonly FleetSummary[],
  history: ReadonlyMap<string, HistoryPoint[]>,
  rollouts: readonly RolloutRecord[],
): Html {
  return html`<h1>Fleet compliance</h1>
    ${summaries.length ? '' : html`<p>No guideline is published yet.</p>`}
    ${summaries.map((s) => guidelineSection(s, history.get(s.guideline) ?? []))}
    <h2>Rollout progress</h2>
    ${
      rollouts.length
        ? dataTable(
            ['rollout', 'state', 'progress', numeric('targets')],
            rollouts.map(
              (r) =>
                html`<tr>
                  <td>${r.guideline} ${r.version}</td>
                  <td>${r.state}</td>
                  <td>${stackedBar(r.counts, `Rollout ${r.id}`)}</td>
                  <td class="num">${r.total}</td>
                </tr>`,
            ),
          )
        : html`<p>No rollout yet.</p>`
    }`;
}

export function heatmapPage(o: {
  guideline: string;
  guidelines: readonly string[];
  rules: readonly Rule[];
  rows: readonly RepositoryRow[];
  cells: ReadonlyMap<number, ReadonlyMap<string, HeatmapCell>>;
  nextHref: string | null;
}): Html {
  const abbrev: Record<string, string> = {
    pass: '✓',
    fail: '✗',
    exempt: 'W',
    error: '!',
    unchecked: '·',
    'not-applicable': '–',
  };
  return html`<h1>Repositories × rules <span class="muted">(${o.guideline})</span></h1>
    <form method="get" action="/heatmap">
      <label for="g">Guideline</label>
      <select id="g" name="guideline">
        ${o.guidelines.map(
          (g) =>
            html`<option value="${g}" ${g === o.guideline ? html` selected` : ''}>${g}</option>`,
        )}
      </select>
      <button type="submit">Show</button>
    </form>
    <ul class="legend" aria-label="Legend">
      <li><span class="st st-pass">✓</span> pass</li>
      <li><span class="st st-fail">✗</span> fail</li>
      <li><span class="st st-overdue">✗</span> overdue</li>
      <li><span class="st st-exempt">W</span> exempt (waiver)</li>
      <li><span class="st st-error">!</span> error</li>
      <li><span class="st st-unchecked">·</span> unchecked</li>
      <li><span class="st st-not-applicable">–</span> not applicable</li>
    </ul>
    <div style="overflow-x:auto">
      <table class="heat">
        <caption class="sr-only">
          Status of each rule (columns) in each repository (rows)
        </caption>
        <thead>
          <tr>
            <th scope="col">repository</th>
            ${o.rules.map(
              (r) =>
                html`<th scope="col" class="rule">
                  <a href="/rules/${encodeURIComponent(r.id)}" title="${r.id}"
                    >${r.id.replace(`${o.guideline}.`, '')}</a
                  >
                </th>`,
            )}
          </tr>
        </thead>
        <tbody>
          ${o.rows.map((row) => {
            const cells = o.cells.get(row.id);
            return html`<tr>
              <th scope="row">${repoLink(row.repository)}</th>
              ${o.rules.map((r) => {
                const c = cells?.get(r.id);
                if (!c) return html`<td><span class="sr-only">not scanned</span></td>`;
                const cls = c.overdue ? 'overdue' : c.status;
                const label = `${r.id}: ${c.status}${c.overdue ? ' (overdue)' : ''}`;
                return html`<td class="st st-${cls}" title="${label}">
                  <span aria-hidden="true">${abbrev[c.status] ?? '?'}</span
                  ><span class="sr-only">${label}</span>
                </td>`;
              })}
            </tr>`;
          })}
        </tbody>
      </table>
    </div>
    ${o.nextHref ? html`<p><a href="${o.nextHref}">Next repositories</a></p>` : ''}`;
}

export function loginPage(message: string | null, publicRead: boolean): Html {
  return html`<h1>Log in</h1>
    ${message ? html`<p role="alert"><strong>${message}</strong></p>` : ''}
    <form class="login" method="post" action="/login">
      <label for="token">API token (read scope)</label>
      <input id="token" name="token" type="password" autocomplete="off" required />
      <button type="submit">Log in</button>
    </form>
    <p class="muted">
      Create one with
      <code>steering token create --name me --scopes read</code
      >.${publicRead ? ' The dashboard is also readable without logging in.' : ''}
    </p>`;
}
