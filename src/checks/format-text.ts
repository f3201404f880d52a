/** A readable table of findings for a terminal: status, level, rule, then evidence for failures. */
import type { Finding } from './types.js';
import { summarizeFindings } from './summarize-findings.js';

const MARK: Record<string, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  'not-applicable': 'N/A',
  unchecked: 'UNCHECKED',
  exempt: 'EXEMPT',
  error: 'ERROR',
};

export function formatFindingsText(title: string, findings: readonly Finding[]): string {
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
    if (f.status === 'fail' || f.status === 'error' || f.status === 'exempt') {
      lines.push(`    ${f.message}`);
      for (const e of f.evidence.slice(0, 10)) {
        lines.push(
          `    ${e.path}:${e.line}:${e.column}  ${e.snippet}${e.note ? `  (${e.note})` : ''}`,
        );
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

function shorten(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
