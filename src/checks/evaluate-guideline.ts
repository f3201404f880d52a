/**
 * One finding per rule of a guideline version: the worst status of the rule's applicable checks,
 * `unchecked` when no check names the rule, `exempt` when an unexpired waiver covers it. Pure: the
 * snapshot, waivers and reports are passed in.
 */
import type { Rule } from '../guidelines/index.js';
import type { Check } from './check-schema.js';
import type { CheckResult, EvaluateOptions, Finding, Snapshot, Waiver } from './types.js';
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
  return rules.map((rule) => {
    const ctx = root.forRule(rule);
    const results = (byRule.get(rule.id) ?? []).map((c) => evaluateCheck(c, ctx));
    const { status, message, evidence } = summarize(results);
    const waiver = activeWaiver(options.waivers ?? [], rule.id, now);
    const base = {
      ruleId: rule.id,
      guideline: rule.guideline,
      level: rule.level,
      outcome: status,
      evidence,
      checks: results,
    };
    if (waiver)
      return {
        ...base,
        status: 'exempt',
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
      message: deciding.map((r) => `${r.checkId}: ${r.message}`).join('; '),
      evidence: [],
    };
  }
  // A failure leads with what was expected in words, so a service owner need not read patterns.
  const say = (r: CheckResult) =>
    status === 'fail' || status === 'error'
      ? `${r.checkId}: expected: ${r.description.replace(/\.$/, '')} — ${r.message}`
      : `${r.checkId}: ${r.message}`;
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
