/** A readable table of findings for a terminal: status, level, rule, then evidence for failures. */
import type { Finding } from './types.js';
import { summarizeFindings } from './summarize-findings.js';
import type { RepoLayout } from './find-units.js';

const MARK: Record<string, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  'not-applicable': 'N/A',
  unchecked: 'UNCHECKED',
  exempt: 'EXEMPT',
  error: 'ERROR',
};

export interface TextOptions {
  /** Evidence for passes too. */
  verbose?: boolean;
  /** Every check per unit with the patterns and paths behind its result. */
  explain?: boolean;
}

export function formatFindingsText(
  title: string,
  findings: readonly Finding[],
  options: TextOptions = {},
): string {
  const lines = [title, ''];
  const width = Math.max(...findings.map((f) => f.ruleId.length), 4);
  lines.push(`${'STATUS'.padEnd(10)} ${'LEVEL'.padEnd(6)} ${'RULE'.padEnd(width)}  DETAIL`);
  for (const f of findings) {
    const detail =
      f.status === 'pass' || f.status === 'not-applicable' || f.status === 'unchecked'
        ? shorten(f.message, 90)
        : '';
    lines.push(
      `${(MARK[f.status] ?? f.status).padEnd(10)} ${f.level.padEnd(6)} ${f.ruleId.padEnd(width)}  ${detail}`.trimEnd(),
    );
    const showEvidence = options.verbose && f.status === 'pass';
    if (showEvidence) {
      for (const e of f.evidence.slice(0, 5))
        lines.push(
          `    ${e.path}:${e.line}:${e.column}  ${e.snippet}${e.note ? `  (${e.note})` : ''}`,
        );
    }
    if (options.explain) {
      for (const c of f.checks) {
        lines.push(`    · ${c.checkId}${c.unit ? ` [${c.unit}]` : ''}: ${c.status} — ${c.message}`);
        if (c.explain) lines.push(`      looked for ${c.explain}`);
      }
    }
    if (f.status === 'fail' || f.status === 'error' || f.status === 'exempt') {
      lines.push(`    ${f.message}`);
      for (const e of f.evidence.slice(0, 10)) {
        const note = e.note && withoutRepeat(e.note, f.message);
        lines.push(`    ${e.path}:${e.line}:${e.column}  ${e.snippet}${note ? `  (${note})` : ''}`);
      }
      if (f.evidence.length > 10) lines.push(`    … and ${f.evidence.length - 10} more`);
    }
  }
  const s = summarizeFindings(findings);
  const c = s.counts;
  lines.push(
    '',
    `${c.pass} pass, ${c.fail} fail (${s.mustFailures} MUST), ${c.unchecked} unchecked, ${c['not-applicable']} not applicable, ${c.exempt} exempt, ${c.error} error`,
  );
  return lines.join('\n');
}

/** A note without the clauses the message above it already says (the remedy, once is enough). */
function withoutRepeat(note: string, message: string): string {
  return note
    .split('; ')
    .filter((clause) => !message.includes(clause))
    .join('; ');
}

function shorten(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** The service units of a repository and the roles of its paths, for `steering scan --explain`. */
export function formatLayoutText(paths: readonly string[], layout: RepoLayout): string {
  const lines = ['Service units (each is evaluated on its own):'];
  for (const u of layout.units) {
    const st = u.stack;
    const what = [...st.languages, ...st.frameworks].join(', ') || 'no build file understood';
    lines.push(`  ${u.path.padEnd(36)} ${what}  (${u.buildFiles.join(', ') || 'no build file'})`);
  }
  if (layout.frontendRoots.length)
    lines.push(`Browser applications (not units): ${layout.frontendRoots.join(', ')}`);
  const byRole = new Map<string, Map<string, number>>();
  for (const p of paths) {
    const r = layout.role(p);
    if (r.role === 'service') continue;
    const m = byRole.get(r.role) ?? new Map<string, number>();
    m.set(r.reason, (m.get(r.reason) ?? 0) + 1);
    byRole.set(r.role, m);
  }
  lines.push('Paths left out of service code, by role:');
  for (const [role, reasons] of [...byRole].sort(([a], [b]) => a.localeCompare(b))) {
    const total = [...reasons.values()].reduce((a, b) => a + b, 0);
    const top = [...reasons]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([why, n]) => `${why} (${n})`)
      .join('; ');
    lines.push(`  ${role.padEnd(11)} ${String(total).padStart(5)} files: ${top}`);
  }
  return lines.join('\n');
}
