/** `steering diff <old.md> <new.md> [--json]`: the changelog between two versions and the compliance-semver bump. */
import type { Command } from 'commander';
import { diffRules, type Changelog } from '../../guidelines/index.js';
import { SteeringError } from '../../errors.js';
import type { CliIo } from '../cli-io.js';
import { CliExit } from '../run-cli.js';
import { listGuidelineFiles, loadGuidelines, reportDiagnostics } from '../load-guidelines.js';
import { formatChangelog } from '../format-changelog.js';

export function registerDiff(program: Command, io: CliIo): void {
  program
    .command('diff')
    .description(
      'compare two versions of a guideline: rules added, removed and changed, and the version bump',
    )
    .argument('<old>', 'the previous version (.md)')
    .argument('<new>', 'the new version (.md)')
    .option('--json', 'print the changelog as JSON')
    .option(
      '--id <id>',
      "the guideline id for both files when their frontmatter gives none (default: the new file's name)",
    )
    .action((oldPath: string, newPath: string, opts: { json?: boolean; id?: string }) => {
      for (const p of [oldPath, newPath]) {
        if (listGuidelineFiles(p, io.cwd)[0] !== p)
          throw new SteeringError('USAGE', `${p}: diff compares two files, not directories`);
      }
      // Both sides are read as one guideline: the id comes from the frontmatter, else --id, else
      // the new file's name — never the old side's (often temporary) file name.
      const after = loadGuidelines(newPath, {
        cwd: io.cwd,
        ...(opts.id ? { id: opts.id } : {}),
      })[0]!;
      const id = opts.id ?? after.document?.id;
      const before = loadGuidelines(oldPath, { cwd: io.cwd, ...(id ? { id } : {}) })[0]!;
      const { errors } = reportDiagnostics([before, after], (s) => io.stderr.write(s));
      if (errors > 0 || !before.document || !after.document) throw new CliExit(1);
      if (before.document.id !== after.document.id) {
        throw new SteeringError(
          'USAGE',
          `${newPath} is guideline "${after.document.id}" and ${oldPath} is "${before.document.id}": diff compares two versions of one guideline`,
        );
      }
      const changelog: Changelog = diffRules(before.document.rules, after.document.rules);
      if (opts.json) io.stdout.write(`${JSON.stringify(changelog, null, 2)}\n`);
      else io.stdout.write(`${formatChangelog(changelog)}\n`);
    });
}
