/**
 * `file-exists`, `file-contains` and `file-not-contains`. Every hit is evidence (path, line,
 * column, snippet). A miss says where steering looked, in words; the regular expressions go to
 * `explain` (shown by `--explain`). A `file-not-contains` that found nothing to inspect (no call,
 * no SQL) is not applicable: it never passes on nothing.
 */
import type { LeafCheck } from './check-schema.js';
import { asList } from './check-schema.js';
import { sharedRegExp, type EvalContext } from './context.js';
import { findMatches, type Hit } from './find-matches.js';
import { globText, plural, type Outcome } from './check-outcome.js';

type FileExists = Extract<LeafCheck, { type: 'file-exists' }>;
type FileContains = Extract<LeafCheck, { type: 'file-contains' }>;
type FileNotContains = Extract<LeafCheck, { type: 'file-not-contains' }>;
type Contains = FileContains | FileNotContains;

const scope = (includeTests?: boolean) => (includeTests ? '' : ', tests left out');

export function evaluateFileExists(check: FileExists, ctx: EvalContext): Outcome {
  const files = ctx.select(check);
  if (files.length === 0) {
    return {
      status: 'fail',
      message: `no file matching ${globText(check.files)}${scope(check.includeTests)}`,
      evidence: [],
    };
  }
  return {
    status: 'pass',
    message: `found ${plural(files.length, 'file')} matching ${globText(check.files)}`,
    evidence: files.slice(0, 5).map((path) => ({ path, line: 1, column: 1, snippet: '' })),
  };
}

export function evaluateContains(check: Contains, ctx: EvalContext): Outcome {
  const search = searchFiles(check, ctx);
  return check.type === 'file-not-contains'
    ? judgeNotContains(check, search)
    : judgeContains(check, search);
}

/** A loaded file and its hits, one list per pattern. */
interface FileHits {
  path: string;
  text: string;
  perPattern: Hit[][];
}

/** Where a contains check looked, what it found there, and both told in words. */
interface Search {
  files: readonly string[];
  hitsByFile: FileHits[];
  /** `where` names the files looked in; `unreadNote` the files that could not be loaded. */
  where: string;
  unreadNote: string;
  explain: string;
}

/** `match: all` — every pattern must be found in one file (otherwise any one will do). */
const matchesAll = (check: Contains) => check.type === 'file-contains' && check.match === 'all';

/** Loads the selected files (code only, unless `ignoreComments: false`) and finds each pattern. */
function searchFiles(check: Contains, ctx: EvalContext): Search {
  const flags = `g${check.flags ?? ''}`;
  const patterns = asList(check.pattern).map((p) => sharedRegExp(p, flags));
  const ignoreIf = check.ignoreIf ? sharedRegExp(check.ignoreIf, check.flags ?? '') : undefined;
  const code = check.ignoreComments !== false;
  const files = ctx.select(check);
  const explain =
    `${patterns.map((p) => `/${p.source}/`).join(matchesAll(check) ? ' and ' : ' or ')}` +
    `${ignoreIf ? ` (ignoring hits matching /${ignoreIf.source}/)` : ''} in ${globText(check.files)}`;
  const where = `${plural(files.length, 'file')} (${globText(check.files)}${scope(check.includeTests)})`;
  let unread = 0;
  const hitsByFile: FileHits[] = [];
  for (const path of files) {
    const text = code ? ctx.readCode(path) : ctx.read(path);
    if (text === undefined) {
      unread++;
      continue;
    }
    hitsByFile.push({
      path,
      text,
      perPattern: patterns.map((re) => ctx.findMatches(path, text, code, re, ignoreIf)),
    });
  }
  const unreadNote = unread ? ` (${plural(unread, 'file')} not loaded)` : '';
  return { files, hitsByFile, where, unreadNote, explain };
}

/** file-not-contains: every hit (outside files with `unlessFileContains`) is a place to fix. */
function judgeNotContains(check: FileNotContains, search: Search): Outcome {
  const { hitsByFile, where, unreadNote, explain } = search;
  const unless = check.unlessFileContains ? new RegExp(check.unlessFileContains) : undefined;
  const hits = hitsByFile
    .filter((f) => !unless || !unless.test(f.text))
    .flatMap((f) => f.perPattern.flat());
  if (hits.length > 0) {
    return {
      status: 'fail',
      message: `${plural(hits.length, 'place')} to fix in ${where}`,
      evidence: hits.map(stripMatch),
      explain,
    };
  }
  const inspected = inspectedPlaces(check, hitsByFile);
  const what = check.inspectsWhat ?? 'files';
  if (inspected.length === 0) {
    return {
      status: 'not-applicable',
      message: `nothing to inspect: no ${what} in ${where}${unreadNote}`,
      evidence: [],
      explain,
    };
  }
  return {
    status: 'pass',
    message: `${plural(inspected.length, 'place')} inspected (${what}), none to fix`,
    evidence: inspected.slice(0, 5),
    explain,
  };
}

/** file-contains: passes on the files where any pattern (every one, with `match: all`) is found. */
function judgeContains(check: FileContains, search: Search): Outcome {
  const { files, hitsByFile, where, unreadNote, explain } = search;
  const all = matchesAll(check);
  const passing = hitsByFile.filter((f) =>
    all ? f.perPattern.every((h) => h.length > 0) : f.perPattern.some((h) => h.length > 0),
  );
  if (passing.length > 0) {
    const evidence = passing
      .flatMap((f) => f.perPattern.map((h) => h[0]).filter((h): h is Hit => !!h))
      .slice(0, 10);
    return {
      status: 'pass',
      message: `found in ${plural(passing.length, 'file')}`,
      evidence: evidence.map(stripMatch),
      explain,
    };
  }
  return {
    status: 'fail',
    message:
      files.length === 0
        ? `no file matching ${globText(check.files)}${scope(check.includeTests)} to look in`
        : `not found in ${where}${unreadNote}`,
    evidence: [],
    explain,
  };
}

/** What a passing file-not-contains looked at: `inspects` hits, the ignored hits, or the files. */
function inspectedPlaces(
  check: Contains,
  files: readonly { path: string; text: string }[],
): Hit[] | { path: string; line: number; column: number; snippet: string }[] {
  const source = check.inspects ?? (check.ignoreIf ? asList(check.pattern).join('|') : undefined);
  if (source === undefined)
    return files.map((f) => ({ path: f.path, line: 1, column: 1, snippet: '' }));
  // `^` in `inspects` means a line start (a SQL statement opening a line of a .sql file).
  const re = new RegExp(source, `gm${(check.flags ?? '').replace('m', '')}`);
  return files.flatMap((f) => findMatches(f.path, f.text, re, undefined, 5)).map(stripMatch);
}

function stripMatch<T extends { match?: string }>(h: T): Omit<T, 'match'> {
  const { match: _match, ...evidence } = h;
  return evidence;
}
