/** `steering rules <file|dir> [--json]`: the compiled rules, as a table for people or JSON for tools. */
import type { Command } from 'commander';
import { describeThreshold, type Rule } from '../../guidelines/index.js';
import type { CliIo } from '../cli-io.js';
import { CliExit } from '../run-cli.js';
import { formatTable } from '../format-table.js';
import { loadGuidelines, reportDiagnostics } from '../load-guidelines.js';

export function registerRules(program: Command, io: CliIo): void {
  program
    .command('rules')
    .description('compile guideline documents and print their rules')
    .argument('<path>', 'a guideline .md file, or a directory of them')
    .option('--json', 'print JSON: the document for a file, an array of documents for a directory')
    .action((path: string, opts: { json?: boolean }) => {
      const loaded = loadGuidelines(path, { cwd: io.cwd });
      const { errors } = reportDiagnostics(loaded, (s) => io.stderr.write(s));
      const documents = loaded.flatMap((g) => (g.document ? [g.document] : []));
      if (opts.json) {
        const single = loaded.length === 1 && loaded[0]!.path === path;
        io.stdout.write(
          `${JSON.stringify(single ? (documents[0] ?? null) : documents, null, 2)}\n`,
        );
      } else {
        for (const doc of documents) {
          io.stdout.write(`${doc.title} (${doc.id}): ${summarize(doc.rules)}\n\n`);
          io.stdout.write(
            `${formatTable(['ID', 'LEVEL', 'KIND', 'RULE', 'LINE'], doc.rules.map(row), [0, 6, 9, 72])}\n\n`,
          );
        }
      }
      if (errors > 0) throw new CliExit(1);
    });
}

function row(r: Rule): string[] {
  const what = r.threshold
    ? `${r.threshold.subject} ${describeThreshold(r.threshold)}${r.threshold.qualifier ? ` (${r.threshold.qualifier})` : ''}`
    : r.statement;
  return [r.id, r.level, r.kind, what, String(r.source.line)];
}

function summarize(rules: readonly Rule[]): string {
  const count = (k: string) => rules.filter((r) => r.kind === k).length;
  return `${rules.length} rules (${count('threshold')} thresholds, ${count('practice')} practices, ${count('example')} examples, ${count('reference')} references)`;
}
