/**
 * Rule ids: `<guideline>.<section>.<subject>`, built from slugs so a person can read them
 * ("performance.api-response-times.health-checks"). The section is the nearest heading or bold
 * label; the subject is a threshold's subject or the first significant words of a statement, without
 * emoji words and without the threshold's own number (so 100 → 50 is a changed threshold, not a new
 * rule). Slugs stay within about 60 characters.
 *
 * Stability: a rule's id depends only on its own text and section, never on its position or on
 * other rules' text. Author ids win: an anchor (`<a name="x">`, `{#x}`), a requirement number from
 * an id column or a heading (`[129]`), or a pin (`<!-- steering-id: x -->`). When two generated ids
 * are equal, the first in the document keeps it and each later one takes more of its own words,
 * then a hash of its own statement, then an ordinal (only for rules with identical text). Equal
 * author ids are an error naming both positions.
 */
const STOP = new Set(
  'a an the for all to of with and or on in by your our its at as from into is are be that this these those via per must shall should may required recommended optional'.split(
    ' ',
  ),
);
const EMOJI_WORDS = /:[a-z0-9_+-]+:|\p{Extended_Pictographic}|\uFE0F|\u200D|[✓✔✗✘☑]/gu;
const MAX_SLUG = 60;

export function slugify(text: string, maxWords = 8): string {
  const words = text
    .replace(EMOJI_WORDS, ' ')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/\s\([^)]*\)/g, ' ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  return capSlug(words.slice(0, maxWords).join('-'));
}

function capSlug(slug: string): string {
  if (slug.length <= MAX_SLUG) return slug;
  const cut = slug.slice(0, MAX_SLUG + 1);
  return cut.slice(0, Math.max(cut.lastIndexOf('-'), 1)).replace(/-+$/, '');
}

/** Significant words of a statement: stop words dropped, at most `maxWords` (five by default). */
export function statementSlug(statement: string, maxWords = 5): string {
  const words = slugify(statement, 60)
    .split('-')
    .filter((w) => w && !STOP.has(w));
  return capSlug(words.slice(0, maxWords).join('-')) || 'rule';
}

export interface IdCandidate {
  guideline: string;
  /** Section labels, outermost first (document title excluded). */
  section: readonly string[];
  subjectSlug: string;
  statement: string;
  /** The statement without the threshold's own text, for longer slugs on collision. */
  slugText?: string;
  pinnedId?: string;
  /** An id the author wrote in the document (anchor, requirement number). */
  authorId?: string;
  /** A complete generated id (reference rules: `<guideline>.<caption>.reference`). */
  fixedId?: string;
}

export function qualifyPinnedId(guideline: string, pinned: string): string {
  const id = pinned.toLowerCase();
  return id.startsWith(`${guideline}.`) ? id : `${guideline}.${id}`;
}

/** An author id as written ("REQ-12", "2.1.1", "Versioning") made id-safe. */
export function authorIdOf(guideline: string, raw: string): string {
  const id = raw
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[-.]+$/g, '');
  return qualifyPinnedId(guideline, id || 'rule');
}

export interface AssignedIds {
  ids: string[];
  /** Pairs of candidates (indexes) whose author or pinned ids are equal. */
  duplicates: Array<[number, number]>;
}

/** Assigns ids to all candidates of one document (a later equal slug needs to know the earlier). */
export function assignRuleIds(
  candidates: readonly IdCandidate[],
  hashOf: (statement: string) => string,
): AssignedIds {
  const ids: string[] = [];
  const duplicates: Array<[number, number]> = [];
  const owner = new Map<string, number>();
  const authored = (c: IdCandidate) => c.pinnedId ?? c.authorId;
  // Author ids first: they win over any generated id that happens to be equal.
  candidates.forEach((c, i) => {
    if (c.pinnedId) ids[i] = qualifyPinnedId(c.guideline, c.pinnedId);
    else if (c.authorId) ids[i] = authorIdOf(c.guideline, c.authorId);
    else return;
    const first = owner.get(ids[i]);
    if (first !== undefined) duplicates.push([first, i]);
    else owner.set(ids[i], i);
  });
  candidates.forEach((c, i) => {
    if (authored(c)) return;
    const tries = [c.fixedId ?? baseId(c, statementSlugOr(c))];
    if (!c.fixedId) {
      const longer = statementSlug(c.slugText ?? c.statement, 12);
      tries.push(
        baseId(
          c,
          longer.startsWith(c.subjectSlug) ? longer : capSlug(`${c.subjectSlug}-${longer}`),
        ),
      );
    }
    const longest = tries[tries.length - 1]!;
    tries.push(`${longest}-${hashOf(c.statement).slice(0, 6)}`);
    let id = tries.find((t) => !owner.has(t));
    const last = tries[tries.length - 1]!;
    for (let n = 2; !id; n++) if (!owner.has(`${last}-${n}`)) id = `${last}-${n}`;
    ids[i] = id;
    owner.set(id, i);
  });
  return { ids, duplicates };
}

function statementSlugOr(c: IdCandidate): string {
  return c.subjectSlug || 'rule';
}

function baseId(c: IdCandidate, subject: string): string {
  const labels = c.section
    .slice(-1)
    .map((s) => slugify(s, 5))
    .filter(Boolean);
  return [c.guideline, ...labels, subject || 'rule'].join('.');
}
