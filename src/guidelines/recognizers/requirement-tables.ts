/**
 * Requirement tables (OWASP ASVS style): rows with an id column (`**2.1.1**`, `REQ-12`, `[101]`), a
 * description column ("Verify that …") and applicability columns (✓, L1/L2/L3). Every row is one
 * rule; its id comes from the id column, its statement from the description column, which is picked
 * by content (the column with the longest sentences), not by position. A limit in the description
 * ("at least 12 characters") makes the row a threshold. A row is read in its section: a limit
 * about a bare noun ("a code with at least 64 bits") is about that noun of the section's topic
 * ("V6.6 Out-of-Band authentication mechanisms" → "out-of-band authentication code").
 */
import { explicitLevel } from '../detect-level.js';
import { findProseThresholds, limitFields, type ProseThreshold } from '../find-prose-threshold.js';
import type { DocumentModel, TableBlock } from '../model/document-model.js';
import type { Recognized, Recognizer } from './types.js';

const ID_CELL = /^\[?(?:[A-Z][A-Z0-9]{0,7}[-_.:]?)?\d+(?:\.\d+)*[a-z]?\]?$/;

export const requirementTables: Recognizer = {
  name: 'requirement-tables',
  recognize(model: DocumentModel): Recognized {
    const out: Recognized = { proposals: [], rejections: [] };
    for (const b of model.blocks) {
      if (b.type !== 'table' || b.skipped) continue;
      const shape = readShape(b);
      if (!shape) continue;
      const levelCol = b.headers.findIndex((h) =>
        /^(level|priority|keyword|requirement level)$/i.test(h),
      );
      b.rows.forEach((row, ri) => {
        const idText = (row.cells[shape.idCol] ?? '').replace(/^\[|\]$/g, '');
        const statement = row.cells[shape.textCol] ?? '';
        if (!statement || !ID_CELL.test(row.cells[shape.idCol] ?? '')) return;
        const levelText = levelCol >= 0 ? row.cells[levelCol] : undefined;
        const explicit = levelText ? explicitLevel(levelText.toUpperCase()) : undefined;
        const limits = findProseThresholds(statement).map((t) => inSection(t, b.headings));
        (limits.length ? limits : [undefined]).forEach((limit, li) => {
          // A second limit with its own keyword ("… although a minimum of 15 is recommended").
          const clause = limit ? statement.slice(limit.index) : statement;
          const own =
            li > 0
              ? /\b(strongly )?recommended\b|\bshould\b/i.test(clause)
                ? { level: 'SHOULD' as const, source: 'recommended' }
                : undefined
              : limits.length > 1 && !explicitLevel(statement.slice(0, limits[1]!.index))
                ? { level: 'MUST' as const, source: 'inferred: imperative' }
                : undefined;
          out.proposals.push({
            ...limitFields(limit),
            statement,
            section: b.section,
            line: row.line,
            column: row.column,
            authorId: li === 0 ? idText : `${idText}-${li + 1}`,
            ...(row.pinnedId ? { pinnedId: row.pinnedId } : {}),
            ...(own
              ? { level: own }
              : explicit
                ? { level: { level: explicit.level, source: explicit.source } }
                : {}),
            recognizer: 'requirement-tables',
            evidence: `requirement row ${idText} (id column "${b.headers[shape.idCol] ?? ''}", text column "${b.headers[shape.textCol] ?? ''}")`,
            key: `b${b.index}:r${ri}${li ? `#t${li}` : ''}`,
            priority: 20,
          });
        });
      });
    }
    return out;
  },
};

/** An id column (most cells look like requirement numbers) and a text column of sentences. */
function readShape(b: TableBlock): { idCol: number; textCol: number } | undefined {
  if (b.rows.length < 1) return undefined;
  const width = b.headers.length;
  let idCol = -1;
  for (let c = 0; c < width && idCol < 0; c++) {
    const ids = b.rows.filter((r) => ID_CELL.test(r.cells[c] ?? '')).length;
    const distinct = new Set(b.rows.map((r) => r.cells[c])).size;
    if (ids >= Math.max(1, Math.ceil(b.rows.length * 0.8)) && distinct === b.rows.length) idCol = c;
  }
  if (idCol < 0) return undefined;
  let textCol = -1;
  let best = 0;
  for (let c = 0; c < width; c++) {
    if (c === idCol) continue;
    const words =
      b.rows.reduce((n, r) => n + (r.cells[c] ?? '').split(/\s+/).filter(Boolean).length, 0) /
      b.rows.length;
    if (words > best) {
      best = words;
      textCol = c;
    }
  }
  // Sentences, not labels: a table of numbers and names is not a requirement table.
  return textCol >= 0 && best >= 5 ? { idCol, textCol } : undefined;
}

const GENERIC_HEADS =
  /\s+(?:mechanisms?|requirements?|guidelines?|rules?|controls?|practices?|considerations?)$/i;

/** A one-word subject named by the section's topic, when the topic is a short noun phrase. */
function inSection(t: ProseThreshold, headings: readonly string[]): ProseThreshold {
  const heading = headings.at(-1);
  if (!heading || /\s/.test(t.subject.trim())) return t;
  // Only a heading that names a kind of thing ("… mechanisms", "… requirements") gives a topic.
  const named = heading.replace(/^(?:[A-Z]?\d+(?:\.\d+)*\.?)\s+/, '');
  if (!GENERIC_HEADS.test(named)) return t;
  const topic = named.replace(GENERIC_HEADS, '').toLowerCase();
  const words = topic.split(/\s+/);
  if (!topic || words.length > 4 || words.some((w) => w.startsWith(t.subject.toLowerCase())))
    return t;
  return { ...t, subject: `${topic} ${t.subject}` };
}
