// Every route the server answers is in the README's route table and, unless it is one of the few
// non-API routes (HTML pages, the badge, the webhook intake, the document itself), in
// /openapi.json; and neither the table nor the document names a route the server does not have.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createApp, openApiDocument } from '../../src/http/index.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import type { Db } from '../../src/store/index.js';

/** Routes outside the OpenAPI document, on purpose. */
const NOT_IN_OPENAPI = [
  'GET /openapi.json',
  'POST /webhooks/github',
  'GET /login',
  'POST /login',
  'POST /logout',
  'GET /',
  'GET /rollouts',
  'GET /heatmap',
  'GET /rules/{ruleId}',
  'GET /repositories/{owner}/{repo}',
  'GET /badge/{owner}/{repo}.svg',
];

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** `METHOD /path` of every route mounted on the app (Express `:param` written as `{param}`). */
function servedRoutes(): string[] {
  // Nothing is queried while routes are only listed, so no database is opened.
  const app = createApp({
    db: null as unknown as Db,
    logger: silentLogger,
    metrics: createMetrics({ processMetrics: false }),
    webhooks: { secret: 'listing routes only', enqueue: async () => true },
  });
  const out: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        // The badge's file parameter is `{repo}.svg`.
        const path = layer.route.path
          .replace('/badge/:owner/:file', '/badge/:owner/:repo.svg')
          .replace(/:([A-Za-z]+)/g, '{$1}');
        for (const m of Object.keys(layer.route.methods)) out.push(`${m.toUpperCase()} ${path}`);
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out.sort();
}

function openApiRoutes(): string[] {
  const doc = openApiDocument() as { paths: Record<string, Record<string, unknown>> };
  const methods = new Set(['get', 'post', 'put', 'patch', 'delete']);
  return Object.entries(doc.paths)
    .flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => methods.has(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    )
    .sort();
}

/** The routes named in the README's route table (`METHOD /path`, query strings left out). */
function readmeRoutes(): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('| route | scope |');
  assert.ok(start >= 0, 'README.md has a route table (| route | scope |)');
  const end = readme.indexOf('\n\n', start);
  const table = readme.slice(start, end);
  const found = [...table.matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/[^\s`?]*)/g)].map(
    (m) => `${m[1]} ${m[2]}`,
  );
  return [...new Set(found)].sort();
}

describe('route documentation', () => {
  const served = servedRoutes();

  it('lists every served route in /openapi.json, and only those', () => {
    const api = served.filter((r) => !NOT_IN_OPENAPI.includes(r));
    assert.deepEqual(openApiRoutes(), api);
    for (const r of NOT_IN_OPENAPI) assert.ok(served.includes(r), `${r} is served`);
  });

  it("lists every served route in the README's route table, and only those", () => {
    const readme = readmeRoutes();
    assert.deepEqual(
      served.filter((r) => !readme.includes(r)),
      [],
      'served but missing from the README',
    );
    assert.deepEqual(
      readme.filter((r) => !served.includes(r)),
      [],
      'in the README but not served',
    );
  });
});
