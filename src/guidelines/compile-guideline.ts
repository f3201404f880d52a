/**
 * compileGuideline: markdown in, a validated GuidelineDocument and positioned diagnostics out.
 * Pure: it reads only the text it is given. Errors (not UTF-8, empty, bad frontmatter, duplicate
 * pinned ids, no rules) make `ok` false and `document` null; warnings (an unreadable threshold,
 * double-encoded characters) leave the document usable.
 */
import { buildDocumentModel } from './model/build-document-model.js';
import { indexLines, type LineIndex } from './model/index-lines.js';
import type { DocumentModel } from './model/document-model.js';
import type { Root } from 'mdast';
import { RECOGNIZERS, type Candidate } from './recognizers/index.js';
import { resolveProposals, type Decision, type Resolved } from './resolve-proposals.js';
import { describeNoRules, explainDropped } from './explain-dropped.js';
import { overviewDefaultLevel, type DefaultLevel } from './read-default-level.js';
import { decodeSource } from './decode-source.js';
import { detectLevel } from './detect-level.js';
import { hashRule, sha256 } from './hash-rule.js';
import { assignRuleIds, slugify, statementSlug, type IdCandidate } from './make-rule-id.js';
import { nameMetric } from './name-metric.js';
import { parseMarkdown } from './parse-markdown.js';
import { findAggregate } from './parse-threshold.js';
import { readFrontmatter, type Frontmatter } from './read-frontmatter.js';
import { findMojibake, repairMojibake } from './repair-mojibake.js';
import type {
  Comparator,
  Diagnostic,
  GuidelineDocument,
  Level,
  Rule,
  Threshold,
} from './schema.js';

export interface CompileOptions {
  /** The document's path, used for the default id (file name without `.md`). */
  path?: string;
  /** Id to use when neither frontmatter nor path gives one. */
  defaultId?: string;
  /** The guideline id when the frontmatter gives none (wins over `path`): `steering diff --id`. */
  id?: string;
  /** Also return every candidate and its decision (`steering lint --explain`). */
  explain?: boolean;
}

export interface CompileResult {
  document: GuidelineDocument | null;
  diagnostics: Diagnostic[];
  /** No error diagnostics (warnings allowed). */
  ok: boolean;
  /** With `explain`: every candidate the recognizers saw and what became of it. */
  explanation?: Decision[];
}

const PINNED_ID = /^[a-z0-9][a-z0-9._-]*$/;

export function compileGuideline(
  source: string | Uint8Array,
  options: CompileOptions = {},
): CompileResult {
  const read = readSource(source);
  if ('error' in read) return { document: null, diagnostics: [read.error], ok: false };
  const { text, tree, frontmatter, lines, diagnostics } = read;

  const model = buildDocumentModel(tree, text, {
    lines,
    lowercaseKeywords: frontmatter.normative ?? declaresLowercaseKeywords(text),
    ...(frontmatter.level ? { defaultLevel: frontmatter.level } : {}),
  });
  const resolved = resolveProposals(RECOGNIZERS.map((r) => r.recognize(model)));
  diagnostics.push(...rejectionWarnings(resolved), ...explainDropped(model, resolved));

  const id = guidelineId(options, frontmatter, model);
  const title = frontmatter.title ?? model.title ?? id;
  diagnostics.push(...pinnedIdErrors(resolved.candidates));
  const documentLevel: DefaultLevel | undefined = model.defaultLevel
    ? { level: model.defaultLevel, source: 'document default (frontmatter level)' }
    : overviewDefaultLevel(model);
  const rules = buildRules(id, resolved.candidates, diagnostics, documentLevel);

  if (rules.length === 0 && !diagnostics.some((d) => d.severity === 'error')) {
    diagnostics.push({
      severity: 'error',
      code: 'no-rules',
      message: describeNoRules(model),
      line: model.titleLine ?? 1,
      column: 1,
    });
  }

  const ok = !diagnostics.some((d) => d.severity === 'error');
  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  const explanation = options.explain ? resolved.decisions : undefined;
  if (!ok) return { document: null, diagnostics, ok, ...(explanation ? { explanation } : {}) };
  const document: GuidelineDocument = {
    id,
    title: repairMojibake(title),
    owners: frontmatter.owners ?? [],
    ...(frontmatter.appliesTo ? { appliesTo: frontmatter.appliesTo } : {}),
    rules,
  };
  return { document, diagnostics, ok, ...(explanation ? { explanation } : {}) };
}

interface ReadSource {
  text: string;
  tree: Root;
  frontmatter: Frontmatter;
  lines: LineIndex;
  /** Frontmatter problems and double-encoded characters, in that order. */
  diagnostics: Diagnostic[];
}

/** Bytes to a parsed tree and its frontmatter; an undecodable or empty source is the one error. */
function readSource(source: string | Uint8Array): ReadSource | { error: Diagnostic } {
  const decoded = decodeSource(source);
  if (!decoded.ok) return { error: decoded.diagnostic };
  const text = decoded.text;
  if (text.trim() === '')
    return {
      error: {
        severity: 'error',
        code: 'empty',
        message: 'the document is empty; write a guideline in markdown',
        line: 1,
        column: 1,
      },
    };
  const tree = parseMarkdown(text);
  const yamlNode = tree.children[0]?.type === 'yaml' ? tree.children[0] : undefined;
  const { frontmatter, diagnostics } = yamlNode
    ? readFrontmatter(yamlNode.value, yamlNode.position?.start.line ?? 1)
    : { frontmatter: {}, diagnostics: [] };
  const lines = indexLines(text);
  for (const hit of findMojibake(text)) {
    diagnostics.push({
      severity: 'warning',
      code: 'double-encoded',
      message: `"${hit.found}" looks like "${hit.meant}" encoded twice (UTF-8 read as Latin-1); fix the source. Rule text uses "${hit.meant}"`,
      ...lines.at(hit.offset),
    });
  }
  return { text, tree, frontmatter, lines, diagnostics };
}

/** The recognizers' rejections that deserve a warning (the rest only show in `--explain`). */
function rejectionWarnings(resolved: Resolved): Diagnostic[] {
  return resolved.rejections
    .filter((r) => r.warn)
    .map((r) => ({
      severity: 'warning' as const,
      code: r.code ?? 'not-a-rule',
      message: r.why,
      line: r.line,
      column: r.column,
    }));
}

/** Frontmatter `id`, else `--id` or the file name, else the default, else the title. */
function guidelineId(
  options: CompileOptions,
  frontmatter: Frontmatter,
  model: DocumentModel,
): string {
  const fileStem = (options.id ?? options.path)
    ?.split(/[\\/]/)
    .pop()
    ?.replace(/\.(md|markdown)$/i, '');
  return (
    frontmatter.id ??
    (fileStem ? slugify(fileStem).replace(/^-+|-+$/g, '') : undefined) ??
    options.defaultId ??
    slugify(model.title ?? 'guideline')
  );
}

function pinnedIdErrors(candidates: readonly Candidate[]): Diagnostic[] {
  return candidates
    .filter((c) => c.pinnedId && !PINNED_ID.test(c.pinnedId.toLowerCase()))
    .map((c) => ({
      severity: 'error' as const,
      code: 'pinned-id-invalid',
      message: `pinned id "${c.pinnedId}" may only hold letters, digits, ".", "_" and "-"`,
      line: c.line,
      column: c.column,
    }));
}

/** Candidates to rules with ids and hashes; an id given twice is an error naming both places. */
function buildRules(
  id: string,
  candidates: readonly Candidate[],
  diagnostics: Diagnostic[],
  defaultLevel: DefaultLevel | undefined,
): Rule[] {
  const built = candidates
    .map((c) => buildRule(id, c, diagnostics, defaultLevel))
    .filter((r): r is NonNullable<typeof r> => r !== null);
  const { ids, duplicates } = assignRuleIds(
    built.map(({ rule, candidate }) => idCandidate(id, rule, candidate)),
    sha256,
  );
  for (const [a, b] of duplicates) {
    const first = built[a]!.candidate;
    const second = built[b]!.candidate;
    diagnostics.push({
      severity: 'error',
      code: 'duplicate-id',
      message: `id "${ids[b]}" is used twice, at line ${first.line}:${first.column} and line ${second.line}:${second.column}; ids the author gives must be unique`,
      line: second.line,
      column: second.column,
    });
  }
  return built.map(({ rule, candidate }, i) => ({
    id: ids[i]!,
    ...rule,
    ...(candidate.pinnedId || candidate.authorId ? { pinned: true } : {}),
    source: { line: candidate.line, column: candidate.column },
    hash: hashRule({ ...rule }),
  }));
}

type RuleMeaning = Omit<Rule, 'id' | 'source' | 'hash' | 'pinned'>;

function buildRule(
  guideline: string,
  c: Candidate,
  diagnostics: Diagnostic[],
  defaultLevel: DefaultLevel | undefined,
): { rule: RuleMeaning; candidate: Candidate } | null {
  const statement = repairMojibake(c.statement);
  const section = c.section.map(repairMojibake);
  let threshold: Threshold | undefined;
  if (c.kind === 'threshold' && c.threshold) {
    const t = labelComparator(c.threshold);
    const metric = nameMetric(t.subject, section, t.unit, t.qualifier);
    const comparator: Comparator | undefined =
      t.comparator ?? impliedComparator(metric, t.qualifier) ?? (t.band ? '<=' : undefined);
    const band = t.band ? bandEnds(t.band, comparator) : undefined;
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
      value: band?.value ?? t.value,
      ...(band ? { target: band.target } : {}),
      ...(t.unit ? { unit: t.unit } : {}),
      ...(t.duration ? { duration: t.duration } : {}),
      ...(t.qualifier ? { qualifier: t.qualifier } : {}),
      text: t.text,
      ...(t.fromCode ? { fromCode: true } : {}),
    };
  }
  let detected: { level: Level; source: string } = c.level ?? detectLevel(statement, c.kind);
  if (defaultLevel && detected.source === 'inferred: imperative') detected = defaultLevel;
  const rule: RuleMeaning = {
    guideline,
    section,
    statement,
    level: detected.level,
    levelSource: detected.source,
    kind: c.kind,
    ...(threshold ? { threshold } : {}),
    ...(c.examples ? { examples: c.examples } : {}),
    ...(c.reference ? { reference: c.reference } : {}),
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

/** A band's limit and target: a ceiling's limit is its high end, a floor's its low end. */
function bandEnds(
  band: { low: number; high: number },
  comparator: Comparator | undefined,
): { value: number; target: number } {
  return comparator === '>=' || comparator === '>'
    ? { value: band.low, target: band.high }
    : { value: band.high, target: band.low };
}

/** "Max request body: 10 MB", "Minimum replicas: 2": the label gives the comparator. */
function labelComparator(
  t: NonNullable<Candidate['threshold']>,
): NonNullable<Candidate['threshold']> {
  if (t.comparator) return t;
  const m = /^(max(?:imum)?|upper limit(?: of| on)?|limit(?: of| on)?|at most)\s+(.+)$/i.exec(
    t.subject,
  );
  if (m) return { ...t, comparator: '<=', subject: m[2]! };
  const n = /^(min(?:imum)?|lower limit(?: of| on)?|at least)\s+(.+)$/i.exec(t.subject);
  if (n) return { ...t, comparator: '>=', subject: n[2]! };
  return t;
}

function idCandidate(guideline: string, rule: RuleMeaning, c: Candidate): IdCandidate {
  const slugText = c.threshold ? rule.statement.replace(c.threshold.text, ' ') : rule.statement;
  return {
    guideline,
    section: c.section,
    subjectSlug: c.idSlug
      ? slugify(c.idSlug, 8)
      : c.kind === 'threshold'
        ? slugify(rule.threshold?.subject ?? c.subject ?? rule.statement, 6)
        : statementSlug(slugText),
    statement: rule.statement,
    slugText,
    ...(c.reference
      ? { fixedId: `${guideline}.${slugify(c.reference.caption, 8) || 'code'}.reference` }
      : {}),
    ...(c.pinnedId ? { pinnedId: c.pinnedId } : {}),
    ...(c.authorId ? { authorId: c.authorId } : {}),
  };
}

/** "This document is normative", "lower-case keywords are normative": prose keywords count. */
function declaresLowercaseKeywords(text: string): boolean {
  return /\b(?:this|these) (?:document|guidelines?|standard|policy|specification)s? (?:is|are) normative\b|\blower[- ]?case\b[^.\n]{0,60}\b(?:also )?(?:normative|apply|count)/i.test(
    text.slice(0, 20_000),
  );
}
