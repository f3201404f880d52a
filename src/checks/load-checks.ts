/**
 * Reads and validates `guidelines/<id>.checks.yaml`: zod for the shape, then every rule id must
 * exist in the guideline, check ids must be unique, and patterns and paths must compile. Every
 * problem comes back as a diagnostic at the YAML node's line and column.
 */
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { Diagnostic, Rule } from '../guidelines/index.js';
import {
  ChecksFileSchema,
  asList,
  type Check,
  type Condition,
  type LeafCheck,
} from './check-schema.js';
import { parsePath } from './resolve-path.js';
import { validateAstGrepRule } from './evaluate-ast-grep.js';

export interface LoadChecksResult {
  checks: Check[];
  guideline: string | undefined;
  diagnostics: Diagnostic[];
  ok: boolean;
}

export function loadChecks(
  yamlText: string,
  rules: readonly Rule[],
  _path = 'checks.yaml',
): LoadChecksResult {
  const lc = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lc, prettyErrors: false });
  const diagnostics: Diagnostic[] = [];
  const at = (offset: number) => {
    const p = lc.linePos(offset);
    return { line: p.line, column: p.col };
  };
  for (const e of doc.errors) {
    diagnostics.push({
      severity: 'error',
      code: 'CHECKS_YAML',
      message: e.message.split('\n')[0] as string,
      ...at(e.pos[0]),
    });
  }
  if (diagnostics.length) return { checks: [], guideline: undefined, diagnostics, ok: false };

  const report = (
    path: (string | number)[],
    code: string,
    message: string,
    severity: 'error' | 'warning' = 'error',
  ) => diagnostics.push({ severity, code, message, ...positionOf(doc, path, at) });

  const parsed = ChecksFileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      const where = path.length ? `${path.join('.')}: ` : '';
      report(path, 'CHECKS_SCHEMA', `${where}${issue.message}`);
    }
    return { checks: [], guideline: undefined, diagnostics, ok: false };
  }

  const ruleIds = new Set(rules.map((r) => r.id));
  const guidelines = new Set(rules.map((r) => r.guideline));
  const file = parsed.data;
  if (guidelines.size > 0 && !guidelines.has(file.guideline)) {
    report(
      ['guideline'],
      'CHECKS_GUIDELINE',
      `checks are for guideline "${file.guideline}", rules are from ${[...guidelines].join(', ')}`,
    );
  }
  const seen = new Set<string>();
  file.checks.forEach((check, i) => {
    if (seen.has(check.id))
      report(['checks', i, 'id'], 'CHECKS_DUPLICATE_ID', `duplicate check id "${check.id}"`);
    seen.add(check.id);
    if (!ruleIds.has(check.rule) && isReferenceId(check.rule, file.guideline)) {
      // Reference rules (the guideline's prescribed configurations) exist only in versions
      // compiled by a compiler that produces them; for older versions the check is left out.
      report(
        ['checks', i, 'rule'],
        'CHECKS_UNKNOWN_RULE',
        `reference rule "${check.rule}" is not in this version of guideline ${file.guideline}; the check is left out`,
        'warning',
      );
    } else if (!ruleIds.has(check.rule)) {
      report(
        ['checks', i, 'rule'],
        'CHECKS_UNKNOWN_RULE',
        `unknown rule id "${check.rule}" (not in guideline ${file.guideline})`,
      );
    }
    for (const [path, message] of validateCheck(check))
      report(['checks', i, ...path], 'CHECKS_INVALID', message);
  });
  return {
    checks: file.checks,
    guideline: file.guideline,
    diagnostics,
    ok: !diagnostics.some((d) => d.severity === 'error'),
  };
}

function isReferenceId(id: string, guideline: string): boolean {
  return id.startsWith(`${guideline}.`) && id.endsWith('.reference');
}

/** Regexes and path expressions that do not compile, as [yaml path, message]. */
function validateCheck(check: Check): [(string | number)[], string][] {
  const out: [(string | number)[], string][] = [];
  const regex = (path: (string | number)[], source: string | undefined, flags = '') => {
    if (source === undefined) return;
    try {
      new RegExp(source, flags);
    } catch (e) {
      out.push([path, (e as Error).message]);
    }
  };
  const condition = (path: (string | number)[], c: Condition | undefined) => {
    if (!c) return;
    if (c.contains) regex([...path, 'contains', 'pattern'], c.contains.pattern, c.contains.flags);
    condition([...path, 'not'], c.not);
    c.anyOf?.forEach((a, i) => condition([...path, 'anyOf', i], a));
  };
  const leaf = (path: (string | number)[], c: LeafCheck) => {
    condition([...path, 'appliesWhen'], c.appliesWhen);
    if ('onlyFilesContaining' in c) regex([...path, 'onlyFilesContaining'], c.onlyFilesContaining);
    if (c.type === 'ast-grep') {
      // The rule must compile for every language the check can read.
      const langs = c.language
        ? [c.language]
        : ['python', 'java', 'javascript', 'typescript', 'go'];
      for (const [field, rule] of [
        ['match', c.match],
        ['inspects', c.inspects],
      ] as const) {
        if (!rule) continue;
        const failures = langs.flatMap((l) => {
          try {
            validateAstGrepRule(rule, l);
            return [];
          } catch (e) {
            return [`${l}: ${(e as Error).message.split('\n')[0]}`];
          }
        });
        if (failures.length === langs.length) out.push([[...path, field], failures.join('; ')]);
      }
    }
    if (c.type === 'ci-runs') {
      const many = Array.isArray(c.pattern);
      asList(c.pattern).forEach((p, i) =>
        regex(many ? [...path, 'pattern', i] : [...path, 'pattern'], p, c.flags),
      );
    }
    if (c.type === 'file-not-contains') {
      regex([...path, 'inspects'], c.inspects, c.flags);
      regex([...path, 'unlessFileContains'], c.unlessFileContains);
    }
    if (c.type === 'file-contains' || c.type === 'file-not-contains') {
      const many = Array.isArray(c.pattern);
      asList(c.pattern).forEach((p, i) =>
        regex(many ? [...path, 'pattern', i] : [...path, 'pattern'], p, c.flags),
      );
      regex([...path, 'ignoreIf'], c.ignoreIf, c.flags);
    }
    if (c.type === 'json-yaml-path') {
      for (const p of Object.keys(c.where ?? {})) tryPath([...path, 'where'], p, out);
      c.assert.forEach((a, i) =>
        asList(a.path).forEach((p) => tryPath([...path, 'assert', i, 'path'], p, out)),
      );
    }
  };
  if (check.type === 'any-of') {
    condition(['appliesWhen'], check.appliesWhen);
    check.checks.forEach((c, i) => leaf(['checks', i], c));
  } else leaf([], check);
  return out;
}

function tryPath(path: (string | number)[], expr: string, out: [(string | number)[], string][]) {
  try {
    parsePath(expr);
  } catch (e) {
    out.push([path, (e as Error).message]);
  }
}

/** The line/column of the deepest node that exists along a path (the value, else its parent). */
function positionOf(
  doc: Document,
  path: (string | number)[],
  at: (o: number) => { line: number; column: number },
) {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return at(node.range[0]);
  }
  return { line: 1, column: 1 };
}
