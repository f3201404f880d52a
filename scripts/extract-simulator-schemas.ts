/**
 * `npm run simulator:schemas [folder]`: extracts from GitHub's published descriptions only what the
 * GitHub simulator serves, into two committed files under src/github/simulator/generated/:
 * - `schemas.json`: per REST operation its documented response statuses and schemas
 *   (@octokit/openapi, api.github.com), per webhook event/action its payload schema
 *   (@octokit/openapi-webhooks), with every referenced component. The conformance check
 *   validates the simulator's traffic against it (ajv).
 * - `examples.json`: GitHub's documented examples the simulator starts its bodies from (REST
 *   examples from the OpenAPI description, deliveries from @octokit/webhooks-examples).
 * Both record the package versions they came from.
 *
 * The two description packages are large (the REST one ~385 MB) and are not project
 * dependencies: pass a folder where they are installed (`npm install --prefix <folder>
 * @octokit/openapi @octokit/openapi-webhooks`), or none and they are installed into a temporary
 * folder first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completeExample } from './complete-example.js';
import { SERVED_OPERATIONS, SERVED_WEBHOOKS } from '../src/github/simulator/served.js';

type Json = Record<string, unknown>;

const folder = process.argv[2] ?? join(tmpdir(), 'steering-gh-openapi');
const pkgDir = (name: string) => join(folder, 'node_modules', name);
if (!existsSync(pkgDir('@octokit/openapi')) || !existsSync(pkgDir('@octokit/openapi-webhooks'))) {
  console.error(`installing @octokit/openapi and @octokit/openapi-webhooks into ${folder} ...`);
  mkdirSync(folder, { recursive: true });
  execFileSync(
    'npm',
    [
      'install',
      '--prefix',
      folder,
      '--no-audit',
      '--no-fund',
      '@octokit/openapi',
      '@octokit/openapi-webhooks',
    ],
    { stdio: 'inherit' },
  );
}
const readJson = (path: string): Json => JSON.parse(readFileSync(path, 'utf8')) as Json;
const version = (dir: string) => String(readJson(join(dir, 'package.json')).version);

const examplesDir = new URL('../node_modules/@octokit/webhooks-examples/', import.meta.url)
  .pathname;
const sources = {
  '@octokit/openapi': version(pkgDir('@octokit/openapi')),
  '@octokit/openapi-webhooks': version(pkgDir('@octokit/openapi-webhooks')),
  '@octokit/webhooks-examples': version(examplesDir),
};
const rest = readJson(join(pkgDir('@octokit/openapi'), 'generated', 'api.github.com.json'));
const hooks = readJson(
  join(pkgDir('@octokit/openapi-webhooks'), 'generated', 'api.github.com.json'),
);

/** Follows a local `#/a/b` pointer in `doc`. */
function at(doc: Json, ref: string): Json {
  let node: unknown = doc;
  for (const part of ref.replace(/^#\//, '').split('/'))
    node = (node as Json)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
  return node as Json;
}

/**
 * Copies `schema`, rewriting `#/components/schemas/X` to `#/components/<ns>/X` and collecting every schema
 * it reaches into `into`.
 */
function collect(doc: Json, schema: unknown, ns: string, into: Json): unknown {
  if (Array.isArray(schema)) return schema.map((s) => collect(doc, s, ns, into));
  if (!schema || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema as Json)) {
    if (k === 'example' || k === 'examples' || k === 'description') continue;
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
      const name = v.slice('#/components/schemas/'.length);
      if (!(name in into)) {
        into[name] = {};
        into[name] = collect(doc, at(doc, v), ns, into);
      }
      out[k] = `#/components/${ns}/${name}`;
    } else out[k] = collect(doc, v, ns, into);
  }
  return nullableToJsonSchema(out);
}

/** OpenAPI 3.0's `nullable: true` as plain JSON Schema (ajv refuses it beside allOf/$ref). */
function nullableToJsonSchema(schema: Json): Json {
  if (!('nullable' in schema)) return schema;
  const { nullable, ...rest } = schema;
  if (nullable !== true) return rest;
  if (typeof rest.type === 'string' && !rest.enum) return { ...rest, type: [rest.type, 'null'] };
  return { anyOf: [rest, { type: 'null' }] };
}

const restSchemas: Json = {};
const operations: Json = {};
const restExamples: Json = {};
for (const [method, path] of SERVED_OPERATIONS) {
  const op = at(rest, `#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}`)[
    method.toLowerCase()
  ] as Json | undefined;
  if (!op) throw new Error(`${method} ${path} is not in @octokit/openapi`);
  const responses: Json = {};
  for (const [status, r0] of Object.entries(op.responses as Json)) {
    let r = r0 as Json;
    if (typeof r.$ref === 'string') r = at(rest, r.$ref);
    const media = (r.content as Json | undefined)?.['application/json'] as Json | undefined;
    responses[status] = media?.schema ? collect(rest, media.schema, 'rest', restSchemas) : null;
    const example = Object.values((media?.examples as Json | undefined) ?? {})[0] as
      Json | undefined;
    if (example && /^2/.test(status)) {
      const value = typeof example.$ref === 'string' ? at(rest, example.$ref).value : example.value;
      restExamples[`${method} ${path}`] = { status, value };
    }
  }
  operations[`${method} ${path}`] = { operationId: op.operationId, responses };
}

const hookSchemas: Json = {};
const webhooks: Json = {};
const hookExamples: Json = {};
const examplesIndex = JSON.parse(
  readFileSync(join(examplesDir, 'api.github.com', 'index.json'), 'utf8'),
) as { name: string; examples: Json[] }[];
for (const key of SERVED_WEBHOOKS) {
  const [event, action] = key.split('.') as [string, string | undefined];
  const name = `${event.replace(/_/g, '-')}${action ? `-${action.replace(/_/g, '-')}` : ''}`;
  const post = (hooks.webhooks as Json)[name] as Json | undefined;
  if (!post) throw new Error(`webhook ${key} (${name}) is not in @octokit/openapi-webhooks`);
  const body = (post.post as Json).requestBody as Json;
  const schema = ((body.content as Json)['application/json'] as Json).schema;
  webhooks[key] = collect(hooks, schema, 'webhooks', hookSchemas);
  const samples = examplesIndex.find((e) => e.name === event)?.examples ?? [];
  // An action without its own example starts from another action's payload of the same event.
  const sample = samples.find((x) => (action ? x.action === action : true)) ?? samples[0];
  if (sample) hookExamples[key] = action ? { ...sample, action } : sample;
}

// Make every base valid against its own schema (GitHub's examples lag behind the schemas).
const components = { rest: restSchemas, webhooks: hookSchemas };
const resolve = (ref: string) => at({ components }, ref);
for (const [key, ex] of Object.entries(restExamples)) {
  const { status, value } = ex as { status: string; value: unknown };
  const schema = ((operations[key] as Json).responses as Json)[status] as Json;
  restExamples[key] = completeExample(schema, value, resolve);
}
for (const [key, value] of Object.entries(hookExamples))
  hookExamples[key] = completeExample(webhooks[key] as Json, value, resolve);

const outDir = new URL('../src/github/simulator/generated/', import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });
const header = {
  generatedBy: 'npm run simulator:schemas (scripts/extract-simulator-schemas.ts)',
  sources,
};
writeFileSync(
  join(outDir, 'schemas.json'),
  `${JSON.stringify({ ...header, operations, webhooks, components })}\n`,
);
writeFileSync(
  join(outDir, 'examples.json'),
  `${JSON.stringify({ ...header, rest: restExamples, webhooks: hookExamples })}\n`,
);
console.log(
  `simulator schemas: ${Object.keys(operations).length} operations, ${Object.keys(webhooks).length} webhook events/actions, ${Object.keys(restSchemas).length + Object.keys(hookSchemas).length} components (${Object.entries(
    sources,
  )
    .map(([k, v]) => `${k}@${v}`)
    .join(', ')})`,
);
