/**
 * One finding per rule of a guideline version. Checks run once per service unit (see
 * find-units.ts); a unit's status is the worst of its applicable checks and the rule's status the
 * worst over units, so one passing service never hides a failing one, and each message names its
 * unit when the repository has several. `unchecked` when no check names the rule, `exempt` when
 * an unexpired waiver covers it. Pure: the snapshot, waivers and reports are passed in.
 */
import type { Rule } from '../guidelines/index.js';
import type { Check } from './check-schema.js';
import type { CheckResult, EvaluateOptions, Finding, Snapshot, Waiver } from './types.js';
import type { RepoLayout } from './find-units.js';
import { EvalContext } from './context.js';
import { evaluateCheck } from './evaluate-check.js';
import { worst } from './check-outcome.js';

export function evaluateGuideline(
  rules: readonly Rule[],
  checks: readonly Check[],
  snapshot: Snapshot,
  options: EvaluateOptions = {},
): Finding[] {
  const now = options.now ?? new Date();
  const root = new EvalContext(snapshot, options.reports ?? []);
  const byRule = new Map<string, Check[]>();
  for (const c of checks) byRule.set(c.rule, [...(byRule.get(c.rule) ?? []), c]);
  const units = root.layout.units;
  const unitContexts = units.map((u) => root.forUnit(u));
  const many = units.length > 1;
  return rules.map((rule) => {
    const ruleChecks = byRule.get(rule.id) ?? [];
    const perUnit = unitContexts.map((uctx) => {
      const ctx = uctx.forRule(rule);
      const results = ruleChecks.map((c) => evaluateCheck(c, ctx));
      return { unit: uctx.unit?.path ?? '.', anchor: uctx.anchor, results, ...summarize(results) };
    });
    const status = worst(perUnit.map((u) => u.status));
    const deciding = perUnit.filter((u) => u.status === status);
    const message = deciding
      .map((u) => (many && status !== 'unchecked' ? `${u.unit}: ${u.message}` : u.message))
      .filter((m, i, a) => a.indexOf(m) === i)
      .join(' · ');
    const evidence = deciding.flatMap((u) => u.evidence);
    const results = perUnit.flatMap((u) => u.results);
    const anchor = deciding.find((u) => u.anchor)?.anchor ?? snapshot.paths[0];
    const waiver = activeWaiver(options.waivers ?? [], rule.id, now);
    const base: Omit<Finding, 'status' | 'message'> = {
      ruleId: rule.id,
      guideline: rule.guideline,
      level: rule.level,
      outcome: status,
      evidence,
      checks: results,
      ...(ruleChecks.length > 0
        ? { units: perUnit.map((u) => ({ unit: u.unit, status: u.status })) }
        : {}),
      ...(anchor ? { location: { path: anchor, line: 1, column: 1, snippet: '' } } : {}),
    };
    if (waiver)
      return {
        ...base,
        status: 'exempt' as const,
        message: `waived: ${waiver.reason} (checks: ${status})`,
        waiver,
      };
    return { ...base, status, message };
  });
}

function summarize(
  results: readonly CheckResult[],
): Pick<Finding, 'message' | 'evidence'> & { status: CheckResult['status'] } {
  if (results.length === 0)
    return {
      status: 'unchecked',
      message: 'no automated check exists for this rule',
      evidence: [],
    };
  const status = worst(results.map((r) => r.status));
  const deciding = results.filter((r) => r.status === status);
  if (status === 'not-applicable') {
    return {
      status,
      message: deciding
        .map((r) => r.message)
        .filter((m, i, a) => a.indexOf(m) === i)
        .join('; '),
      evidence: [],
    };
  }
  // A failure leads with what was expected in words, so a service owner need not read patterns.
  const say = (r: CheckResult) =>
    status === 'fail' || status === 'error'
      ? `expected: ${r.description.replace(/\.$/, '')} — ${r.message}${r.remedy ? `. ${r.remedy}` : ''}`
      : `${r.description.replace(/\.$/, '')}: ${r.message}`;
  return {
    status,
    message: deciding.map(say).join('; '),
    evidence: deciding.flatMap((r) => r.evidence),
  };
}

function activeWaiver(waivers: readonly Waiver[], ruleId: string, now: Date): Waiver | undefined {
  return waivers.find(
    (w) => w.ruleId === ruleId && (!w.expiresAt || Date.parse(w.expiresAt) > now.getTime()),
  );
}

/**
 * Every check in every service unit, whether or not its rule exists in a given version: what
 * `npm run scan-accuracy` and the check tests compare with hand-checked truth.
 */
export function evaluateChecks(
  checks: readonly Check[],
  snapshot: Snapshot,
  options: Pick<EvaluateOptions, 'reports'> = {},
): { layout: RepoLayout; results: CheckResult[] } {
  const root = new EvalContext(snapshot, options.reports ?? []);
  const results = root.layout.units.flatMap((u) => {
    const ctx = root.forUnit(u);
    return checks.map((c) => evaluateCheck(c, ctx));
  });
  return { layout: root.layout, results };
}
