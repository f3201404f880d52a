/**
 * `report-threshold`: compares a measured figure from a performance report with the rule's
 * threshold (or the check's own). Without a matching report the rule stays `unchecked`: a
 * threshold nobody measured is neither met nor missed.
 */
import type { LeafCheck } from './check-schema.js';
import type { EvalContext } from './context.js';
import type { Report } from './types.js';
import type { Outcome } from './check-outcome.js';
import { compareNumbers, toBase } from '../guidelines/index.js';

type ReportThreshold = Extract<LeafCheck, { type: 'report-threshold' }>;

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
  const ok = compareNumbers(value, comparator, limit);
  const measured = `${report.aggregate ? `${report.aggregate} ` : ''}${report.metric} = ${report.value}${report.unit ?? ''}`;
  return {
    status: ok ? 'pass' : 'fail',
    message: `${measured} (${ok ? 'meets' : 'misses'} ${wanted})`,
    evidence: report.source ? [{ path: report.source, line: 1, column: 1, snippet: measured }] : [],
  };
}

/** The report's value in the threshold's unit (time and size units convert; others must match). */
function convert(r: Report, unit: string | undefined): number | undefined {
  if (!unit || !r.unit || r.unit === unit) return r.value;
  const from = toBase(r.value, r.unit);
  const one = toBase(1, unit);
  return from.dimension === one.dimension &&
    (from.dimension === 'time' || from.dimension === 'size')
    ? from.value / one.value
    : undefined;
}
