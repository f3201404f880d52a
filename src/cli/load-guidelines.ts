/**
 * Reads guideline documents from a file or a directory (its `*.md`, README.md excepted) and compiles
 * them. A path that does not exist or holds no documents is a usage error naming the path.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compileGuideline, formatDiagnostic, type CompileResult } from '../guidelines/index.js';
import { SteeringError } from '../errors.js';

export interface LoadedGuideline extends CompileResult {
  /** As named on the command line (what messages show). */
  path: string;
  /** Absolute: `path` resolved against the run's working directory (what is read). */
  file: string;
  source: Uint8Array;
}

/** The documents a path names, spelled as it was (relative paths are relative to `cwd`). */
export function listGuidelineFiles(target: string, cwd = '.'): string[] {
  let stat;
  try {
    stat = statSync(resolve(cwd, target));
  } catch {
    throw new SteeringError('USAGE', `${target}: no such file or directory`);
  }
  if (stat.isFile()) return [target];
  const files = readdirSync(resolve(cwd, target))
    .filter((name) => /\.(md|markdown)$/i.test(name) && !/^readme\./i.test(name))
    .sort()
    .map((name) => join(target, name));
  if (files.length === 0)
    throw new SteeringError('USAGE', `${target}: no guideline documents (*.md) in this directory`);
  return files;
}

/**
 * `id`: the guideline id to use instead of the file name (frontmatter still wins). `explain`: keep
 * every candidate's decision (`lint --explain`). `cwd`: what relative paths are relative to.
 */
export function loadGuidelines(
  target: string,
  options: { id?: string; explain?: boolean; cwd?: string } = {},
): LoadedGuideline[] {
  return listGuidelineFiles(target, options.cwd).map((path) => {
    const file = resolve(options.cwd ?? '.', path);
    const source = readFileSync(file);
    return {
      path,
      file,
      source,
      ...compileGuideline(source, {
        path,
        ...(options.id ? { id: options.id } : {}),
        ...(options.explain ? { explain: true } : {}),
      }),
    };
  });
}

/** Writes each diagnostic as one `path:line:col: severity code: message` line. */
export function reportDiagnostics(
  loaded: readonly LoadedGuideline[],
  write: (s: string) => unknown,
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
