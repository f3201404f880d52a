/**
 * The dashboard's detail pages as HTML (data in, markup out): a rule's page (who fails it, with
 * evidence and waivers) and a repository's page (status per rule, adopted vs latest, history). Status is always
 * written as text beside its colour.
 */
import type {
  RepositoryState,
  RuleRepositoryRow,
  ScanRow,
  WaiverRecord,
} from '../compliance/index.js';
import type { Rule } from '../guidelines/index.js';
import { dataTable, html, numeric, type Html } from './html.js';
import { day, dueTime, repoLink, ruleLink, statusBadge } from './page-parts.js';

export function rulePage(o: {
  rule: Rule | null;
  ruleId: string;
  failing: readonly RuleRepositoryRow[];
  exempt: readonly RuleRepositoryRow[];
  waivers: readonly WaiverRecord[];
}): Html {
  return html`<h1>Rule ${o.ruleId}</h1>
    ${
      o.rule
        ? html`<p><strong>${o.rule.level}</strong> ${o.rule.statement}</p>
            <p class="muted">${o.rule.section.join(' › ')}</p>`
        : ''
    }
    <h2>Failing repositories (${o.failing.length})</h2>
    ${
      o.failing.length
        ? dataTable(
            ['repository', 'status', 'since', 'due', 'evidence'],
            o.failing.map(
              (r) =>
                html`<tr>
                  <td>${repoLink(r.repository)}</td>
                  <td>${statusBadge(r.status, r.deadline)}</td>
                  <td>${day(r.since)}</td>
                  <td>${dueTime(r.dueAt)}</td>
                  <td>
                    ${r.message ?? ''}${r.evidence.length ? html`<br /><code>${r.evidence.map((e) => `${e.path}:${e.line}`).join(', ')}</code>` : ''}
                  </td>
                </tr>`,
            ),
          )
        : html`<p>No repository fails this rule.</p>`
    }
    <h2>Waivers</h2>
    ${
      o.waivers.length
        ? dataTable(
            ['target', 'rule', 'owner', 'reason', 'expires', 'source'],
            o.waivers.map(
              (w) =>
                html`<tr>
                  <td>${w.repository ?? (w.topic ? `topic ${w.topic}` : 'fleet')}</td>
                  <td>${w.rule}</td>
                  <td>${w.owner ?? ''}</td>
                  <td>${w.reason}</td>
                  <td>${day(w.expiresAt)}</td>
                  <td>${w.source}</td>
                </tr>`,
            ),
          )
        : html`<p>No waiver covers this rule.</p>`
    }
    <p class="muted">${o.exempt.length} repositories are exempt through a waiver.</p>`;
}

function upgradeSection(c: RepositoryState['changes'][number]): Html {
  return html`<h2>${c.guideline}: adopted ${c.adopted ?? 'nothing yet'}, latest ${c.latest}</h2>
    ${
      c.wouldFail.length
        ? html`<p>
              With ${c.latest} this repository would fail ${c.wouldFail.length}
              rule${c.wouldFail.length === 1 ? '' : 's'}:
            </p>
            <ul>
              ${c.wouldFail.map((r) => html`<li>${ruleLink(r.ruleId)}: ${r.label}${r.measured ? ` (${r.measured})` : ''}${r.dueAt ? `, due ${dueTime(r.dueAt)}` : ''}</li>`)}
            </ul>`
        : html`<p>Moving to ${c.latest} adds no failing rule.</p>`
    }`;
}

function trackSection(t: RepositoryState['tracks'][number]): Html {
  return html`<h2>
      Rules of ${t.guideline} ${t.version}
      (${t.compliant ? 'compliant' : 'not compliant'}${t.overdue ? `, ${t.overdue} overdue` : ''})
    </h2>
    ${dataTable(
      ['rule', 'level', 'status', 'since', 'due', 'evidence / waiver'],
      t.rules.map(
        (r) =>
          html`<tr>
            <td>${ruleLink(r.ruleId)}</td>
            <td>${r.level}</td>
            <td>${statusBadge(r.status, r.deadline)}</td>
            <td>${day(r.since)}</td>
            <td>${dueTime(r.dueAt)}</td>
            <td>
              ${r.waiver ? html`waived until ${day(r.waiver.expiresAt)}: ${r.waiver.reason}` : (r.message ?? '')}${
                r.evidence.length
                  ? html`<br /><code
                        >${r.evidence
                          .slice(0, 3)
                          .map((e) => `${e.path}:${e.line}`)
                          .join(', ')}</code
                      >`
                  : ''
              }
            </td>
          </tr>`,
      ),
    )}`;
}

function scanHistory(scans: readonly ScanRow[]): Html {
  if (!scans.length) return html`<p>Not scanned yet.</p>`;
  return dataTable(
    ['scan', 'commit', 'version', numeric('fail'), numeric('pass'), 'finished'],
    scans.map(
      (s) =>
        html`<tr>
          <td>${s.id}</td>
          <td><code>${s.sha.slice(0, 7)}</code></td>
          <td>${s.guideline} ${s.version}</td>
          <td class="num">${s.summary?.fail ?? 0}</td>
          <td class="num">${s.summary?.pass ?? 0}</td>
          <td>${s.finishedAt ?? ''}</td>
        </tr>`,
    ),
  );
}

export function repositoryPage(o: {
  repository: string;
  state: RepositoryState;
  scans: readonly ScanRow[];
  badgeUrl: string;
}): Html {
  const latest = o.state.tracks.filter((t) => t.track === 'latest');
  return html`<h1>${o.repository}</h1>
    <p><img src="${o.badgeUrl}" alt="compliance badge" /></p>
    ${o.state.changes.map(upgradeSection)} ${latest.map(trackSection)}
    <h2>History</h2>
    ${scanHistory(o.scans)}`;
}
