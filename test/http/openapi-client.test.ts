// The OpenAPI document against a standard linter (Redocly's recommended rules: no error, no
// warning), and a typed client generated from it (openapi-typescript + openapi-fetch): the client
// code is type-checked (a wrong query value must not compile) and then calls the running API.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { openApiDocument, startServer, type RunningServer } from '../../src/http/index.js';
import { createTestApp } from '../support/app.js';
import { RULES, seedFleet } from '../compliance/seed-fleet.js';

const OUT = resolve(process.env.TEST_OUTPUT_DIR ?? 'test-output', 'openapi-client');

const CLIENT = `import createClient from 'openapi-fetch';
import type { paths } from './steering-api.js';

export async function run(baseUrl: string, token: string) {
  const client = createClient<paths, 'application/json' | 'application/problem+json'>({
    baseUrl,
    headers: { authorization: \`Bearer \${token}\` } });
  const summary = await client.GET('/v1/compliance', { params: { query: { guideline: 'fleet' } } });
  const share: number | undefined = summary.data?.guidelines[0]?.repositories.shareCompliantMust;
  const late = await client.GET('/v1/repositories', {
    params: { query: { overdue: 'true', limit: 10 } },
  });
  const names: string[] = (late.data?.repositories ?? []).map((r) => r.repository);
  const granted = await client.POST('/v1/waivers', {
    body: { repository: 'acme/alpha', rule: '${RULES.health}', owner: 'team-alpha', reason: 'typed client', expires: '1d' },
  });
  const id: number = granted.data?.id ?? 0;
  const rule = await client.GET('/v1/rules/{ruleId}/repositories', {
    params: { path: { ruleId: '${RULES.health}' }, query: { status: 'exempt' } },
  });
  const revoked = await client.DELETE('/v1/waivers/{id}', { params: { path: { id } } });
  const missing = await client.GET('/v1/repositories/{owner}/{repo}/compliance', {
    params: { path: { owner: 'acme', repo: 'nope' } },
  });
  return {
    share,
    names,
    grantedStatus: granted.response.status,
    exempt: (rule.data?.repositories ?? []).map((r) => r.repository),
    revokedBy: revoked.data?.revokedBy ?? null,
    missingCode: missing.error?.code ?? null,
  };
}
`;

const WRONG = `import createClient from 'openapi-fetch';
import type { paths } from './steering-api.js';
const client = createClient<paths>({ baseUrl: 'http://x' });
void client.GET('/v1/repositories', { params: { query: { status: 'sideways' } } });
`;

/** Type errors per file, from one program over all the files (one type-check, not one per file). */
function typeErrors(files: string[]): Map<string, string[]> {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: [],
  });
  const out = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const key = files.find((f) => d.file && resolve(d.file.fileName) === f) ?? 'other';
    out.set(key, [...(out.get(key) ?? []), ts.flattenDiagnosticMessageText(d.messageText, '\n')]);
  }
  return out;
}

describe('OpenAPI document', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let server: RunningServer;
  before(async () => {
    mkdirSync(OUT, { recursive: true });
    t = await createTestApp();
    await seedFleet(t.app, t.db, t.tokens.admin);
    server = await startServer(t.app, { port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await server?.close();
    await t?.close();
  });

  it('passes redocly lint (recommended rules) with no problem', () => {
    const file = join(OUT, 'openapi.json');
    writeFileSync(file, JSON.stringify(openApiDocument()));
    const r = spawnSync(
      process.execPath,
      ['node_modules/@redocly/cli/bin/cli.js', 'lint', file, '--format=json'],
      {
        encoding: 'utf8',
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    );
    const json = r.stdout.slice(r.stdout.indexOf('{'));
    const report = JSON.parse(json) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; message: string }[];
    };
    assert.deepEqual(
      report.problems.map((p) => `${p.ruleId}: ${p.message}`),
      [],
      'redocly lint findings',
    );
    assert.deepEqual(report.totals, { ...report.totals, errors: 0, warnings: 0 });
    assert.equal(r.status, 0, r.stderr);
  });

  it('generates a typed client that type-checks and calls the API', async () => {
    const types = astToString(await openapiTS(openApiDocument() as never));
    assert.match(types, /"\/v1\/compliance\/history"/);
    writeFileSync(join(OUT, 'steering-api.d.ts'), types);
    writeFileSync(join(OUT, 'client.ts'), CLIENT);
    writeFileSync(join(OUT, 'wrong.ts'), WRONG);
    const errors = typeErrors([join(OUT, 'client.ts'), join(OUT, 'wrong.ts')]);
    assert.deepEqual(errors.get(join(OUT, 'client.ts')), []);
    assert.equal(errors.get('other'), undefined);
    const wrong = errors.get(join(OUT, 'wrong.ts')) ?? [];
    assert.ok(
      wrong.some((m) => /sideways/.test(m)),
      wrong.join('\n'),
    );

    const { run } = (await import(pathToFileURL(join(OUT, 'client.ts')).href)) as {
      run: (url: string, token: string) => Promise<Record<string, unknown>>;
    };
    const out = await run(server.url, t.tokens.admin);
    assert.deepEqual(out, {
      share: 0.333,
      names: ['acme/alpha'],
      grantedStatus: 201,
      exempt: ['acme/alpha'],
      revokedBy: 'token:admin',
      missingCode: 'NOT_FOUND',
    });
  });
});
