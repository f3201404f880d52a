/**
 * Target tables: subject rows with target columns (`| Endpoint | Target (p95) |`, `| p50 | p95 | p99 |`,
 * `| Maximum |`). One threshold per cell that holds one; the header gives the aggregate and, for
 * Maximum/Minimum/Limit columns, the comparator. A row whose first cell is an imperative is a practice.
 * Tables that hold no threshold-like cells (method × header matrices, tool lists) give nothing.
 */
import { startsImperative } from '../classify-statement.js';
import { explicitLevel } from '../detect-level.js';
import type { DocumentModel } from '../model/document-model.js';
import { findAggregate, parseThreshold } from '../parse-threshold.js';
import type { Comparator } from '../schema.js';
import type { Recognized, Recognizer } from './types.js';

export const targetTables: Recognizer = {
  name: 'target-tables',
  recognize(model: DocumentModel): Recognized {
    const out: Recognized = { proposals: [], rejections: [] };
    for (const b of model.blocks) {
      if (b.type !== 'table' || b.skipped) continue;
      const headers = b.headers.map((h) => h.toLowerCase());
      const valueCol = headers.findIndex(
        (h, i) =>
          i > 0 && /target|threshold|limit|budget|max|min|goal|sla|slo|value|requirement/.test(h),
      );
      const levelCol = headers.findIndex((h) => /level|priority|requirement|must|keyword/.test(h));
      const aggCol = headers.findIndex((h) => /percentile|aggregate|statistic/.test(h));
      // `| p50 | p95 | p99 |`: every aggregate column is a target column.
      const aggColumns = headers.flatMap((h, i) =>
        i > 0 &&
        /^\W*(p\d{2}(\.\d+)?|\d{2}(st|nd|rd|th) percentile|median|average|mean)\W*$/.test(h)
          ? [i]
          : [],
      );
      b.rows.forEach((row, ri) => {
        const cells = row.cells;
        const subject = cells[0] ?? '';
        if (!subject) return;
        const levelText = levelCol >= 0 ? cells[levelCol] : undefined;
        const explicit = levelText ? explicitLevel(levelText.toUpperCase()) : undefined;
        const base = {
          section: b.section,
          line: row.line,
          column: row.column,
          recognizer: 'target-tables',
          priority: 10,
          ...(row.pinnedId ? { pinnedId: row.pinnedId } : {}),
          ...(explicit ? { level: { level: explicit.level, source: explicit.source } } : {}),
        };
        const order =
          aggColumns.length > 1
            ? aggColumns
            : valueCol >= 0
              ? [valueCol]
              : cells.map((_, i) => i).slice(1);
        let done = false;
        for (const i of order) {
          const cell = cells[i];
          if (!cell || i === levelCol) continue;
          const parsed = parseThreshold(
            aggCol >= 0 && cells[aggCol] ? `${cells[aggCol]} ${cell}` : cell,
          );
          if (!parsed || !(parsed.comparator || parsed.unit)) continue;
          const header = headers[i] ?? '';
          const comparator = parsed.comparator ?? headerComparator(header);
          const aggregate = parsed.aggregate ?? (i !== aggCol ? findAggregate(header) : undefined);
          const aggregateFromSection = [...b.section].reverse().map(findAggregate).find(Boolean);
          out.proposals.push({
            kind: 'threshold',
            statement: `${subject}: ${cell}`,
            subject,
            threshold: {
              ...parsed,
              ...(comparator ? { comparator } : {}),
              ...(aggregate ? { aggregate } : {}),
              subject,
              text: cell,
              ...(aggregateFromSection ? { aggregateFromSection } : {}),
            },
            key: aggColumns.length > 1 ? `b${b.index}:r${ri}:c${i}` : `b${b.index}:r${ri}`,
            evidence: `table cell under "${b.headers[i] ?? ''}"`,
            ...base,
            ...(aggColumns.length > 1 ? { idSlug: `${subject} ${header}` } : {}),
          });
          done = true;
          if (aggColumns.length <= 1) break;
        }
        if (!done && (startsImperative(subject) || explicitLevel(subject))) {
          out.proposals.push({
            kind: 'practice',
            statement: subject,
            key: `b${b.index}:r${ri}`,
            evidence: 'a table row opening with an imperative',
            ...base,
          });
        }
      });
    }
    return out;
  },
};

function headerComparator(header: string): Comparator | undefined {
  if (/\b(max(imum)?|limit|ceiling|at most|upper)\b/.test(header)) return '<=';
  if (/\b(min(imum)?|floor|at least|lower)\b/.test(header)) return '>=';
  return undefined;
}
