/**
 * `steering lint` reads each guideline's sibling `<name>.checks.yaml` too: the checks are validated
 * against their schema (the zod schemas behind schema/checks.schema.json: unknown check types or
 * fields are errors), every rule id against the compiled guideline, and patterns and paths must
 * compile. Each problem is printed as `file:line:column: severity code: message`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadChecks } from '../checks/index.js';
import { formatDiagnostic } from '../guidelines/index.js';
import type { LoadedGuideline } from './load-guidelines.js';

export function lintChecksFiles(
  loaded: readonly LoadedGuideline[],
  write: (s: string) => void,
): { files: number; errors: number; warnings: number } {
  let files = 0;
  let errors = 0;
  let warnings = 0;
  for (const g of loaded) {
    const doc = g.document;
    if (!doc) continue;
    const names = [basename(g.path).replace(/\.(md|markdown)$/i, ''), doc.id];
    const name = names.find((n) => existsSync(join(dirname(g.file), `${n}.checks.yaml`)));
    if (name === undefined) continue;
    // Read beside the document; shown as the document's path is.
    const checksPath = join(dirname(g.path), `${name}.checks.yaml`);
    files++;
    const source = readFileSync(join(dirname(g.file), `${name}.checks.yaml`), 'utf8');
    const r = loadChecks(source, doc.rules, checksPath);
    for (const d of r.diagnostics) {
      if (d.severity === 'error') errors++;
      else warnings++;
      write(`${formatDiagnostic(checksPath, d)}\n`);
    }
  }
  return { files, errors, warnings };
}
