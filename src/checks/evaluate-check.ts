/** One check → one result: applies-when first, then the type's evaluator; a throw is `error`. */
import type { Check, LeafCheck } from './check-schema.js';
import type { EvalContext } from './context.js';
import type { CheckResult } from './types.js';
import { evaluateCondition } from './evaluate-condition.js';
import { evaluateContains, evaluateFileExists } from './evaluate-file-checks.js';
import { evaluateJsonYamlPath } from './evaluate-json-yaml-path.js';
import { evaluateReportThreshold } from './evaluate-report-threshold.js';
import { best, type Outcome } from './check-outcome.js';

export function evaluateCheck(check: Check, ctx: EvalContext): CheckResult {
  const outcome = guarded(check, ctx);
  return { checkId: check.id, type: check.type, description: check.description, ...outcome };
}

function guarded(check: Check | LeafCheck, ctx: EvalContext): Outcome {
  try {
    if (check.appliesWhen) {
      const c = evaluateCondition(check.appliesWhen, ctx);
      if (!c.holds) return { status: 'not-applicable', message: c.reason, evidence: [] };
    }
    if (check.type === 'any-of') return evaluateAnyOf(check.checks, ctx);
    return evaluateLeaf(check, ctx);
  } catch (err) {
    return {
      status: 'error',
      message: `check failed to run: ${(err as Error).message}`,
      evidence: [],
    };
  }
}

function evaluateLeaf(check: LeafCheck, ctx: EvalContext): Outcome {
  switch (check.type) {
    case 'file-exists':
      return evaluateFileExists(check, ctx);
    case 'file-contains':
    case 'file-not-contains':
      return evaluateContains(check, ctx);
    case 'json-yaml-path':
      return evaluateJsonYamlPath(check, ctx);
    case 'report-threshold':
      return evaluateReportThreshold(check, ctx);
  }
}

function evaluateAnyOf(checks: readonly LeafCheck[], ctx: EvalContext): Outcome {
  const outcomes = checks.map((c) => guarded(c, ctx));
  const status = best(outcomes.map((o) => o.status));
  const chosen = outcomes.filter((o) => o.status === status);
  if (status === 'pass')
    return {
      status,
      message: chosen[0]?.message ?? '',
      evidence: chosen.flatMap((o) => o.evidence).slice(0, 10),
    };
  return {
    status,
    message: `none of ${outcomes.length} alternatives passed: ${outcomes.map((o) => o.message).join('; ')}`,
    evidence: outcomes.flatMap((o) => o.evidence).slice(0, 20),
  };
}
