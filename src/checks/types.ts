/**
 * What the evaluator takes and returns. A `Snapshot` is the repository as the I/O shell loaded it
 * (every path, and the text of the files a check needs); a `Finding` is one rule's outcome.
 */
import type { Level } from '../guidelines/index.js';

export interface Snapshot {
  /** Every file path in the repository, relative, POSIX separators, no leading `./`. */
  readonly paths: readonly string[];
  /** The file's text, or undefined when it was not loaded (too large, binary, not required). */
  read(path: string): string | undefined;
}

export type CheckStatus = 'pass' | 'fail' | 'not-applicable' | 'unchecked' | 'error';
export type FindingStatus = CheckStatus | 'exempt';

export interface Evidence {
  path: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** The line, trimmed and cut to 200 characters. */
  snippet: string;
  /** Why this place matters, when the snippet alone does not say. */
  note?: string;
}

export interface CheckResult {
  checkId: string;
  type: string;
  /** What the check expects, in words (the checks file's `description`). */
  description: string;
  status: CheckStatus;
  /** One sentence: what was found, or what was looked for and not found. */
  message: string;
  evidence: Evidence[];
  /** The service unit evaluated (`.` for the repository root). */
  unit?: string;
  /** What to add or change, when the checks file says. */
  remedy?: string;
  /** Patterns and paths behind the result, for `--explain`. */
  explain?: string;
}

/** A rule's status in one service unit. */
export interface UnitStatus {
  unit: string;
  status: CheckStatus;
}

export interface Finding {
  ruleId: string;
  guideline: string;
  level: Level;
  status: FindingStatus;
  /** For `exempt`: what the checks said underneath the waiver. */
  outcome: CheckStatus;
  message: string;
  /** Evidence of the checks that decided the status (for a fail: the failing checks). */
  evidence: Evidence[];
  checks: CheckResult[];
  /** Per service unit, when the checks apply per unit. */
  units?: UnitStatus[];
  /** Where the finding is shown when it has no evidence (the nearest build file). */
  location?: Evidence;
  waiver?: Waiver;
}

export interface Waiver {
  ruleId: string;
  reason: string;
  /** ISO date-time; an expired waiver is ignored. */
  expiresAt?: string;
}

/** A measured figure from a performance report (load test, APM export). */
export interface Report {
  metric: string;
  value: number;
  aggregate?: string;
  unit?: string;
  /** The rule it was measured for, when the reporter knows it. */
  ruleId?: string;
  /** The threshold subject it measures, e.g. "Health checks". */
  subject?: string;
  /** Where the figure came from (report URL or file), shown as evidence. */
  source?: string;
}

export interface EvaluateOptions {
  waivers?: readonly Waiver[];
  reports?: readonly Report[];
  /** For waiver expiry. Default: now. */
  now?: Date;
}
