/** Small builders for check tests: rules without a markdown document, checks from YAML text. */
import type { Rule } from '../../src/guidelines/index.js';
import { loadChecks, type Check } from '../../src/checks/index.js';

export function makeRule(id: string, over: Partial<Rule> = {}): Rule {
  return {
    id,
    guideline: 'demo',
    section: ['Demo'],
    statement: `statement of ${id}`,
    level: 'MUST',
    levelSource: 'MUST',
    kind: 'practice',
    source: { line: 1, column: 1 },
    hash: '0'.repeat(64),
    ...over,
  };
}

/** Checks from a YAML list body (indented under `checks:`); throws on diagnostics. */
export function checksFrom(yaml: string, rules: readonly Rule[]): Check[] {
  const loaded = loadChecks(`guideline: demo\nchecks:\n${yaml}`, rules, 'demo.checks.yaml');
  if (!loaded.ok)
    throw new Error(loaded.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'));
  return loaded.checks;
}
