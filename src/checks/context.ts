/**
 * Per-evaluation state shared by the check evaluators: the snapshot, the detected stack (computed
 * once), and caches of blanked and parsed file texts so twenty checks over the same files cost one
 * parse each.
 */
import type { Rule } from '../guidelines/index.js';
import type { Report, Snapshot } from './types.js';
import { detectStack, type Stack } from './detect-stack.js';
import { blankComments } from './find-matches.js';
import { parseStructured, type ParsedFile } from './parse-structured.js';
import { isIgnoredPath, isTestPath } from './classify-path.js';
import { globMatcher } from './match-glob.js';
import { asList } from './check-schema.js';

export interface FileSelector {
  files: string | string[];
  exclude?: string | string[] | undefined;
  includeTests?: boolean | undefined;
  onlyFilesContaining?: string | undefined;
}

export class EvalContext {
  private stackCache: Stack | undefined;
  private readonly blanked = new Map<string, string>();
  private readonly parsed = new Map<string, ParsedFile>();
  private readonly production: string[];
  private pathSet: Set<string> | undefined;

  constructor(
    readonly snapshot: Snapshot,
    readonly reports: readonly Report[],
    readonly rule?: Rule,
  ) {
    this.production = snapshot.paths.filter((p) => !isIgnoredPath(p));
  }

  forRule(rule: Rule): EvalContext {
    const ctx = new EvalContext(this.snapshot, this.reports, rule);
    ctx.stackCache = this.stack;
    return ctx;
  }

  get stack(): Stack {
    this.stackCache ??= detectStack(this.snapshot);
    return this.stackCache;
  }

  /** Paths a selector picks: glob-matched, not excluded, not tests (unless asked), not vendored. */
  select(sel: FileSelector): string[] {
    const match = globMatcher(asList(sel.files));
    const excluded = globMatcher(asList(sel.exclude));
    const filter = sel.onlyFilesContaining ? new RegExp(sel.onlyFilesContaining) : undefined;
    return this.production.filter((p) => {
      if (!match(p) || excluded(p)) return false;
      if (!sel.includeTests && isTestPath(p)) return false;
      if (filter) {
        const text = this.snapshot.read(p);
        return text !== undefined && filter.test(text);
      }
      return true;
    });
  }

  has(path: string): boolean {
    this.pathSet ??= new Set(this.snapshot.paths);
    return this.pathSet.has(path);
  }

  read(path: string): string | undefined {
    return this.snapshot.read(path);
  }

  /** The text with comments blanked (positions kept). */
  readCode(path: string): string | undefined {
    let t = this.blanked.get(path);
    if (t !== undefined) return t;
    const raw = this.snapshot.read(path);
    if (raw === undefined) return undefined;
    t = blankComments(path, raw);
    this.blanked.set(path, t);
    return t;
  }

  parse(path: string, text: string, key = path): ParsedFile {
    let p = this.parsed.get(key);
    if (!p) {
      p = parseStructured(path, text);
      this.parsed.set(key, p);
    }
    return p;
  }
}
