/** One check → one result: applies-when first, then the type's evaluator; a throw is `error`. */
import type { Check, LeafCheck } from './check-schema.js';
import type { EvalContext } from './context.js';
import type { CheckResult } from './types.js';
import { evaluateCondition } from './evaluate-condition.js';
import { evaluateContains, evaluateFileExists } from './evaluate-file-checks.js';
import { evaluateJsonYamlPath } from './evaluate-json-yaml-path.js';
import { evaluateReportThreshold } from './evaluate-report-threshold.js';
import { evaluateCiRuns } from './evaluate-ci-runs.js';
import { evaluateAstGrep } from './evaluate-ast-grep.js';
import { best, type Outcome } from './check-outcome.js';

export function evaluateCheck(check: Check, ctx: EvalContext): CheckResult {
  const outcome = guarded(check, ctx);
  const result: CheckResult = {
    checkId: check.id,
    type: check.type,
    description: check.description,
    ...outcome,
  };
  if (ctx.unit) result.unit = ctx.unit.path;
  if (check.remedy) result.remedy = check.remedy;
  // Something missing is shown at the unit's nearest build file, so every failure has a place.
  const anchor = ctx.anchor;
  if (result.status === 'fail' && result.evidence.length === 0 && anchor) {
    result.evidence = [
      {
        path: anchor,
        line: 1,
        column: 1,
        snippet: firstLine(ctx.read(anchor)),
        note: `nothing found in ${ctx.unit?.path === '.' ? 'the repository' : ctx.unit?.path}; ${check.remedy ?? `add: ${check.description.replace(/\.$/, '')}`}`,
      },
    ];
  }
  return result;
}

function firstLine(text: string | undefined): string {
  const l = (text ?? '').split('\n').find((x) => x.trim() !== '') ?? '';
  return l.trim().slice(0, 200);
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
    case 'ci-runs':
      return evaluateCiRuns(check, ctx);
    case 'ast-grep':
      return evaluateAstGrep(check, ctx);
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
      explain: explainAll(outcomes),
    };
  return {
    status,
    message: `none of ${outcomes.length} alternatives holds: ${outcomes.map((o) => o.message).join('; ')}`,
    evidence: outcomes.flatMap((o) => o.evidence).slice(0, 20),
    explain: explainAll(outcomes),
  };
}

function explainAll(outcomes: readonly Outcome[]): string {
  return outcomes.map((o, i) => `(${i + 1}) ${o.explain ?? o.message}`).join('; ');
}
