/**
 * The files a guideline version writes into a repository, and their git blob ids (computed
 * locally, so "already identical" is decided from one tree listing without reading any blob):
 * `.steering/<g>.md` (the source document), `.steering/<g>.rules.json` (the rules of that
 * version) and `.steering/lock.json` (guideline → version and content hash, other entries kept).
 */
import { createHash } from 'node:crypto';
import type { Rule } from '../guidelines/index.js';

export const LOCK_PATH = '.steering/lock.json';

export interface SteeringFiles {
  mdPath: string;
  md: string;
  rulesPath: string;
  rulesJson: string;
  /** sha256 of the two files, recorded in lock.json. */
  hash: string;
}

export function buildSteeringFiles(v: {
  guideline: string;
  version: string;
  source: string;
  rules: Rule[];
}): SteeringFiles {
  const md = v.source.endsWith('\n') ? v.source : `${v.source}\n`;
  const rulesJson = `${JSON.stringify({ guideline: v.guideline, version: v.version, rules: v.rules }, null, 2)}\n`;
  return {
    mdPath: `.steering/${v.guideline}.md`,
    md,
    rulesPath: `.steering/${v.guideline}.rules.json`,
    rulesJson,
    hash: createHash('sha256').update(md).update('\0').update(rulesJson).digest('hex'),
  };
}

/** The id git gives a blob with this content. */
export function gitBlobSha(content: string): string {
  const body = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
}

interface Lock {
  guidelines: Record<string, { version: string; hash: string }>;
}

/** lock.json with this guideline's entry set; other guidelines' entries are kept, keys sorted. */
export function mergeLock(
  existing: string | null,
  guideline: string,
  entry: { version: string; hash: string },
): string {
  let lock: Lock = { guidelines: {} };
  if (existing) {
    try {
      const parsed = JSON.parse(existing) as Partial<Lock>;
      if (parsed && typeof parsed.guidelines === 'object' && parsed.guidelines)
        lock = { guidelines: { ...parsed.guidelines } };
    } catch {
      // An unreadable lock is replaced: it only mirrors the files next to it.
    }
  }
  lock.guidelines[guideline] = { version: entry.version, hash: entry.hash };
  const sorted = Object.fromEntries(
    Object.entries(lock.guidelines).sort(([a], [b]) => a.localeCompare(b)),
  );
  return `${JSON.stringify({ guidelines: sorted }, null, 2)}\n`;
}
