/**
 * `report-threshold`: compares a measured figure from a performance report with the rule's
 * threshold (or the check's own). Without a matching report the rule stays `unchecked`: a
 * threshold nobody measured is neither met nor missed.
 */
import type { LeafCheck } from './check-schema.js';
import type { EvalContext } from './context.js';
import type { Report } from './types.js';
import type { Outcome } from './check-outcome.js';

type ReportThreshold = Extract<LeafCheck, { type: 'report-threshold' }>;

const TIME_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

export function evaluateReportThreshold(check: ReportThreshold, ctx: EvalContext): Outcome {
  const t = ctx.rule?.threshold;
  const metric = check.metric ?? t?.metric;
  const aggregate = check.aggregate ?? t?.aggregate;
  const comparator = check.comparator ?? t?.comparator;
  const limit = check.value ?? t?.value;
  const unit = check.unit ?? t?.unit;
  if (!metric || !comparator || limit === undefined) {
    return {
      status: 'error',
      message:
        'report-threshold needs a metric, comparator and value (from the check or the rule threshold)',
      evidence: [],
    };
  }
  const ruleId = ctx.rule?.id;
  const candidates = ctx.reports.filter((r) => r.ruleId === ruleId);
  const report =
    candidates[0] ??
    ctx.reports.find(
      (r) =>
        r.ruleId === undefined &&
        r.metric === metric &&
        (aggregate === undefined || r.aggregate === undefined || r.aggregate === aggregate) &&
        (r.subject === undefined ||
          t?.subject === undefined ||
          r.subject.toLowerCase() === t.subject.toLowerCase()),
    );
  const wanted = `${aggregate ? `${aggregate} ` : ''}${metric} ${comparator} ${limit}${unit ?? ''}`;
  if (!report)
    return { status: 'unchecked', message: `no report measures ${wanted}`, evidence: [] };
  const value = convert(report, unit);
  if (value === undefined) {
    return {
      status: 'error',
      message: `report unit ${report.unit} cannot be compared with ${unit}`,
      evidence: [],
    };
  }
  const ok = compare(value, comparator, limit);
  const measured = `${report.aggregate ? `${report.aggregate} ` : ''}${report.metric} = ${report.value}${report.unit ?? ''}`;
  return {
    status: ok ? 'pass' : 'fail',
    message: `${measured} (${ok ? 'meets' : 'misses'} ${wanted})`,
    evidence: report.source ? [{ path: report.source, line: 1, column: 1, snippet: measured }] : [],
  };
}

function convert(r: Report, unit: string | undefined): number | undefined {
  if (!unit || !r.unit || r.unit === unit) return r.value;
  const from = TIME_MS[r.unit];
  const to = TIME_MS[unit];
  return from && to ? (r.value * from) / to : undefined;
}

function compare(x: number, c: string, y: number): boolean {
  switch (c) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
    default:
      return x === y;
  }
}
