/**
 * Findings as a SARIF 2.1.0 log (one run, tool "steering"): every rule of every guideline is a
 * reportingDescriptor; every finding a result whose `kind` is its status (pass, fail,
 * notApplicable, open for unchecked, review for error) and whose locations are its evidence.
 * Waived failures carry an external suppression with the waiver's reason.
 */
import type { Level, Rule } from '../guidelines/index.js';
import type { Evidence, Finding } from './types.js';

export interface SarifInput {
  toolVersion: string;
  /** file:// URI of the scanned checkout, ending in `/`; evidence paths are relative to it. */
  srcRoot?: string;
  guidelines: {
    id: string;
    version?: string;
    rules: readonly Rule[];
    findings: readonly Finding[];
  }[];
}

const LEVEL: Record<Level, 'error' | 'warning' | 'note'> = {
  MUST: 'error',
  SHOULD: 'warning',
  MAY: 'note',
};

const KIND: Record<Finding['outcome'], string> = {
  pass: 'pass',
  fail: 'fail',
  'not-applicable': 'notApplicable',
  unchecked: 'open',
  error: 'review',
};

function locationsOf(f: Finding): Evidence[] {
  const evidence = f.evidence.filter((e) => e.line >= 1).slice(0, 20);
  if (evidence.length > 0) return evidence;
  return f.location ? [f.location] : [];
}

export function toSarif(input: SarifInput): Record<string, unknown> {
  const rules = input.guidelines.flatMap((g) => g.rules);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = input.guidelines.flatMap((g) =>
    g.findings.map((f) => {
      const failing = f.outcome === 'fail';
      const result: Record<string, unknown> = {
        ruleId: f.ruleId,
        ruleIndex: index.get(f.ruleId),
        kind: KIND[f.outcome],
        level: failing ? LEVEL[f.level] : 'none',
        message: { text: f.message || f.status },
        // GitHub code scanning rejects a result without a location: with no evidence, the
        // finding's own location (the nearest build file) is a file-level one.
        locations: locationsOf(f).map((e) => ({
          physicalLocation: {
            artifactLocation: { uri: encodeURI(e.path), uriBaseId: '%SRCROOT%' },
            region: {
              startLine: e.line,
              startColumn: Math.max(1, e.column),
              ...(e.snippet ? { snippet: { text: e.snippet } } : {}),
            },
          },
          ...(e.note ? { message: { text: e.note } } : {}),
        })),
        properties: {
          status: f.status,
          guideline: f.guideline,
          checks: f.checks.map((c) => ({ id: c.checkId, status: c.status })),
        },
      };
      if (f.status === 'exempt' && f.waiver) {
        result.suppressions = [
          { kind: 'external', status: 'accepted', justification: f.waiver.reason },
        ];
      }
      return result;
    }),
  );
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'steering',
            version: input.toolVersion,
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id,
              shortDescription: { text: r.statement },
              fullDescription: { text: `${r.section.join(' › ')}: ${r.statement}` },
              defaultConfiguration: { level: LEVEL[r.level] },
              properties: { level: r.level, kind: r.kind, guideline: r.guideline },
            })),
          },
        },
        ...(input.srcRoot ? { originalUriBaseIds: { '%SRCROOT%': { uri: input.srcRoot } } } : {}),
        invocations: [{ executionSuccessful: true }],
        results,
      },
    ],
  };
}
