/**
 * Writes a client made twice: more than one open pull request for the same head, the same comment
 * body twice on one issue, two check runs (or commit statuses) with the same name, commit and
 * content. Benchmarks report the total; steering's goal is 0, retries and lost answers included.
 */
import type { SimState } from './state.js';

export interface DuplicatedWrites {
  pulls: number;
  comments: number;
  checkRuns: number;
  statuses: number;
  total: number;
}

function extra(keys: string[]): number {
  return keys.length - new Set(keys).size;
}

export function countDuplicates(state: SimState): DuplicatedWrites {
  let pulls = 0;
  let comments = 0;
  let checkRuns = 0;
  let statuses = 0;
  for (const repo of state.repos.values()) {
    pulls += extra(repo.pulls.filter((p) => p.state === 'open').map((p) => `${p.head}>${p.base}`));
    comments += extra(repo.comments.map((c) => `${c.issueNumber}\n${c.body}`));
    // A check run is one client's intent: the same external id (or, without one, the same name,
    // commit and content) twice is a duplicate; a deliberate rerun carries a new external id.
    checkRuns += extra(
      repo.checkRuns.map((r) =>
        r.externalId
          ? `id ${r.externalId}`
          : `${r.name}\n${r.headSha}\n${r.output.title}\n${r.output.summary}\n${r.annotations.length}`,
      ),
    );
    statuses += extra(
      repo.statuses.map((s) => `${s.context}\n${s.sha}\n${s.state}\n${s.description}`),
    );
  }
  return { pulls, comments, checkRuns, statuses, total: pulls + comments + checkRuns + statuses };
}
