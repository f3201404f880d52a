/**
 * `file-exists`, `file-contains` and `file-not-contains`. Every hit is evidence (path, line,
 * column, snippet); a miss says which files were searched for which pattern.
 */
import type { LeafCheck } from './check-schema.js';
import { asList } from './check-schema.js';
import type { EvalContext } from './context.js';
import { findMatches, type Hit } from './find-matches.js';
import { globText, plural, type Outcome } from './check-outcome.js';

type FileExists = Extract<LeafCheck, { type: 'file-exists' }>;
type Contains = Extract<LeafCheck, { type: 'file-contains' | 'file-not-contains' }>;

const scope = (includeTests?: boolean) => (includeTests ? '' : ' outside tests');

export function evaluateFileExists(check: FileExists, ctx: EvalContext): Outcome {
  const files = ctx.select(check);
  if (files.length === 0) {
    return {
      status: 'fail',
      message: `looked for a file matching ${globText(check.files)}${scope(check.includeTests)}; none found`,
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
  const flags = `g${check.flags ?? ''}`;
  const patterns = asList(check.pattern).map((p) => new RegExp(p, flags));
  const ignoreIf = check.ignoreIf ? new RegExp(check.ignoreIf, check.flags ?? '') : undefined;
  const files = ctx.select(check);
  const shown = patterns
    .map((p) => `/${p.source}/`)
    .join(check.type === 'file-contains' && check.match === 'all' ? ' and ' : ' or ');
  const where = `${plural(files.length, 'file')} matching ${globText(check.files)}${scope(check.includeTests)}`;
  let unread = 0;
  const hitsByFile: { path: string; perPattern: Hit[][] }[] = [];
  for (const path of files) {
    const text = check.ignoreComments === false ? ctx.read(path) : ctx.readCode(path);
    if (text === undefined) {
      unread++;
      continue;
    }
    hitsByFile.push({
      path,
      perPattern: patterns.map((re) => findMatches(path, text, re, ignoreIf)),
    });
  }
  const unreadNote = unread ? ` (${plural(unread, 'file')} not loaded)` : '';

  if (check.type === 'file-not-contains') {
    const hits = hitsByFile.flatMap((f) => f.perPattern.flat());
    if (hits.length > 0) {
      return {
        status: 'fail',
        message: `${plural(hits.length, 'match')} of ${shown} in ${where}`,
        evidence: hits.map(stripMatch),
      };
    }
    return {
      status: 'pass',
      message: `no match of ${shown} in ${where}${unreadNote}`,
      evidence: [],
    };
  }

  const all = check.match === 'all';
  const passing = hitsByFile.filter((f) =>
    all ? f.perPattern.every((h) => h.length > 0) : f.perPattern.some((h) => h.length > 0),
  );
  if (passing.length > 0) {
    const evidence = passing
      .flatMap((f) => f.perPattern.map((h) => h[0]).filter((h): h is Hit => !!h))
      .slice(0, 10);
    return {
      status: 'pass',
      message: `found ${shown} in ${plural(passing.length, 'file')}`,
      evidence: evidence.map(stripMatch),
    };
  }
  if (files.length === 0) {
    return {
      status: 'fail',
      message: `looked for ${shown} in files matching ${globText(check.files)}${scope(check.includeTests)}; no such file`,
      evidence: [],
    };
  }
  return {
    status: 'fail',
    message: `looked for ${shown}${all ? ' in one file' : ''} in ${where}; not found${unreadNote}`,
    evidence: [],
  };
}

function stripMatch(h: Hit) {
  const { match: _match, ...evidence } = h;
  return evidence;
}
