/**
 * Runs the real Locust (Debian python3-locust, installed by .ci/run) for two seconds against a
 * server this test starts on loopback, then reads both of its outputs: `--csv` (the stats file)
 * and the JSON Locust's `--json` prints (the entries of `stats.serialize_stats()`, written here by a `quit`
 * listener because Debian's Locust 2.12 predates the flag). The server counts what it served, so
 * the parsed counts are checked against the server's own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseReport } from '../../src/measurements/index.js';

const LOCUSTFILE = `
import json, os
from locust import HttpUser, task, constant, events

class User(HttpUser):
    wait_time = constant(0.01)

    @task(3)
    def health(self):
        self.client.get("/health")

    @task
    def item(self):
        self.client.get("/items/1", name="/items/{id}")

    @task
    def order(self):
        self.client.post("/orders")

env = {}

@events.init.add_listener
def keep_environment(environment, **kwargs):
    env["e"] = environment

# "quit" fires after the runner stopped its users, so the figures are final
@events.quit.add_listener
def dump_json(exit_code, **kwargs):
    environment = env["e"]
    with open(os.environ["LOCUST_JSON_OUT"], "w") as f:
        # serialize_stats() also resets the entries, so take each entry's serialize() (the
        # same dicts) and leave the totals for the --csv writer that runs after this hook
        entries = environment.runner.stats.entries.values()
        json.dump([e.serialize() for e in entries if e.num_requests or e.num_failures], f, indent=4)
`;

test('parses the CSV and JSON of a real Locust run against a loopback server', async (t) => {
  const served = { total: 0, failed: 0, health: 0 };
  let orders = 0;
  const server = createServer((req, res) => {
    served.total++;
    if (req.url === '/health') {
      served.health++;
      res.end('ok');
    } else if (req.url?.startsWith('/items/')) {
      setTimeout(() => res.end('{"id":1}'), 20);
    } else {
      // every fourth order fails
      const fail = ++orders % 4 === 0;
      if (fail) served.failed++;
      res.statusCode = fail ? 500 : 201;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const dir = await mkdtemp(join(tmpdir(), 'steering-locust-'));
  t.after(async () => {
    server.close();
    await rm(dir, { recursive: true, force: true });
  });
  await writeFile(join(dir, 'locustfile.py'), LOCUSTFILE);
  // Locust rewrites out_stats.csv once a second; stop it (SIGTERM, its own clean shutdown) once
  // the file holds all three request names, rather than after a fixed time.
  const locust = spawn(
    'locust',
    [
      '-f',
      'locustfile.py',
      '--headless',
      '-u',
      '4',
      '-r',
      '4',
      '-t',
      '60s',
      '-H',
      `http://127.0.0.1:${port}`,
      '--csv',
      'out',
      '--only-summary',
      '--exit-code-on-error',
      '0',
    ],
    { cwd: dir, env: { ...process.env, LOCUST_JSON_OUT: join(dir, 'out.json') }, stdio: 'ignore' },
  );
  const exited = new Promise<number | null>((resolve, reject) => {
    locust.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ENOENT'
          ? new Error('locust is not installed: apt-get install python3-locust (.ci/run does it)')
          : err,
      ),
    );
    locust.once('exit', (code) => resolve(code));
  });
  const complete = async () => {
    const text = await readFile(join(dir, 'out_stats.csv'), 'utf8').catch(() => '');
    return ['GET,/health,', 'GET,/items/{id},', 'POST,/orders,'].every((row) =>
      new RegExp(`^${row.replace(/[{}/]/g, '\\$&')}[1-9]`, 'm').test(text),
    );
  };
  while (!(await complete())) {
    const done = await Promise.race([exited, new Promise((r) => setTimeout(() => r('wait'), 200))]);
    if (done !== 'wait') assert.fail(`locust exited (${String(done)}) before writing its stats`);
  }
  locust.kill('SIGTERM');
  await exited;
  server.closeAllConnections();

  const csv = await parseReport({
    name: 'out_stats.csv',
    content: await readFile(join(dir, 'out_stats.csv'), 'utf8'),
  });
  const json = await parseReport({
    name: 'out.json',
    content: await readFile(join(dir, 'out.json'), 'utf8'),
  });
  assert.equal(csv.format, 'locust-csv');
  assert.equal(json.format, 'locust-json');
  for (const r of [csv, json]) {
    assert.deepEqual(r.endpoints.map((e) => e.name).sort(), [
      'GET /health',
      'GET /items/{id}',
      'POST /orders',
    ]);
    // Locust counts a request when its answer arrives and stops users mid-request, and its CSV
    // is rewritten once a second (the last write can be up to a second old): never more than
    // the server saw, and the overall row is the sum of the endpoints.
    assert.ok(
      r.overall.requests > 0 && r.overall.requests <= served.total,
      `${r.format}: requests`,
    );
    assert.equal(
      r.overall.requests,
      r.endpoints.reduce((n, e) => n + e.requests, 0),
    );
    assert.equal(
      r.overall.failures,
      r.endpoints.reduce((n, e) => n + e.failures, 0),
    );
    const byName = (name: string) => r.endpoints.find((e) => e.name === name)!;
    assert.equal(byName('GET /health').failures, 0);
    assert.equal(byName('GET /items/{id}').failures, 0);
    const ord = byName('POST /orders');
    // every fourth order got a 500; four users may each have one order in flight at the end
    assert.ok(
      Math.abs(ord.failures - Math.floor(ord.requests / 4)) <= 4,
      `${r.format}: ${ord.failures} failures of ${ord.requests} orders`,
    );
    assert.ok(ord.failures <= served.failed);
    const item = byName('GET /items/{id}');
    // the server holds each item response 20 ms, so no percentile can be below it
    assert.ok(item.p50! >= 20, `${r.format}: items p50 ${item.p50} >= 20`);
    assert.ok(item.p95! >= item.p50!);
    assert.ok(r.overall.max! >= item.p95!);
  }
  // the JSON is written after the users stopped: it is at least as complete as the CSV
  assert.ok(json.overall.requests >= csv.overall.requests);
});
