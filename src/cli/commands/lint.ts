/**
 * `steering lint <file|dir>`: validates guideline documents and their `.checks.yaml` (and prints every diagnostic with its
 * position). Exit 0 when clean, 1 when errors are found (or more warnings than --max-warnings), 2 on a usage error.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { CliExit } from '../run-cli.js';
import { loadGuidelines, reportDiagnostics } from '../load-guidelines.js';
import { lintChecksFiles } from '../lint-checks-files.js';

export function registerLint(program: Command): void {
  program
    .command('lint')
    .description('validate guideline documents; exit 0 clean, 1 problems found, 2 usage error')
    .argument('<path>', 'a guideline .md file, or a directory of them')
    .option('--max-warnings <n>', 'fail when there are more warnings than this', parseCount)
    .action((path: string, opts: { maxWarnings?: number }) => {
      const loaded = loadGuidelines(path);
      const write = (s: string) => process.stdout.write(s);
      const docs = reportDiagnostics(loaded, write);
      const checks = lintChecksFiles(loaded, write);
      const errors = docs.errors + checks.errors;
      const warnings = docs.warnings + checks.warnings;
      const rules = loaded.reduce((n, g) => n + (g.document?.rules.length ?? 0), 0);
      process.stdout.write(
        `${loaded.length} document(s), ${rules} rules, ${checks.files} checks file(s): ${errors} error(s), ${warnings} warning(s)\n`,
      );
      if (errors > 0 || (opts.maxWarnings !== undefined && warnings > opts.maxWarnings))
        throw new CliExit(1);
    });
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError('expected a whole number of 0 or more');
  return n;
}
