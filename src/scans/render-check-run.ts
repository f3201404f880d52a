/**
 * The check run `steering / compliance` of one scan: a conclusion, a summary table per guideline
 * version and track, the failing rules, and one annotation per piece of evidence at file:line
 * (the GitHub port sends them 50 per request).
 */
import type { Finding } from '../checks/index.js';
import type { CheckAnnotation, CheckConclusion, CheckRunInput } from '../github/index.js';
import type { ScanTrack } from '../store/index.js';

export const CHECK_RUN_NAME = 'steering / compliance';

export interface EvaluatedVersion {
  guideline: string;
  version: string;
  tracks: ScanTrack[];
  findings: Finding[];
}

const STATUSES = ['pass', 'fail', 'error', 'exempt', 'not-applicable', 'unchecked'] as const;
const LEVEL_TO_ANNOTATION = { MUST: 'failure', SHOULD: 'warning', MAY: 'notice' } as const;
/** GitHub caps output.summary and output.text at 65535 characters. */
const MAX_TEXT = 60_000;
const MAX_ANNOTATIONS = 500;

export function countStatuses(findings: readonly Finding[]): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  for (const f of findings) out[f.status] = (out[f.status] ?? 0) + 1;
  return out;
}

/**
 * Failure when a MUST rule fails (or errors) in the version that governs the repository (the
 * adopted one, else the latest); neutral when only other rules or the newer version fail.
 */
export function conclusionOf(evaluated: readonly EvaluatedVersion[]): CheckConclusion {
  const governing = evaluated.filter(
    (e) =>
      e.tracks.includes('adopted') ||
      !evaluated.some((o) => o.guideline === e.guideline && o.tracks.includes('adopted')),
  );
  const bad = (f: Finding) => f.status === 'fail' || f.status === 'error';
  if (governing.some((e) => e.findings.some((f) => bad(f) && f.level === 'MUST'))) return 'failure';
  if (evaluated.some((e) => e.findings.some(bad))) return 'neutral';
  return 'success';
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderCheckRun(sha: string, evaluated: readonly EvaluatedVersion[]): CheckRunInput {
  const conclusion = conclusionOf(evaluated);
  const rows = evaluated.map((e) => {
    const c = countStatuses(e.findings);
    return `| ${e.guideline} | ${e.version} | ${e.tracks.join(', ')} | ${STATUSES.map((s) => c[s]).join(' | ')} |`;
  });
  const mustFails = evaluated.reduce(
    (n, e) => n + e.findings.filter((f) => f.status === 'fail' && f.level === 'MUST').length,
    0,
  );
  let summary = [
    `| guideline | version | track | ${STATUSES.join(' | ')} |`,
    `|---|---|---|${STATUSES.map(() => '---:').join('|')}|`,
    ...rows,
  ].join('\n');
  const failing: string[] = [];
  const annotations: CheckAnnotation[] = [];
  const seen = new Set<string>();
  for (const e of evaluated) {
    for (const f of e.findings) {
      if (f.status !== 'fail' && f.status !== 'error') continue;
      const where = f.evidence[0] ? `${f.evidence[0].path}:${f.evidence[0].line}` : '—';
      failing.push(
        `| ${cell(f.ruleId)} | ${f.level} | ${f.status} | ${e.version} | ${cell(f.message)} | ${cell(where)} |`,
      );
      for (const ev of f.evidence) {
        const key = `${f.ruleId}\0${ev.path}\0${ev.line}`;
        if (seen.has(key) || annotations.length >= MAX_ANNOTATIONS) continue;
        seen.add(key);
        annotations.push({
          path: ev.path,
          startLine: ev.line,
          endLine: ev.line,
          level: LEVEL_TO_ANNOTATION[f.level] ?? 'warning',
          title: `${f.level} ${f.ruleId}`,
          message: [f.message, ev.note, ev.snippet && `> ${ev.snippet}`]
            .filter(Boolean)
            .join('\n')
            .slice(0, 4000),
        });
      }
    }
  }
  let text = failing.length
    ? [
        '### Failing rules',
        '| rule | level | status | version | message | evidence |',
        '|---|---|---|---|---|---|',
        ...failing,
      ].join('\n')
    : 'Every checked rule passes.';
  if (summary.length > MAX_TEXT) summary = summary.slice(0, MAX_TEXT) + '\n…';
  if (text.length > MAX_TEXT) text = text.slice(0, MAX_TEXT) + '\n…';
  return {
    name: CHECK_RUN_NAME,
    headSha: sha,
    status: 'completed',
    conclusion,
    externalId: sha,
    output: {
      title:
        conclusion === 'success'
          ? 'Compliant'
          : `${mustFails} MUST rule${mustFails === 1 ? '' : 's'} failing`,
      summary,
      text,
      annotations,
    },
  };
}
