/** `applies-when` conditions, decided against the detected stack and the snapshot. */
import type { Condition } from './check-schema.js';
import { asList } from './check-schema.js';
import type { EvalContext } from './context.js';
import { globMatcher } from './match-glob.js';
import { neutralizeHelm } from './neutralize-helm.js';
import { workloadNamesUnit } from './evaluate-json-yaml-path.js';

export interface ConditionOutcome {
  holds: boolean;
  /** Why it does not hold, in words ("needs framework fastapi; detected: spring-boot"). */
  reason: string;
}

const LANGUAGE_ALIASES: Record<string, string> = {
  javascript: 'node',
  js: 'node',
  ts: 'typescript',
  kotlin: 'java',
};

export function evaluateCondition(cond: Condition, ctx: EvalContext): ConditionOutcome {
  const stack = ctx.stack;
  const list = (s: Set<string>) => (s.size ? [...s].sort().join(', ') : 'none');
  if (cond.language) {
    const want = asList(cond.language).map(
      (l) => LANGUAGE_ALIASES[l.toLowerCase()] ?? l.toLowerCase(),
    );
    if (!want.some((l) => stack.languages.has(l))) {
      return {
        holds: false,
        reason: `applies to ${want.join(' or ')}; languages detected: ${list(stack.languages)}`,
      };
    }
  }
  if (cond.framework) {
    const want = asList(cond.framework).map((f) => f.toLowerCase());
    if (!want.some((f) => stack.frameworks.has(f))) {
      return {
        holds: false,
        reason: `applies to ${want.join(' or ')}; frameworks detected: ${list(stack.frameworks)}`,
      };
    }
  }
  if (cond.dependency) {
    const want = asList(cond.dependency).map((d) => d.toLowerCase());
    if (!want.some((d) => stack.dependencies.has(d))) {
      return {
        holds: false,
        reason: `applies when a build file declares ${want.join(' or ')}; ${ctx.stack.buildFiles.length ? `${ctx.stack.buildFiles.join(', ')} do${ctx.stack.buildFiles.length === 1 ? 'es' : ''} not` : 'none does'}`,
      };
    }
  }
  if (cond.fileExists) {
    const globs = asList(cond.fileExists);
    const m = globMatcher(globs);
    if (!ctx.productionPaths().some((p) => m(p))) {
      return { holds: false, reason: `applies when a file matches ${globs.join(', ')}; none does` };
    }
  }
  if (cond.contains) {
    const re = new RegExp(cond.contains.pattern, cond.contains.flags ?? '');
    if (!ctx.anyContains(cond.contains.files, re)) {
      return {
        holds: false,
        reason: `applies when ${asList(cond.contains.files).join(', ')} use ${cond.contains.describe ?? `/${cond.contains.pattern}/`}; none does`,
      };
    }
  }
  if (cond.deployedToKubernetes !== undefined) {
    const deployed = isDeployedToKubernetes(ctx);
    if (deployed !== cond.deployedToKubernetes)
      return {
        holds: false,
        reason: deployed
          ? 'applies when the service is not deployed to Kubernetes'
          : 'no Kubernetes workload (Deployment, StatefulSet, Helm chart) deploys this service',
      };
  }
  if (cond.not) {
    const inner = evaluateCondition(cond.not, ctx);
    if (inner.holds)
      return { holds: false, reason: `does not apply: ${describeCondition(cond.not)} holds` };
  }
  if (cond.anyOf) {
    const outcomes = cond.anyOf.map((c) => evaluateCondition(c, ctx));
    if (!outcomes.some((o) => o.holds))
      return { holds: false, reason: outcomes.map((o) => o.reason).join('; ') };
  }
  return { holds: true, reason: '' };
}

const WORKLOAD = /^\s*kind:\s*(?:Deployment|StatefulSet|HorizontalPodAutoscaler|Rollout)\b/m;

/** A workload manifest of the unit, or a shared one naming it; a Helm chart of the unit. */
function isDeployedToKubernetes(ctx: EvalContext): boolean {
  for (const p of ctx.productionPaths()) {
    if (/(^|\/)Chart\.yaml$/.test(p) && (ctx.owns(p) || ctx.layout.units.length <= 1)) return true;
    if (!/\.(ya?ml|json)$/.test(p)) continue;
    const raw = ctx.read(p);
    if (raw === undefined || !WORKLOAD.test(raw)) continue;
    if (ctx.owns(p) || ctx.layout.units.length <= 1) return true;
    const text = raw.includes('{{') ? neutralizeHelm(raw, undefined) : raw;
    for (const tree of ctx.parse(p, text, `${p}\u0000helm`).documents)
      if (workloadNamesUnit(tree, ctx)) return true;
  }
  return false;
}

export function describeCondition(cond: Condition): string {
  const parts: string[] = [];
  if (cond.language) parts.push(`language ${asList(cond.language).join('|')}`);
  if (cond.framework) parts.push(`framework ${asList(cond.framework).join('|')}`);
  if (cond.dependency) parts.push(`dependency ${asList(cond.dependency).join('|')}`);
  if (cond.fileExists) parts.push(`file ${asList(cond.fileExists).join('|')}`);
  if (cond.deployedToKubernetes !== undefined)
    parts.push(cond.deployedToKubernetes ? 'deployed to Kubernetes' : 'not deployed to Kubernetes');
  if (cond.contains)
    parts.push(`${asList(cond.contains.files).join('|')} containing /${cond.contains.pattern}/`);
  if (cond.not) parts.push(`not (${describeCondition(cond.not)})`);
  if (cond.anyOf) parts.push(`any of (${cond.anyOf.map(describeCondition).join('; ')})`);
  return parts.join(' and ');
}
