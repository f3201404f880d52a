/**
 * A waiver names one rule id or a pattern where `*` matches any characters
 * (`performance.health-checks.*`). SQL matches it with LIKE, so the pattern is stored both ways.
 */
const RULE_PATTERN = /^[a-z0-9*][a-z0-9._*-]{0,299}$/;

export function isRulePattern(text: string): boolean {
  return RULE_PATTERN.test(text);
}

/** The LIKE form: `*` → `%`, and the LIKE metacharacters `_` `%` `\` escaped. */
export function toLikePattern(pattern: string): string {
  return pattern
    .replace(/\\/g, '\\\\')
    .replace(/%/g, '\\%')
    .replace(/_/g, '\\_')
    .replace(/\*/g, '%');
}

const compiled = new Map<string, RegExp>();

/** Whether `ruleId` matches the pattern (compiled once per pattern: waivers are few and reused). */
export function matchesRulePattern(pattern: string, ruleId: string): boolean {
  let re = compiled.get(pattern);
  if (!re) {
    re = new RegExp(
      `^${pattern
        .split('*')
        .map((p) => p.replace(/[.+?^${}()|[\]\\-]/g, '\\$&'))
        .join('.*')}$`,
    );
    if (compiled.size >= 1000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re.test(ruleId);
}
