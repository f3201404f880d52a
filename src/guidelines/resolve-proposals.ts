/**
 * The resolver: merges the recognizers' proposals into one candidate per piece of text. Proposals
 * cover keys (`b12` a block, `b12:r3` a table row, `b12:s1` a sentence, `b12:m0` a code marker); two
 * overlap when one key equals or contains the other. Among overlapping proposals the higher
 * priority wins (a requirement-table row seen by the target-table recognizer too is one rule); the
 * losers are kept as "merged" decisions for `lint --explain`. Examples that belong to a kept rule
 * (`attachTo`) are merged into it. The result is in document order.
 */
import type { Proposal, Recognized, Rejection } from './recognizers/types.js';

export interface Decision {
  line: number;
  column: number;
  recognizer: string;
  text: string;
  decision: 'rule' | 'merged' | 'not a rule';
  why: string;
}

export interface Resolved {
  candidates: Proposal[];
  rejections: Rejection[];
  decisions: Decision[];
}

export function resolveProposals(results: readonly Recognized[]): Resolved {
  const all = results.flatMap((r, order) => r.proposals.map((p, i) => ({ p, order, i })));
  all.sort((a, b) => b.p.priority - a.p.priority || a.order - b.order || a.i - b.i);
  const taken = new Set<string>();
  const prefixes = new Set<string>();
  const owner = new Map<string, Proposal>();
  const kept: Array<{ p: Proposal; order: number; i: number }> = [];
  const decisions: Decision[] = [];
  for (const entry of all) {
    const keys = [entry.p.key, ...(entry.p.alsoCovers ?? [])];
    let clash: Proposal | undefined;
    for (const key of keys) {
      const parts = key.split(':');
      for (let n = 1; n <= parts.length && !clash; n++)
        clash = owner.get(parts.slice(0, n).join(':'));
      if (!clash && prefixes.has(key))
        clash = [...owner.entries()].find(([k]) => k.startsWith(`${key}:`))?.[1];
    }
    if (clash) {
      decisions.push({
        ...at(entry.p),
        decision: 'merged',
        why: `${entry.p.evidence}; the same text is already a rule from ${clash.recognizer} (${clash.evidence})`,
      });
      continue;
    }
    for (const key of keys) {
      const parts = key.split(':');
      taken.add(key);
      owner.set(key, entry.p);
      for (let n = 1; n < parts.length; n++) prefixes.add(parts.slice(0, n).join(':'));
    }
    kept.push(entry);
  }
  // Examples under a heading rule join that rule.
  const byKey = new Map(kept.map((e) => [e.p.key, e.p]));
  const final = kept.filter((e) => {
    const target = e.p.attachTo ? byKey.get(e.p.attachTo) : undefined;
    if (!target || !e.p.examples) return true;
    target.examples = [...(target.examples ?? []), ...e.p.examples];
    decisions.push({
      ...at(e.p),
      decision: 'merged',
      why: `example attached to "${target.statement}"`,
    });
    return false;
  });
  final.sort(
    (a, b) => a.p.line - b.p.line || a.p.column - b.p.column || a.order - b.order || a.i - b.i,
  );
  const candidates = final.map((e) => e.p);
  for (const c of candidates) decisions.push({ ...at(c), decision: 'rule', why: c.evidence });

  const covered = (key: string | undefined) => {
    if (!key) return false;
    if (taken.has(key) || prefixes.has(key)) return true;
    const parts = key.split(':');
    for (let n = 1; n < parts.length; n++) if (taken.has(parts.slice(0, n).join(':'))) return true;
    return false;
  };
  const rejections = results.flatMap((r) => r.rejections).filter((x) => !covered(x.key));
  for (const r of rejections)
    decisions.push({
      line: r.line,
      column: r.column,
      recognizer: r.recognizer,
      text: r.text,
      decision: 'not a rule',
      why: r.why,
    });
  decisions.sort((a, b) => a.line - b.line || a.column - b.column);
  return { candidates, rejections, decisions };
}

function at(p: Proposal) {
  return { line: p.line, column: p.column, recognizer: p.recognizer, text: p.statement };
}
