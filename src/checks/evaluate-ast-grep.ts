/**
 * `ast-grep`: structural matching of code where text matching lies (a call without a timeout
 * argument, a client built without timeouts, `SELECT *` only inside SQL strings). `match` is an
 * ast-grep rule object (`pattern`, `kind`, `regex`, `has`, `not`, `inside`, `all`, `any`…)
 * evaluated with @ast-grep/napi over Python, Java, JavaScript/TypeScript and Go (grammar from the
 * file extension unless `language` is given). `expect: absent` fails at every match (and, like
 * file-not-contains, is not applicable when its `inspects` rule finds nothing); `expect: present`
 * passes at the first match.
 */
import { createRequire } from 'node:module';
import { Lang, parse, registerDynamicLanguage, type SgNode } from '@ast-grep/napi';
import type { LeafCheck } from './check-schema.js';
import type { EvalContext } from './context.js';
import type { Evidence } from './types.js';
import { globText, plural, type Outcome } from './check-outcome.js';

type AstGrep = Extract<LeafCheck, { type: 'ast-grep' }>;

let registered = false;
function register(): void {
  if (registered) return;
  const require = createRequire(import.meta.url);
  registerDynamicLanguage({
    python: require('@ast-grep/lang-python'),
    go: require('@ast-grep/lang-go'),
    java: require('@ast-grep/lang-java'),
  });
  registered = true;
}

const BY_EXTENSION: Record<string, string> = {
  py: 'python',
  go: 'go',
  java: 'java',
  js: Lang.JavaScript,
  mjs: Lang.JavaScript,
  cjs: Lang.JavaScript,
  jsx: Lang.JavaScript,
  ts: Lang.TypeScript,
  mts: Lang.TypeScript,
  cts: Lang.TypeScript,
  tsx: Lang.Tsx,
};
const NAMED: Record<string, string> = {
  python: 'python',
  go: 'go',
  java: 'java',
  javascript: Lang.JavaScript,
  typescript: Lang.TypeScript,
  tsx: Lang.Tsx,
};

export function languageOf(path: string, named?: string): string | undefined {
  if (named) return NAMED[named];
  return BY_EXTENSION[path.slice(path.lastIndexOf('.') + 1).toLowerCase()];
}

/** Matches of an ast-grep rule in one file's text, as evidence (1-based lines and columns). */
export function astGrepMatches(
  path: string,
  text: string,
  rule: Record<string, unknown>,
  language?: string,
): Evidence[] {
  register();
  const lang = languageOf(path, language);
  if (!lang) return [];
  const lines = text.split('\n');
  const root = parse(lang as Lang, text).root();
  return root.findAll({ rule }).map((n: SgNode) => {
    const start = n.range().start;
    const line = lines[start.line] ?? '';
    return {
      path,
      line: start.line + 1,
      column: start.column + 1,
      snippet: line.trim().slice(0, 200),
    };
  });
}

/** Throws when the rule does not compile for the language (used by loadChecks). */
export function validateAstGrepRule(rule: Record<string, unknown>, language: string): void {
  register();
  const lang = languageOf('', language);
  if (!lang) throw new Error(`unknown language "${language}"`);
  parse(lang as Lang, '')
    .root()
    .findAll({ rule });
}

export function evaluateAstGrep(check: AstGrep, ctx: EvalContext): Outcome {
  const files = ctx.select(check);
  const explain = `ast-grep rule ${JSON.stringify(check.match)} in ${globText(check.files)}`;
  const where = `${plural(files.length, 'file')} (${globText(check.files)})`;
  const hits: Evidence[] = [];
  const inspected: Evidence[] = [];
  for (const path of files) {
    const text = ctx.read(path);
    if (text === undefined || !languageOf(path, check.language)) continue;
    hits.push(...astGrepMatches(path, text, check.match, check.language));
    if (check.inspects)
      inspected.push(...astGrepMatches(path, text, check.inspects, check.language));
  }
  if (check.expect === 'present') {
    if (hits.length > 0)
      return {
        status: 'pass',
        message: `found in ${plural(new Set(hits.map((h) => h.path)).size, 'file')}`,
        evidence: hits.slice(0, 10),
        explain,
      };
    return { status: 'fail', message: `not found in ${where}`, evidence: [], explain };
  }
  if (hits.length > 0)
    return {
      status: 'fail',
      message: `${plural(hits.length, 'place')} to fix in ${where}`,
      evidence: hits.slice(0, 50),
      explain,
    };
  const what = check.inspectsWhat ?? 'code';
  const looked = check.inspects
    ? inspected
    : files.map((path) => ({ path, line: 1, column: 1, snippet: '' }));
  if (looked.length === 0)
    return {
      status: 'not-applicable',
      message: `nothing to inspect: no ${what} in ${where}`,
      evidence: [],
      explain,
    };
  return {
    status: 'pass',
    message: `${plural(looked.length, 'place')} inspected (${what}), none to fix`,
    evidence: looked.slice(0, 5),
    explain,
  };
}
