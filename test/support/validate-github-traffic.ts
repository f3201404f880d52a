/**
 * Judges recorded GitHub simulator traffic against GitHub's published descriptions (the subset
 * committed in src/github/simulator/generated/schemas.json):
 * - a call must match a served operation; its status must be one the operation documents (or
 *   one GitHub answers on any endpoint: 304 to a conditional request, 401, 403/429 rate limits,
 *   5xx, 301 for a renamed repository), its body must validate against the documented schema
 *   (errors against `basic-error`/`validation-error`), every answer carries `x-github-request-id`
 *   and a 201 carries `Location` where GitHub sends one;
 * - a delivery must validate against its event's (and action's) webhook schema.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { TrafficEntry } from '../../src/github/simulator/record-traffic.js';

type Json = Record<string, unknown>;
const descriptions = JSON.parse(
  readFileSync(
    new URL('../../src/github/simulator/generated/schemas.json', import.meta.url),
    'utf8',
  ),
) as {
  sources: Record<string, string>;
  operations: Record<string, { operationId: string; responses: Record<string, unknown> }>;
  webhooks: Record<string, unknown>;
  components: Json;
};

// inlineRefs off: each GitHub component (repository, user, pull request, …) is compiled once and
// called from every validator that refers to it, instead of generated again inside each one.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, inlineRefs: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
ajv.addSchema({ $id: 'gh', components: descriptions.components }, 'gh');

const compiled = new Map<string, ValidateFunction>();
function validator(key: string, schema: unknown): ValidateFunction {
  let v = compiled.get(key);
  if (!v) {
    const rebased = JSON.parse(
      JSON.stringify(schema).replace(/"#\/components\//g, '"gh#/components/'),
    );
    v = ajv.compile(rebased as Json);
    compiled.set(key, v);
  }
  return v;
}

const templates = Object.keys(descriptions.operations).map((key) => {
  const [method, path] = key.split(' ') as [string, string];
  const names = path.split('/');
  // The last parameter may hold slashes (refs, file paths, base...head).
  const source = names
    .map((seg, i) =>
      /^\{.+\}$/.test(seg)
        ? i === names.length - 1
          ? '(.+)'
          : '([^/]+)'
        : seg.replace(/\./g, '\\.'),
    )
    .join('/');
  return { key, method, pattern: new RegExp(`^${source}$`), slashes: names.length };
});

export function operationOf(method: string, path: string): string | undefined {
  const matches = templates.filter((t) => t.method === method && t.pattern.test(path));
  // The most specific template wins (`/commits/{ref}/check-runs` over `/commits`).
  matches.sort((a, b) => b.slashes - a.slashes);
  return matches[0]?.key;
}

const GLOBAL_STATUSES = new Set([301, 304, 307, 401, 403, 429, 500, 502, 503]);
/**
 * Answers GitHub gives that its description leaves out: the check-run endpoints document only
 * their success, yet GitHub validates their input and answers 422 (see docs.github.com, "Create a
 * check run": "Validation failed, or the endpoint has been spammed").
 */
const UNDOCUMENTED: Record<string, number[]> = {
  'POST /repos/{owner}/{repo}/check-runs': [422],
  'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}': [422],
};
/** Creates for which GitHub answers with a Location header. */
const LOCATION_ON_201 = new Set([
  'POST /repos/{owner}/{repo}/git/refs',
  'POST /repos/{owner}/{repo}/git/trees',
  'POST /repos/{owner}/{repo}/git/blobs',
  'POST /repos/{owner}/{repo}/git/commits',
  'POST /repos/{owner}/{repo}/pulls',
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
  'POST /repos/{owner}/{repo}/check-runs',
  'POST /repos/{owner}/{repo}/statuses/{sha}',
]);

export interface Verdict {
  ok: boolean;
  what: string;
  problems: string[];
}

function errorsOf(v: ValidateFunction): string[] {
  return (v.errors ?? [])
    .slice(0, 5)
    .map(
      (e) =>
        `${e.instancePath || '/'} ${e.message ?? ''}${e.params && 'missingProperty' in e.params ? ` (${String(e.params.missingProperty)})` : ''}`,
    );
}

export function judge(entry: TrafficEntry): Verdict {
  if (entry.kind === 'delivery') {
    const action = (entry.payload as Json | null)?.action;
    const key = typeof action === 'string' ? `${entry.event}.${action}` : entry.event;
    const schema = descriptions.webhooks[key];
    if (!schema) return { ok: false, what: `delivery ${key}`, problems: ['not a served webhook'] };
    const v = validator(`webhook ${key}`, schema);
    return v(entry.payload)
      ? { ok: true, what: `delivery ${key}`, problems: [] }
      : { ok: false, what: `delivery ${key}`, problems: errorsOf(v) };
  }
  const op = operationOf(entry.method, entry.path);
  const what = `${entry.method} ${entry.path} → ${entry.status}`;
  if (!op) return { ok: false, what, problems: ['no served operation matches'] };
  const problems: string[] = [];
  if (!entry.headers['x-github-request-id']) problems.push('no x-github-request-id header');
  const documented = descriptions.operations[op]?.responses ?? {};
  const status = String(entry.status);
  if (entry.status === 201 && LOCATION_ON_201.has(op) && !entry.headers.location)
    problems.push('201 without Location');
  let schema: unknown;
  if (status in documented) schema = documented[status];
  else if (GLOBAL_STATUSES.has(entry.status) || UNDOCUMENTED[op]?.includes(entry.status))
    schema =
      entry.status === 304
        ? null
        : entry.status === 422
          ? { $ref: '#/components/rest/validation-error' }
          : { $ref: '#/components/rest/basic-error' };
  else problems.push(`status ${status} is not documented for ${op}`);
  if (schema === null || entry.status === 204 || entry.status === 304) {
    if (entry.body !== undefined && entry.body !== null && entry.body !== '')
      problems.push('a body where GitHub sends none');
  } else if (schema) {
    const v = validator(`${op} ${status}`, schema);
    if (!v(entry.body)) problems.push(...errorsOf(v));
  }
  return { ok: problems.length === 0, what: `${what} (${op})`, problems };
}

export interface Summary {
  calls: { valid: number; total: number };
  deliveries: { valid: number; total: number };
  failures: Verdict[];
  sources: Record<string, string>;
}

export function summarize(entries: Iterable<TrafficEntry>): Summary {
  const s: Summary = {
    calls: { valid: 0, total: 0 },
    deliveries: { valid: 0, total: 0 },
    failures: [],
    sources: descriptions.sources,
  };
  for (const e of entries) {
    const v = judge(e);
    const bucket = e.kind === 'call' ? s.calls : s.deliveries;
    bucket.total += 1;
    if (v.ok) bucket.valid += 1;
    else s.failures.push(v);
  }
  return s;
}
