/**
 * compileGuideline: markdown in, a validated GuidelineDocument and positioned diagnostics out.
 * Pure: it reads only the text it is given. Errors (not UTF-8, empty, bad frontmatter, duplicate
 * pinned ids, no rules) make `ok` false and `document` null; warnings (an unreadable threshold,
 * double-encoded characters) leave the document usable.
 */
import type { Yaml } from 'mdast';
import { collectCandidates, type Candidate } from './collect-candidates.js';
import { decodeSource } from './decode-source.js';
import { detectLevel } from './detect-level.js';
import { hashRule, sha256 } from './hash-rule.js';
import { assignRuleIds, slugify, statementSlug } from './make-rule-id.js';
import { nameMetric } from './name-metric.js';
import { parseMarkdown } from './parse-markdown.js';
import { findAggregate } from './parse-threshold.js';
import { readFrontmatter } from './read-frontmatter.js';
import { findMojibake, repairMojibake } from './repair-mojibake.js';
import type { Comparator, Diagnostic, GuidelineDocument, Rule, Threshold } from './schema.js';

export interface CompileOptions {
  /** The document's path, used for the default id (file name without `.md`). */
  path?: string;
  /** Id to use when neither frontmatter nor path gives one. */
  defaultId?: string;
}

export interface CompileResult {
  document: GuidelineDocument | null;
  diagnostics: Diagnostic[];
  /** No error diagnostics (warnings allowed). */
  ok: boolean;
}

const PINNED_ID = /^[a-z0-9][a-z0-9._-]*$/;

export function compileGuideline(
  source: string | Uint8Array,
  options: CompileOptions = {},
): CompileResult {
  const diagnostics: Diagnostic[] = [];
  const fail = (d: Diagnostic): CompileResult => ({
    document: null,
    diagnostics: [...diagnostics, d],
    ok: false,
  });

  const decoded = decodeSource(source);
  if (!decoded.ok) return fail(decoded.diagnostic);
  const text = decoded.text;
  if (text.trim() === '')
    return fail({
      severity: 'error',
      code: 'empty',
      message: 'the document is empty; write a guideline in markdown',
      line: 1,
      column: 1,
    });

  const tree = parseMarkdown(text);
  const yamlNode = tree.children[0]?.type === 'yaml' ? (tree.children[0] as Yaml) : undefined;
  const { frontmatter, diagnostics: fmDiagnostics } = yamlNode
    ? readFrontmatter(yamlNode.value, yamlNode.position?.start.line ?? 1)
    : { frontmatter: {}, diagnostics: [] };
  diagnostics.push(...fmDiagnostics);

  for (const hit of findMojibake(text)) {
    const before = text.slice(0, hit.offset);
    diagnostics.push({
      severity: 'warning',
      code: 'double-encoded',
      message: `"${hit.found}" looks like "${hit.meant}" encoded twice (UTF-8 read as Latin-1); fix the source. Rule text uses "${hit.meant}"`,
      line: before.split('\n').length,
      column: hit.offset - before.lastIndexOf('\n'),
    });
  }

  const collected = collectCandidates(tree, text);
  diagnostics.push(...collected.diagnostics);

  const fileStem = options.path
    ?.split(/[\\/]/)
    .pop()
    ?.replace(/\.(md|markdown)$/i, '');
  const id =
    frontmatter.id ??
    (fileStem ? slugify(fileStem).replace(/^-+|-+$/g, '') : undefined) ??
    options.defaultId ??
    slugify(collected.title ?? 'guideline');
  const title = frontmatter.title ?? collected.title ?? id;

  const candidates = collected.candidates;
  for (const c of candidates) {
    if (c.pinnedId && !PINNED_ID.test(c.pinnedId.toLowerCase())) {
      diagnostics.push({
        severity: 'error',
        code: 'pinned-id-invalid',
        message: `pinned id "${c.pinnedId}" may only hold letters, digits, ".", "_" and "-"`,
        line: c.line,
        column: c.column,
      });
    }
  }

  const rulesNoId = candidates
    .map((c) => buildRule(id, c, diagnostics))
    .filter((r): r is NonNullable<typeof r> => r !== null);
  const kept = candidates.filter((_, i) => rulesNoId[i] !== undefined);
  const ids = assignRuleIds(
    rulesNoId.map(({ rule, candidate }) => ({
      guideline: id,
      section: candidate.section,
      subjectSlug:
        candidate.kind === 'threshold'
          ? slugify(candidate.subject ?? rule.statement, 6)
          : statementSlug(rule.statement),
      statement: rule.statement,
      ...(candidate.pinnedId ? { pinnedId: candidate.pinnedId } : {}),
    })),
    sha256,
  );
  void kept;

  const seenPinned = new Map<string, Candidate>();
  const rules: Rule[] = rulesNoId.map(({ rule, candidate }, i) => {
    if (candidate.pinnedId) {
      const first = seenPinned.get(ids[i]!);
      if (first) {
        diagnostics.push({
          severity: 'error',
          code: 'duplicate-id',
          message: `pinned id "${ids[i]}" is already used at line ${first.line}; pinned ids must be unique`,
          line: candidate.line,
          column: candidate.column,
        });
      } else seenPinned.set(ids[i]!, candidate);
    }
    return {
      id: ids[i]!,
      ...rule,
      ...(candidate.pinnedId ? { pinned: true } : {}),
      source: { line: candidate.line, column: candidate.column },
      hash: hashRule({ ...rule }),
    } as Rule;
  });

  if (rules.length === 0 && !diagnostics.some((d) => d.severity === 'error')) {
    diagnostics.push({
      severity: 'error',
      code: 'no-rules',
      message:
        'no rules found: write thresholds as "- Subject: < 200ms", practices as imperative bullets ("- Use connection pooling"), or RFC 2119 sentences',
      line: collected.titleLine ?? 1,
      column: 1,
    });
  }

  const ok = !diagnostics.some((d) => d.severity === 'error');
  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  if (!ok) return { document: null, diagnostics, ok };
  const document: GuidelineDocument = {
    id,
    title: repairMojibake(title),
    owners: frontmatter.owners ?? [],
    ...(frontmatter.appliesTo ? { appliesTo: frontmatter.appliesTo } : {}),
    rules,
  };
  return { document, diagnostics, ok };
}

type RuleMeaning = Omit<Rule, 'id' | 'source' | 'hash' | 'pinned'>;

function buildRule(
  guideline: string,
  c: Candidate,
  diagnostics: Diagnostic[],
): { rule: RuleMeaning; candidate: Candidate } | null {
  const statement = repairMojibake(c.statement);
  const section = c.section.map(repairMojibake);
  let threshold: Threshold | undefined;
  if (c.kind === 'threshold' && c.threshold) {
    const t = c.threshold;
    const metric = nameMetric(t.subject, section, t.unit, t.qualifier);
    const comparator: Comparator | undefined =
      t.comparator ?? impliedComparator(metric, t.qualifier);
    if (!comparator) {
      diagnostics.push({
        severity: 'warning',
        code: 'threshold-no-comparator',
        message: `"${statement}" gives a value but no comparator; write "< ${t.value}${t.unit ?? ''}" or "> ${t.value}${t.unit ?? ''}" (not compiled into a rule)`,
        line: c.line,
        column: c.column,
      });
      return null;
    }
    const aggregate = t.aggregate ?? findAggregate(t.qualifier ?? '') ?? t.aggregateFromSection;
    threshold = {
      subject: repairMojibake(t.subject),
      ...(metric ? { metric } : {}),
      ...(aggregate ? { aggregate } : {}),
      comparator,
      value: t.value,
      ...(t.unit ? { unit: t.unit } : {}),
      ...(t.duration ? { duration: t.duration } : {}),
      ...(t.qualifier ? { qualifier: t.qualifier } : {}),
      text: t.text,
    };
  }
  const detected = c.level ?? detectLevel(statement, c.kind);
  const rule: RuleMeaning = {
    guideline,
    section,
    statement,
    level: detected.level,
    levelSource: detected.source,
    kind: c.kind,
    ...(threshold ? { threshold } : {}),
    ...(c.examples ? { examples: c.examples } : {}),
  };
  return { rule, candidate: c };
}

/** Availability and throughput are floors; nothing else gets a comparator it did not write. */
function impliedComparator(
  metric: string | undefined,
  qualifier: string | undefined,
): Comparator | undefined {
  if (
    metric === 'availability' ||
    metric === 'throughput' ||
    /\b(uptime|availability)\b/i.test(qualifier ?? '')
  )
    return '>=';
  return undefined;
}
