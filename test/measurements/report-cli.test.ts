// `steering report` against a running API: reads the reports locally, uploads them with the service
// config, prints each measured rule and exits 1 when one fails; a malformed file stops it before
// anything is sent.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, copyFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, startServer, type RunningServer } from '../../src/http/index.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { publishGuideline } from '../../src/publish/index.js';
import { createApiToken, upsertRepository } from '../../src/store/index.js';
import { readFileSync } from 'node:fs';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { cli as runCli } from '../support/run-cli.js';

/** `steering <args>` in-process, run from `cwd`. */
const cli = (args: string[], cwd: string) => runCli(args, { cwd });

const root = join(import.meta.dirname, '..', '..');
const demo = join(root, 'test', 'fixtures', 'reports', 'locust-payments');

describe('steering report', { timeout: 60_000 }, () => {
  let t: TestDatabase;
  let server: RunningServer;
  let token: string;
  let dir: string;

  before(async () => {
    t = await createTestDatabase();
    await publishGuideline(t.db, {
      source: readFileSync(join(root, 'guidelines', 'performance.md'), 'utf8'),
      path: 'guidelines/performance.md',
      publisher: 'test',
    });
    await upsertRepository(t.db, {
      id: 901,
      owner: 'acme',
      name: 'payments',
      defaultBranch: 'main',
      archived: false,
      fork: false,
      topics: [],
      installationId: 1,
    });
    token = (await createApiToken(t.db, { name: 'ci', scopes: ['report'] })).token;
    const app = createApp({
      db: t.db,
      logger: silentLogger,
      metrics: createMetrics({ processMetrics: false }),
    });
    server = await startServer(app, { port: 0, host: '127.0.0.1' });
    // a service checkout: its report and its .steering/service.yaml
    dir = await mkdtemp(join(tmpdir(), 'steering-report-'));
    await mkdir(join(dir, '.steering'));
    await copyFile(join(demo, 'service.yaml'), join(dir, '.steering', 'service.yaml'));
    await copyFile(join(demo, 'payments_stats.csv'), join(dir, 'payments_stats.csv'));
  });
  after(async () => {
    await server?.close();
    await t?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a malformed report fails before anything is sent', async () => {
    await writeFile(join(dir, 'broken.json'), '{\n  "metrics": {\n    "http_req_duration": [1,\n}');
    const r = await cli(
      [
        'report',
        'payments_stats.csv',
        'broken.json',
        '--repo',
        'acme/payments',
        '--url',
        server.url,
        '--token',
        token,
      ],
      dir,
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^broken\.json:4: invalid JSON/m);
    const n = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM measurement_uploads');
    assert.equal(Number(n.rows[0]!.n), 0);
  });

  it('uploads, prints the measured rules and exits 1 because one fails', async () => {
    const r = await cli(
      [
        'report',
        'payments_stats.csv',
        '--repo',
        'acme/payments',
        '--sha',
        'abc1234',
        '--url',
        server.url,
        '--token',
        token,
      ],
      dir,
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /uploaded 1 report\(s\) for acme\/payments/);
    assert.match(
      r.stdout,
      /FAIL performance\.api-response-times\.bulk-operations: bulk operations p95 measured 2500 ms; the rule requires < 2000 ms/,
    );
    assert.match(
      r.stdout,
      /pass performance\.api-response-times\.simple-queries: simple queries \(single record\) p95 measured 73 ms/,
    );
    const stored = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM measured_values');
    assert.equal(Number(stored.rows[0]!.n), 8);
    const cfg = await t.db.query<{ source: string }>('SELECT source FROM service_configs');
    assert.match(cfg.rows[0]!.source, /Simple queries/);
  });
});
