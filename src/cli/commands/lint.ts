/**
 * `steering lint <file|dir> [--explain]`: validates guideline documents and their `.checks.yaml`
 * (and prints every diagnostic with its position; with --explain, every candidate and what became
 * of it). Exit 0 when clean, 1 when errors are found (or more warnings than --max-warnings), 2 on a
 * usage error.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { CliExit } from '../run-cli.js';
import { loadGuidelines, reportDiagnostics, type LoadedGuideline } from '../load-guidelines.js';
import { lintChecksFiles } from '../lint-checks-files.js';

export function registerLint(program: Command, io: CliIo): void {
  program
    .command('lint')
    .description('validate guideline documents; exit 0 clean, 1 problems found, 2 usage error')
    .argument('<path>', 'a guideline .md file, or a directory of them')
    .option('--max-warnings <n>', 'fail when there are more warnings than this', parseCount)
    .option(
      '--explain',
      'print every candidate the recognizers saw and its decision (rule, merged, not a rule) and why',
    )
    .action((path: string, opts: { maxWarnings?: number; explain?: boolean }) => {
      const loaded = loadGuidelines(path, {
        cwd: io.cwd,
        ...(opts.explain ? { explain: true } : {}),
      });
      if (opts.explain) for (const g of loaded) io.stdout.write(formatExplanation(g));
      const write = (s: string) => io.stdout.write(s);
      const docs = reportDiagnostics(loaded, write);
      const checks = lintChecksFiles(loaded, write);
      const errors = docs.errors + checks.errors;
      const warnings = docs.warnings + checks.warnings;
      const rules = loaded.reduce((n, g) => n + (g.document?.rules.length ?? 0), 0);
      io.stdout.write(
        `${loaded.length} document(s), ${rules} rules, ${checks.files} checks file(s): ${errors} error(s), ${warnings} warning(s)\n`,
      );
      if (errors > 0 || (opts.maxWarnings !== undefined && warnings > opts.maxWarnings))
        throw new CliExit(1);
    });
}

function formatExplanation(g: LoadedGuideline): string {
  const ids = new Map(
    (g.document?.rules ?? []).map((r) => [`${r.source.line}:${r.source.column}`, r.id]),
  );
  const lines = (g.explanation ?? []).map((d) => {
    const id = d.decision === 'rule' ? ids.get(`${d.line}:${d.column}`) : undefined;
    const text = d.text.length > 70 ? `${d.text.slice(0, 69)}…` : d.text;
    return `${g.path}:${d.line}:${d.column}: ${d.decision.toUpperCase()} [${d.recognizer}] "${text}" — ${d.why}${id ? ` → ${id}` : ''}\n`;
  });
  return lines.join('');
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError('expected a whole number of 0 or more');
  return n;
}
