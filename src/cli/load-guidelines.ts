/**
 * Reads guideline documents from a file or a directory (its `*.md`, README.md excepted) and compiles
 * them. A path that does not exist or holds no documents is a usage error naming the path.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compileGuideline, formatDiagnostic, type CompileResult } from '../guidelines/index.js';
import { SteeringError } from '../errors.js';

export interface LoadedGuideline extends CompileResult {
  path: string;
  source: Uint8Array;
}

export function listGuidelineFiles(target: string): string[] {
  let stat;
  try {
    stat = statSync(target);
  } catch {
    throw new SteeringError('USAGE', `${target}: no such file or directory`);
  }
  if (stat.isFile()) return [target];
  const files = readdirSync(target)
    .filter((name) => /\.(md|markdown)$/i.test(name) && !/^readme\./i.test(name))
    .sort()
    .map((name) => join(target, name));
  if (files.length === 0)
    throw new SteeringError('USAGE', `${target}: no guideline documents (*.md) in this directory`);
  return files;
}

/**
 * `id`: the guideline id to use instead of the file name (frontmatter still wins). `explain`: keep
 * every candidate's decision (`lint --explain`).
 */
export function loadGuidelines(
  target: string,
  options: { id?: string; explain?: boolean } = {},
): LoadedGuideline[] {
  return listGuidelineFiles(target).map((path) => {
    const source = readFileSync(path);
    return {
      path,
      source,
      ...compileGuideline(source, {
        path,
        ...(options.id ? { id: options.id } : {}),
        ...(options.explain ? { explain: true } : {}),
      }),
    };
  });
}

/** Writes each diagnostic as one `path:line:col: severity code: message` line to stderr. */
export function reportDiagnostics(
  loaded: readonly LoadedGuideline[],
  write = (s: string) => process.stderr.write(s),
): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const g of loaded) {
    for (const d of g.diagnostics) {
      if (d.severity === 'error') errors++;
      else warnings++;
      write(`${formatDiagnostic(g.path, d)}\n`);
    }
  }
  return { errors, warnings };
}
