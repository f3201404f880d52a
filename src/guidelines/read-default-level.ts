/**
 * A document-level default for unmarked imperatives, read from the overview's own prose when the
 * frontmatter sets no `level:`. The overview is the text before the first section heading, or a
 * section named Overview, Introduction, Scope, Purpose or About. It declares a default when it says
 * who is bound by the whole document and how strongly:
 *
 *   "All services must implement the practices below."        → MUST
 *   "Teams should follow these guidelines."                   → SHOULD
 *   "These recommendations are optional."                     → MAY
 *
 * Only unmarked imperatives take it ("Use connection pooling"); a rule with its own keyword, marker
 * or inference (a threshold, "prefer", "consider") keeps its level. Frontmatter `level:` wins.
 */
import type { DocumentModel } from './model/document-model.js';
import type { Level } from './schema.js';

const WHO =
  '(?:all|every|each|our)\\s+(?:[a-z-]+\\s+)?(?:services?|teams?|apis?|applications?|apps?|projects?|repositor(?:y|ies)|components?|systems?|engineers?|developers?)';
/** The document's own rules: "these guidelines", "the practices below", "all of the following". */
const WHAT =
  '(?:(?:all\\s+(?:of\\s+)?)?(?:these|this|the\\s+following)|the\\s+(?:practices|rules|guidelines|requirements|recommendations)\\s+(?:below|in\\s+this\\s+(?:document|guide|guideline)))(?:\\s+[a-z-]+){0,2}';
/** "All services must implement the practices below", "Teams should follow these guidelines". */
const BOUND = new RegExp(
  `\\b(?:${WHO}|teams|services)\\s+(must|shall|should|may|are\\s+required\\s+to|are\\s+expected\\s+to|are\\s+encouraged\\s+to)\\s+(?:[a-z]+\\s+)?(?:implement|follow|adopt|comply\\s+with|apply|meet|observe|use)\\s+${WHAT}`,
  'i',
);
/** "These guidelines are mandatory", "The following practices are recommended". */
const DECLARED = new RegExp(
  `\\b${WHAT}\\s+(?:is|are)\\s+(?:(?:strongly|generally)\\s+)?(mandatory|required|binding|recommended|advisory|optional)\\b`,
  'i',
);
const OVERVIEW = /^(?:overview|introduction|scope|purpose|about|summary|background)\b/i;

const LEVELS: Array<[RegExp, Level]> = [
  [/^(?:must|shall|are required to|mandatory|required|binding)$/i, 'MUST'],
  [/^(?:should|are expected to|recommended|advisory|are encouraged to)$/i, 'SHOULD'],
  [/^(?:may|optional)$/i, 'MAY'],
];

export interface DefaultLevel {
  level: Level;
  source: string;
}

/** The sentence of the overview that declares the document's force, if one does. */
export function declaresDefaultLevel(sentence: string): DefaultLevel | undefined {
  const m = BOUND.exec(sentence) ?? DECLARED.exec(sentence);
  if (!m) return undefined;
  const word = m[1]!.replace(/\s+/g, ' ').toLowerCase();
  const level = LEVELS.find(([re]) => re.test(word))?.[1];
  return level ? { level, source: `document default (overview: "${m[0]}")` } : undefined;
}

/** Before the first section heading, or under Overview / Introduction / Scope …. */
export function inOverview(b: { headings: readonly string[] }): boolean {
  return b.headings.length === 0 || OVERVIEW.test(b.headings.at(-1) ?? '');
}

export function overviewDefaultLevel(model: DocumentModel): DefaultLevel | undefined {
  for (const b of model.blocks) {
    if (b.type !== 'paragraph' || b.label || !inOverview(b)) continue;
    const found = declaresDefaultLevel(b.text);
    if (found) return found;
  }
  return undefined;
}
