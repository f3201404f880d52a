/** `steering diff <old.md> <new.md> [--json]`: the changelog between two versions and the compliance-semver bump. */
import type { Command } from 'commander';
import { diffRules, type Changelog } from '../../guidelines/index.js';
import { SteeringError } from '../../errors.js';
import { CliExit } from '../run-cli.js';
import { listGuidelineFiles, loadGuidelines, reportDiagnostics } from '../load-guidelines.js';
import { formatChangelog } from '../format-changelog.js';

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description(
      'compare two versions of a guideline: rules added, removed and changed, and the version bump',
    )
    .argument('<old>', 'the previous version (.md)')
    .argument('<new>', 'the new version (.md)')
    .option('--json', 'print the changelog as JSON')
    .action((oldPath: string, newPath: string, opts: { json?: boolean }) => {
      for (const p of [oldPath, newPath]) {
        if (listGuidelineFiles(p)[0] !== p)
          throw new SteeringError('USAGE', `${p}: diff compares two files, not directories`);
      }
      const before = loadGuidelines(oldPath)[0]!;
      // The new file is read as the same guideline (its id comes from the old file's name unless
      // its frontmatter says otherwise), so a copy under another name diffs rule by rule.
      const after = loadGuidelines(newPath, { idFrom: oldPath })[0]!;
      const { errors } = reportDiagnostics([before, after]);
      if (errors > 0 || !before.document || !after.document) throw new CliExit(1);
      if (before.document.id !== after.document.id) {
        throw new SteeringError(
          'USAGE',
          `${newPath} is guideline "${after.document.id}" and ${oldPath} is "${before.document.id}": diff compares two versions of one guideline`,
        );
      }
      const changelog: Changelog = diffRules(before.document.rules, after.document.rules);
      if (opts.json) process.stdout.write(`${JSON.stringify(changelog, null, 2)}\n`);
      else process.stdout.write(`${formatChangelog(changelog)}\n`);
    });
}
