// `steering demo` walks the whole loop against the simulator and says what happened at each step.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { cli } from '../support/run-cli.js';

/** No services: neither DATABASE_URL nor REDIS_URL, and libpq's defaults pointed at a closed port. */
const NO_SERVICES = (() => {
  const env: Record<string, string | undefined> = { ...process.env, PGPORT: '1' };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  return env;
})();

test('steering demo: publish → one PR per repository → merge → compliance → update in place', () => {
  const r = spawnSync(process.execPath, ['bin/steering.js', 'demo'], {
    encoding: 'utf8',
    env: NO_SERVICES,
  });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /in-memory database, in-process queues/);
  assert.match(r.stdout, /Registry synced from the App installation: 4 repositories/);
  // The seed's 43 rules plus its 23 captioned code blocks as reference rules.
  assert.match(r.stdout, /Published guidelines\/performance\.md: version 1\.0\.0 with 66 rules/);
  assert.match(r.stdout, /4 pull requests opened/);
  for (const repo of ['payments', 'orders', 'inventory', 'gateway']) {
    assert.match(
      r.stdout,
      new RegExp(`acme/${repo} #1: steering: Performance Guidelines 1\\.0\\.0 \\(major\\)`),
    );
  }
  assert.match(r.stdout, /acme\/payments adopted 1\.0\.0: compliant/);
  assert.match(r.stdout, /acme\/orders adopted 1\.0\.0: NOT compliant/);
  assert.match(
    r.stdout,
    /FAIL MUST\s+performance\.external-service-calls\.implement-timeouts-external-calls at src\/stock\.js:\d+/,
  );
  // measured compliance: the Locust report turns latency rules from unchecked to pass/fail
  assert.match(
    r.stdout,
    /unchecked → FAIL {2}performance\.api-response-times\.bulk-operations: bulk operations p95 measured 2500 ms; the rule requires < 2000 ms/,
  );
  assert.match(
    r.stdout,
    /unchecked → pass {2}performance\.api-response-times\.simple-queries: .*measured 73 ms/,
  );
  assert.match(r.stdout, /1\.0\.0 → 2\.0\.0 \(major\)/);
  assert.match(r.stdout, /Rollout 2: 2 opened, 2 updated/);
  assert.match(r.stdout, /8\. Rescanned acme\/payments; its open pull request #\d+ now says:/);
  assert.match(r.stdout, /With 2\.0\.0 this repository would fail/);
  const due =
    /\*\*Due (\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC)\*\*: MUST rules this version adds or tightens/.exec(
      r.stdout,
    );
  assert.ok(due, 'the pull request states the due date to the minute');
  // A rule listed as overdue names the instant it was due, and that instant has passed.
  for (const m of r.stdout.matchAll(/\(was due (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}) UTC\)/g))
    assert.ok(Date.parse(`${m[1]}T${m[2]}Z`) < Date.now(), m[0]);
  assert.match(r.stdout, /9\. Waived performance\.[a-z0-9.-]+ for acme\/\w+ until/);
  assert.match(
    r.stdout,
    /10\. Fleet summary:\n {3}Performance Guidelines 2\.0\.0: \d+\/\d+ repositories compliant on MUST rules/,
  );
  assert.doesNotMatch(r.stderr, /"level":50/, 'no error logs');
});

// It stops before the walk-through (which ends its process), so it runs in this one.
test('steering demo with a REDIS_URL that does not answer says so and what to do', async () => {
  const r = await cli(['demo'], { env: { ...NO_SERVICES, REDIS_URL: 'redis://127.0.0.1:1' } });
  assert.equal(r.code, 1, r.stderr + r.stdout);
  assert.match(r.stderr, /REDIS_URL is set but no Redis answers at redis:\/\/127\.0\.0\.1:1/);
  assert.match(r.stderr, /unset REDIS_URL/);
});
