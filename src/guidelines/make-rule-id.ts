/**
 * Rule ids: `<guideline>.<section>.<subject>`, built from slugs so a person can read them
 * ("performance.api-response-times.health-checks"). The section is the nearest heading or bold
 * label; the subject is a threshold's subject or the first significant words of a statement.
 * Ids do not depend on a rule's position, so adding, removing or reordering other rules leaves
 * them alone. When two rules would share an id, the colliding ids take the next heading up, then a
 * short hash of the statement. An author can pin an id with `<!-- steering-id: my-id -->`.
 */
const STOP = new Set(
  'a an the for all to of with and or on in by your our its at as from into is are be that this these those via per must shall should may required recommended optional'.split(
    ' ',
  ),
);

export function slugify(text: string, maxWords = 8): string {
  const words = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/\s\([^)]*\)/g, ' ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  return words.slice(0, maxWords).join('-');
}

/** Significant words of a statement: stop words dropped, at most five. */
export function statementSlug(statement: string): string {
  const words = slugify(statement, 40)
    .split('-')
    .filter((w) => w && !STOP.has(w));
  return words.slice(0, 5).join('-') || 'rule';
}

export interface IdCandidate {
  guideline: string;
  /** Section labels, outermost first (document title excluded). */
  section: readonly string[];
  subjectSlug: string;
  statement: string;
  pinnedId?: string;
}

export function qualifyPinnedId(guideline: string, pinned: string): string {
  const id = pinned.toLowerCase();
  return id.startsWith(`${guideline}.`) ? id : `${guideline}.${id}`;
}

/** Assigns ids to all candidates of one document at once (collisions need the whole set). */
export function assignRuleIds(
  candidates: readonly IdCandidate[],
  hashOf: (statement: string) => string,
): string[] {
  const ids = candidates.map((c) =>
    c.pinnedId ? qualifyPinnedId(c.guideline, c.pinnedId) : baseId(c, 1),
  );
  const pinned = new Set(candidates.flatMap((c, i) => (c.pinnedId ? [ids[i]] : [])));
  for (let depth = 2; depth <= 4; depth++) {
    const groups = collisions(ids, candidates, pinned);
    if (groups.length === 0) return ids;
    for (const group of groups) for (const i of group) ids[i] = baseId(candidates[i]!, depth);
  }
  for (const group of collisions(ids, candidates, pinned)) {
    for (const i of group) ids[i] = `${ids[i]}-${hashOf(candidates[i]!.statement).slice(0, 6)}`;
  }
  return ids;
}

function baseId(c: IdCandidate, depth: number): string {
  const labels = c.section
    .slice(-depth)
    .map((s) => slugify(s, 5))
    .filter(Boolean);
  return [c.guideline, ...labels, c.subjectSlug || 'rule'].join('.');
}

function collisions(
  ids: string[],
  candidates: readonly IdCandidate[],
  pinned: Set<string | undefined>,
): number[][] {
  const byId = new Map<string, number[]>();
  ids.forEach((id, i) => {
    if (candidates[i]!.pinnedId) return;
    byId.set(id, [...(byId.get(id) ?? []), i]);
  });
  const groups: number[][] = [];
  for (const [id, group] of byId) if (group.length > 1 || pinned.has(id)) groups.push(group);
  return groups;
}
