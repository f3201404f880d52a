/**
 * A measured rule's status: the newest figure compared with the threshold (`pass` / `fail`),
 * `stale` when that figure is older than the allowed age, and the message and evidence the
 * compliance API, the check run and the rollout PR body show ("health checks p95 measured 46 ms;
 * the rule requires < 50 ms").
 *
 * Rules with a duration and a `>` comparator ("alert when > 90% for 5 minutes") are alert
 * conditions: the figure is the highest level the metric held for that long, and the rule passes
 * when the condition never held.
 */
import type { Rule } from '../guidelines/index.js';
import { compareNumbers, toBase } from '../guidelines/index.js';
import type { Measurement } from './measurement.js';

export type MeasuredStatus = 'pass' | 'fail' | 'stale';

export interface MeasuredDecision {
  ruleId: string;
  status: MeasuredStatus;
  message: string;
  evidence: { path: string; line: number; snippet: string; note: string }[];
  measurement: Measurement;
}

export const DEFAULT_STALE_AFTER_DAYS = 14;

/** True for "> X for N minutes" rules: an alert condition that must not have held. */
export function isAlertCondition(rule: Rule): boolean {
  const t = rule.threshold;
  return !!t?.duration && (t.comparator === '>' || t.comparator === '>=');
}

export function decideMeasuredRule(
  rule: Rule,
  m: Measurement,
  options: { now: Date; staleAfterDays?: number },
): MeasuredDecision {
  const t = rule.threshold!;
  const value = convert(m.value, m.unit, t.unit);
  const limit = `${t.comparator} ${t.value}${fmtUnit(t.unit)}`;
  const measured = `${fmt(value)}${fmtUnit(t.unit ?? m.unit)}`;
  const alert = isAlertCondition(rule);
  const holds = compareNumbers(value, t.comparator, t.value);
  const met = alert ? !holds : holds;
  const ageDays = (options.now.getTime() - Date.parse(m.measuredAt)) / 86_400_000;
  const stale = ageDays > (options.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS);
  // "Health checks" → "health checks", but "API availability" stays
  const subject = /^[A-Z][a-z]/.test(t.subject)
    ? t.subject.charAt(0).toLowerCase() + t.subject.slice(1)
    : t.subject;
  const aggregate = t.aggregate ? `${t.aggregate} ` : '';
  const requirement = alert
    ? `the rule alerts at ${limit}${t.duration ? ` ${t.duration.text}` : ''}`
    : `the rule requires ${limit}`;
  const when = m.measuredAt.slice(0, 10);
  const message = stale
    ? `${subject} ${aggregate}measured ${measured} on ${when}, older than ${options.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS} days: measure again (${requirement})`
    : `${subject} ${aggregate}measured ${measured}; ${requirement}${met ? '' : ' (missed)'}`;
  return {
    ruleId: rule.id,
    status: stale ? 'stale' : met ? 'pass' : 'fail',
    message,
    evidence: [
      {
        path: m.source === 'prometheus' ? `prometheus:${m.origin}` : m.origin,
        line: 1,
        snippet: `${m.what} = ${measured}`.slice(0, 200),
        note: `${m.source === 'prometheus' ? 'PromQL' : 'load test'} over ${m.window}, measured ${m.measuredAt}${m.context ? `, ${m.context}` : ''}`,
      },
    ],
    measurement: m,
  };
}

function convert(value: number, from: string, to: string | undefined): number {
  if (!to || from === to) return value;
  const a = toBase(value, from);
  const b = toBase(1, to);
  return a.dimension === b.dimension ? a.value / b.value : value;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3)));
}

function fmtUnit(u: string | undefined): string {
  if (!u) return '';
  return u === '%' ? '%' : ` ${u}`;
}
