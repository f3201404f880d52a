/** Status ordering and small helpers shared by evaluators. */
import type { CheckStatus, Evidence } from './types.js';

/** Worst first: a rule is as bad as its worst applicable check. */
const SEVERITY: Record<CheckStatus, number> = {
  error: 4,
  fail: 3,
  unchecked: 2,
  pass: 1,
  'not-applicable': 0,
};

export function worst(statuses: readonly CheckStatus[]): CheckStatus {
  let w: CheckStatus = 'not-applicable';
  for (const s of statuses) if (SEVERITY[s] > SEVERITY[w]) w = s;
  return w;
}

export function best(statuses: readonly CheckStatus[]): CheckStatus {
  // For any-of: a pass wins; else the least bad of the applicable ones.
  const order: CheckStatus[] = ['pass', 'unchecked', 'fail', 'error', 'not-applicable'];
  for (const s of order) if (statuses.includes(s)) return s;
  return 'not-applicable';
}

export interface Outcome {
  status: CheckStatus;
  message: string;
  evidence: Evidence[];
  /** How it was decided (patterns, paths), shown by `--explain` only. */
  explain?: string;
}

export function globText(files: string | string[]): string {
  return Array.isArray(files) ? files.join(', ') : files;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
