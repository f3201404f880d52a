/**
 * Target tables: subject rows with target columns (`| Endpoint | Target (p95) |`, `| p50 | p95 | p99 |`,
 * `| Quantity | Threshold scope=namespace | Threshold: scope=cluster |`, `| SLI | SLO |`). One
 * threshold per limit in a cell; the header gives the aggregate, the comparator (Maximum, Minimum,
 * Limit, Threshold) and a qualifier ("scope=cluster"). The subject column is picked by its header
 * (SLI, Quantity, Metric, Endpoint…) or as the first column that is not a status or level, and a
 * long subject cell is cut to its noun phrase. A bare count under a limit header takes the counted
 * noun as its unit ("#Pods" → pods). A row whose first cell is an imperative, or whose cell holds
 * an RFC 2119 keyword in capitals, is a practice. Tables with no such cells give nothing.
 */
import { startsImperative } from '../classify-statement.js';
import { explicitLevel } from '../detect-level.js';
import { findProseThresholds } from '../find-prose-threshold.js';
import type { DocumentModel, TableBlock, TableRowModel } from '../model/document-model.js';
import { normalizeUnit } from '../normalize-unit.js';
import { findAggregate, parseThreshold, type ParsedThreshold } from '../parse-threshold.js';
import type { Comparator } from '../schema.js';
import { splitSentences } from './keyword-sentences.js';
import type { Proposal, Recognized, Recognizer } from './types.js';

const SUBJECT_HEADER =
  /^(sli|quantity|metric|subject|name|endpoint|operation|resource|item|measure|indicator|kpi|service|api|what)\b/;
const NOT_SUBJECT = /^(status|level|priority|id|#|no\.?|state|owner)$/;
const LIMIT_HEADER = /target|threshold|limit|budget|max|min|goal|sla|slo|value|requirement/;
const KEYWORD = /\b(MUST|SHALL|SHOULD|REQUIRED|MAY)\b/;

export const targetTables: Recognizer = {
  name: 'target-tables',
  recognize(model: DocumentModel): Recognized {
    const out: Recognized = { proposals: [], rejections: [] };
    for (const b of model.blocks) {
      if (b.type !== 'table' || b.skipped) continue;
      const layout = tableLayout(b.headers);
      b.rows.forEach((row, ri) => out.proposals.push(...readRow(b, layout, row, ri)));
    }
    return out;
  },
};

/** Which column holds what, read from the headers. */
interface TableLayout {
  /** The headers in lower case. */
  headers: string[];
  subjectCol: number;
  /** The first limit column, -1 when none. */
  valueCol: number;
  levelCol: number;
  aggCol: number;
  /** Several target columns (`| p50 | p95 | p99 |`, one threshold column per scope): all read. */
  multi: number[] | undefined;
}

function tableLayout(original: string[]): TableLayout {
  const headers = original.map((h) => h.toLowerCase());
  let subjectCol = headers.findIndex((h) => SUBJECT_HEADER.test(h));
  if (subjectCol < 0)
    subjectCol = Math.max(
      0,
      headers.findIndex((h) => !NOT_SUBJECT.test(h)),
    );
  const limitCols = headers.flatMap((h, i) =>
    i !== subjectCol && LIMIT_HEADER.test(h) ? [i] : [],
  );
  // `| p50 | p95 | p99 |`: every aggregate column is a target column.
  const aggColumns = headers.flatMap((h, i) =>
    i > 0 && /^\W*(p\d{2}(\.\d+)?|\d{2}(st|nd|rd|th) percentile|median|average|mean)\W*$/.test(h)
      ? [i]
      : [],
  );
  const multi =
    aggColumns.length > 1
      ? aggColumns
      : limitCols.length > 1 && limitCols.every((i) => /threshold|limit|max/.test(headers[i]!))
        ? limitCols
        : undefined;
  return {
    headers,
    subjectCol,
    valueCol: limitCols[0] ?? -1,
    levelCol: headers.findIndex((h) => /level|priority|requirement|must|keyword/.test(h)),
    aggCol: headers.findIndex((h) => /percentile|aggregate|statistic/.test(h)),
    multi,
  };
}

/** One row: a threshold per limit in its target cells, else a practice, else nothing. */
function readRow(b: TableBlock, layout: TableLayout, row: TableRowModel, ri: number): Proposal[] {
  const { subjectCol, levelCol } = layout;
  // 150'000 → 150000; a footnote number glued to a unit ("30s5 otherwise") is dropped.
  const cells = row.cells.map((c) =>
    c.replace(/(\d)'(?=\d{3})/g, '$1').replace(/(\d(?:ms|s|min|h|%))\d{1,2}(?=\s|$)/g, '$1'),
  );
  const rawSubject = cells[subjectCol] ?? '';
  if (!rawSubject) return [];
  // The id is built from the row's own words: a noun borrowed from other rows must not move it.
  const own = nounPhrase(rawSubject);
  const subject = withCountedNoun(own, b, subjectCol);
  const levelText = levelCol >= 0 ? cells[levelCol] : undefined;
  const explicit = levelText ? explicitLevel(levelText.toUpperCase()) : undefined;
  const base: RowBase = {
    section: b.section,
    line: row.line,
    column: row.column,
    recognizer: 'target-tables',
    priority: 10,
    ...(row.pinnedId ? { pinnedId: row.pinnedId } : {}),
    ...(explicit ? { level: { level: explicit.level, source: explicit.source } } : {}),
  };
  const thresholds = rowThresholds(b, layout, cells, { subject, own }, `b${b.index}:r${ri}`, base);
  if (thresholds.length > 0) return thresholds;
  const practice = rowPractice(cells);
  return practice
    ? [
        {
          kind: 'practice',
          statement: practice.statement,
          key: `b${b.index}:r${ri}`,
          evidence: practice.evidence,
          ...base,
        },
      ]
    : [];
}

type RowBase = Omit<Proposal, 'kind' | 'statement' | 'key' | 'evidence'>;

/** The thresholds of a row's target cells: the first cell that holds any, or every target column. */
function rowThresholds(
  b: TableBlock,
  layout: TableLayout,
  cells: string[],
  { subject, own }: { subject: string; own: string },
  rowKey: string,
  base: RowBase,
): Proposal[] {
  const { headers, subjectCol, valueCol, levelCol, aggCol, multi } = layout;
  const order =
    multi ?? (valueCol >= 0 ? [valueCol] : cells.map((_, i) => i).filter((i) => i !== subjectCol));
  const proposals: Proposal[] = [];
  for (const i of order) {
    const cell = cells[i];
    if (!cell || i === levelCol || i === subjectCol) continue;
    const header = headers[i] ?? '';
    const found = readCell(
      cell,
      aggCol >= 0 && i !== aggCol ? cells[aggCol] : undefined,
      header,
      subject,
    );
    found.forEach((t, ti) => {
      const aggregateFromSection = [...b.section].reverse().map(findAggregate).find(Boolean);
      const qualifier = t.qualifier ?? headerQualifier(b.headers[i] ?? '');
      proposals.push({
        kind: 'threshold',
        statement: `${subject}: ${cell}`,
        subject,
        threshold: {
          ...t,
          ...(qualifier ? { qualifier } : {}),
          subject,
          text: t.text,
          ...(aggregateFromSection ? { aggregateFromSection } : {}),
        },
        key: `${rowKey}${multi ? `:c${i}` : ''}${found.length > 1 ? `:t${ti}` : ''}`,
        evidence: `table cell under "${b.headers[i] ?? ''}"`,
        ...base,
        ...(multi || found.length > 1
          ? {
              idSlug: `${own} ${multi ? (headerQualifier(b.headers[i] ?? '') ?? header) : (t.qualifier ?? header)}`,
            }
          : own !== subject
            ? { idSlug: own }
            : {}),
      });
    });
    if (found.length > 0 && !multi) break;
  }
  return proposals;
}

/** A row with no limit is a practice when it opens with an imperative or holds a keyword. */
function rowPractice(cells: string[]): { statement: string; evidence: string } | undefined {
  const first = cells[0] ?? '';
  if (first.split(/\s+/).length >= 2 && (startsImperative(first) || explicitLevel(first)))
    return { statement: first, evidence: 'a table row opening with an imperative' };
  const keywordCell = cells.find((c) => KEYWORD.test(c));
  if (!keywordCell) return undefined;
  return {
    statement: splitSentences(keywordCell).find((s) => KEYWORD.test(s)) ?? keywordCell,
    evidence: 'a table cell with a keyword in capitals',
  };
}

/**
 * "Total size" in a table whose other rows say what they count ("Number of objects", "Size per
 * object"): the bare measure borrows that noun, "Total size of objects".
 */
function withCountedNoun(subject: string, b: TableBlock, subjectCol: number): string {
  if (!/^(?:total|overall|combined|aggregate)\s+[a-z]+$/i.test(subject)) return subject;
  for (const row of b.rows) {
    const noun = /\b(?:of|per)\s+([a-z][\w-]*?)s?\b/i.exec(row.cells[subjectCol] ?? '')?.[1];
    if (noun) return `${subject} of ${noun.toLowerCase()}s`;
  }
  return subject;
}

type CellThreshold = ParsedThreshold & { text: string };

function readCell(
  cell: string,
  agg: string | undefined,
  header: string,
  subject: string,
): CellThreshold[] {
  const parsed = parseThreshold(agg ? `${agg} ${cell}` : cell);
  if (parsed && (parsed.comparator || parsed.unit)) {
    // Floors (availability, throughput) take theirs from the metric, not from a "Threshold" header.
    const floor = /\b(availability|uptime|throughput|success|hit ratio|coverage)\b/i.test(subject);
    const comparator = parsed.comparator ?? (floor ? undefined : headerComparator(header));
    const aggregate = parsed.aggregate ?? findAggregate(header);
    return [
      {
        ...parsed,
        ...(comparator ? { comparator } : {}),
        ...(aggregate ? { aggregate } : {}),
        text: cell,
      },
    ];
  }
  // "min(110, 10*#cores)" under a limit header: the fixed bound, with the formula as qualifier.
  const formula = /^min\(\s*(\d+(?:\.\d+)?)\s*,\s*([^)]+)\)$/i.exec(cell.trim());
  if (formula && /threshold|limit|max/.test(header)) {
    const unit = countUnit(subject);
    return [
      {
        comparator: '<=',
        value: Number(formula[1]),
        ...(unit ? { unit } : {}),
        qualifier: cell.trim(),
        text: cell,
      },
    ];
  }
  // A bare count under a limit header: "#Pods | 3000".
  if (parsed && /^\d[\d.,]*$/.test(cell.trim()) && /threshold|limit|max/.test(header)) {
    const unit = countUnit(subject);
    return [{ ...parsed, comparator: '<=', ...(unit ? { unit } : {}), text: cell }];
  }
  // Prose in the cell: "99th percentile per cluster-day: (a) <= 1s if scope=resource (b) <= 30s otherwise".
  return findProseThresholds(cell).map((t) => ({
    ...t.parsed,
    ...(t.parsed.aggregate ? {} : findAggregate(cell) ? { aggregate: findAggregate(cell)! } : {}),
    text: t.text,
  }));
}

/** "Latency of processing mutating API calls for single objects for every (…) pair, measured as…" → "mutating API calls for single objects". */
function nounPhrase(cell: string): string {
  // Footnote numbers glued to words ("processing1 mutating2") go first.
  let s = cell
    .replace(/^#\s*/, '')
    .replace(/([a-z])\d{1,2}\b/g, '$1')
    .replace(/([a-z])([A-Z])/g, '$1 $2');
  if (s.split(/\s+/).length <= 6) return s;
  s = s.split(/,|\s(?:for every|measured|excluding|including|where|when)\b|\(/)[0]!.trim();
  s = s.replace(
    /^(?:latency|duration|number|size|rate|percentage|count|time) of (?:processing |the )?/i,
    '',
  );
  return s || cell;
}

function countUnit(subject: string): string | undefined {
  const words = subject.replace(/^#/, '').replace(/([a-z])([A-Z])/g, '$1 $2');
  const m =
    /^(?:number of\s+)?#?\s*(?:all\s+)?([A-Za-z][\w-]*(?:\s+(?!per\b|of\b)[A-Za-z][\w-]*)?)/i.exec(
      words,
    );
  if (!m) return undefined;
  const noun = m[1]!.toLowerCase();
  return normalizeUnit(noun) ?? noun;
}

function headerQualifier(header: string): string | undefined {
  const m = /\b([a-z][\w-]*\s*=\s*[\w -]+)$/i.exec(header.trim());
  return m ? m[1]!.replace(/\s*=\s*/, '=').trim() : undefined;
}

function headerComparator(header: string): Comparator | undefined {
  if (/\b(max(imum)?|limit|ceiling|at most|upper|threshold)\b/.test(header)) return '<=';
  if (/\b(min(imum)?|floor|at least|lower)\b/.test(header)) return '>=';
  return undefined;
}
