/**
 * `.steering/waivers.yaml` in a service repository: waivers the repository grants itself, approved
 * by its own pull-request review and in force once merged to the default branch. Pure: text in,
 * waivers and problems (with line:column) out; the scan validates it in the check run and syncs
 * the waivers of the default-branch head.
 *
 * ```yaml
 * waivers:
 *   - rule: performance.health-checks.p95   # a rule id, or a pattern with *
 *     owner: team-payments
 *     reason: the new health endpoint ships in Q3
 *     expires: 2027-03-31                     # a date or date-time, at most 180 days ahead
 * ```
 */
import { LineCounter, isMap, isSeq, parseDocument, type Node, type YAMLMap } from 'yaml';
import { resolveWaiverExpiry, type WaiverGrant } from './waivers.js';
import { isRulePattern } from './waiver-pattern.js';

export const WAIVERS_FILE = '.steering/waivers.yaml';

export interface WaiverFileProblem {
  line: number;
  column: number;
  message: string;
}

export interface WaiversFile {
  waivers: (WaiverGrant & { line: number })[];
  problems: WaiverFileProblem[];
}

const KEYS = new Set(['rule', 'owner', 'reason', 'expires']);

type Report = (node: Node | null | undefined, message: string) => void;

export function readWaiversFile(
  text: string,
  repository: string,
  options: { now?: Date; maxDays?: number } = {},
): WaiversFile {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const problems: WaiverFileProblem[] = [];
  const at: Report = (node, message) => {
    const pos = lc.linePos(node?.range?.[0] ?? 0);
    problems.push({ line: pos.line, column: pos.col, message });
  };
  for (const e of doc.errors) {
    const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
    problems.push({ line: pos.line, column: pos.col, message: e.message.split('\n')[0]! });
  }
  if (problems.length) return { waivers: [], problems };
  const root = doc.contents;
  if (root === null) return { waivers: [], problems };
  const list = isMap(root) ? root.get('waivers', true) : undefined;
  if (!isMap(root) || !isSeq(list)) {
    at(root, 'expected `waivers:` followed by a list of { rule, owner, reason, expires }');
    return { waivers: [], problems };
  }
  const waivers: WaiversFile['waivers'] = [];
  for (const item of list.items as Node[]) {
    const grant = readEntry(item, at, repository, options);
    if (grant) waivers.push({ ...grant, line: lc.linePos(item.range?.[0] ?? 0).line });
  }
  return { waivers, problems };
}

/** The four fields of one entry as text, or null after reporting what is wrong with them. */
function readFields(item: YAMLMap, at: Report): Record<string, string> | null {
  const fields: Record<string, string> = {};
  let ok = true;
  for (const pair of item.items) {
    const key = String((pair.key as { value?: unknown } | null)?.value ?? '');
    const valueNode = pair.value as Node & { value?: unknown };
    if (!KEYS.has(key)) {
      at(pair.key as Node, `unknown key "${key}" (use rule, owner, reason, expires)`);
      ok = false;
      continue;
    }
    const v = valueNode?.value;
    if (v === null || v === undefined || (typeof v !== 'string' && typeof v !== 'number')) {
      at(valueNode ?? item, `${key}: expected text`);
      ok = false;
      continue;
    }
    fields[key] = String(v);
  }
  for (const k of KEYS)
    if (ok && !fields[k]) {
      at(item, `missing "${k}"`);
      ok = false;
    }
  return ok ? fields : null;
}

/** One list entry as a grant, or null after reporting its problem. */
function readEntry(
  item: Node,
  at: Report,
  repository: string,
  options: { now?: Date; maxDays?: number },
): WaiverGrant | null {
  if (!isMap(item)) {
    at(item, 'each waiver is a mapping with rule, owner, reason and expires');
    return null;
  }
  const fields = readFields(item, at);
  if (!fields) return null;
  if (!isRulePattern(fields.rule!)) {
    at(item.get('rule', true), `rule: "${fields.rule}" is not a rule id or pattern`);
    return null;
  }
  const expires = fields.expires!;
  const expiresAt = /^\d{4}-\d{2}-\d{2}$/.test(expires) ? `${expires}T23:59:59Z` : expires;
  if (Number.isNaN(Date.parse(expiresAt))) {
    at(item.get('expires', true), `expires: "${expires}" is not a date (YYYY-MM-DD)`);
    return null;
  }
  const grant: WaiverGrant = {
    repository,
    rule: fields.rule!,
    owner: fields.owner!,
    reason: fields.reason!,
    expiresAt: new Date(expiresAt).toISOString(),
  };
  try {
    resolveWaiverExpiry(grant, { ...options, where: 'expires' });
  } catch (err) {
    at(item.get('expires', true), (err as Error).message);
    return null;
  }
  return grant;
}
