/** Counts per status and the MUST failures that make a local scan exit 1. */
import type { Finding, FindingStatus } from './types.js';

export interface FindingsSummary {
  counts: Record<FindingStatus, number>;
  mustFailures: number;
}

export function summarizeFindings(findings: readonly Finding[]): FindingsSummary {
  const counts: Record<FindingStatus, number> = {
    pass: 0,
    fail: 0,
    'not-applicable': 0,
    unchecked: 0,
    exempt: 0,
    error: 0,
  };
  for (const f of findings) counts[f.status]++;
  return {
    counts,
    mustFailures: findings.filter((f) => f.status === 'fail' && f.level === 'MUST').length,
  };
}
