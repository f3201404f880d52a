// `steering waiver` as a client of a running server: grant, list and revoke go through the API
// (audited as the token), and every way a server can refuse reads as what to do: no answer, a
// refused token (401), a missing scope (403), bad input named by the command's option.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { nameOptions } from '../../src/cli/with-waiver-store.js';
import { SteeringError } from '../../src/errors.js';
import { createApiToken } from '../../src/store/index.js';
import { createTestApp } from '../support/app.js';
import { cli as runCli } from '../support/run-cli.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
let server: Server;
let base = '';
let waive = '';
const dataDir = mkdtempSync(join(tmpdir(), 'steering-waiver-client-'));

/** `steering waiver …` in this process, against the server this test runs. */
function cli(args: string[], env: Record<string, string> = {}) {
  const cliEnv: Record<string, string | undefined> = {
    ...process.env,
    STEERING_DATA_DIR: dataDir, // no local server.json but the one this test means
    LOG_LEVEL: 'warn',
    ...env,
  };
  for (const k of ['DATABASE_URL', 'REDIS_URL']) delete cliEnv[k];
  if (!env.STEERING_URL) delete cliEnv.STEERING_URL;
  if (!env.STEERING_TOKEN) delete cliEnv.STEERING_TOKEN;
  return runCli(['waiver', ...args], { env: cliEnv });
}

const grantArgs = (...more: string[]) => [
  'grant',
  '--topic',
  'payments',
  '--rule',
  'performance.api-response-times.*',
  '--owner',
  'team-payments',
  '--reason',
  'new endpoints ship in Q1',
  ...more,
];

describe('steering waiver through the API', () => {
  before(async () => {
    t = await createTestApp();
    waive = (await createApiToken(t.db, { name: 'waiver-ci', scopes: ['waive'] })).token;
    server = t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('grants, lists and revokes through the server; the audit names the token', async () => {
    const env = { STEERING_URL: base, STEERING_TOKEN: waive };
    const grant = await cli(grantArgs('--expires', '30d', '--by', 'alice'), env);
    assert.equal(grant.code, 0, grant.stderr);
    const id = Number(/^granted waiver (\d+): topic:payments exempt/.exec(grant.stdout)?.[1]);
    assert.ok(id > 0, grant.stdout);
    assert.match(grant.stderr, /--by ignored: the server at http:\/\/127\.0\.0\.1:\d+ records/);

    // --url/--token over the variables; the read scope is enough to list.
    const list = await cli(['list', '--json', '--url', base, '--token', t.tokens.read]);
    assert.equal(list.code, 0, list.stderr);
    const listed = JSON.parse(list.stdout) as { id: number; createdBy: string; source: string }[];
    assert.deepEqual(
      listed.map((w) => [w.id, w.createdBy, w.source]),
      [[id, 'token:waiver-ci', 'api']],
    );

    const revoke = await cli(['revoke', String(id), '--reason', 'shipped early'], env);
    assert.equal(revoke.code, 0, revoke.stderr);
    assert.match(revoke.stdout, new RegExp(`^revoked waiver ${id} \\(topic:payments`));
    const audit = await t.db.query<{ actor: string; action: string; reason: string | null }>(
      `SELECT actor, action, details->>'reason' AS reason FROM audit_log
        WHERE details->>'waiverId' = $1 ORDER BY id`,
      [String(id)],
    );
    assert.deepEqual(audit.rows, [
      { actor: 'token:waiver-ci', action: 'waiver.grant', reason: 'new endpoints ship in Q1' },
      { actor: 'token:waiver-ci', action: 'waiver.revoke', reason: 'shipped early' },
    ]);
  });

  it('a server that does not answer: says where and what to do', async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const closed = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise((resolve) => probe.close(resolve));
    const r = await cli(['list', '--url', closed, '--token', waive]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`the steering server at ${closed} does not answer`));
    assert.match(r.stderr, /ECONNREFUSED/);
    assert.match(r.stderr, /steering serve/);
  });

  it('a refused token (401) and a missing scope (403) say which token to get', async () => {
    const unknown = await cli(['list', '--url', base, '--token', 'stg_not_a_token']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown, revoked or expired API token/);
    assert.match(unknown.stderr, /STEERING_TOKEN or --token/);
    const readOnly = await cli(
      grantArgs('--expires', '7d', '--url', base, '--token', t.tokens.read),
    );
    assert.equal(readOnly.code, 1);
    assert.match(readOnly.stderr, /needs the "waive" scope; the token has read/);
    assert.match(readOnly.stderr, /steering token create --scopes/);
  });

  it("the server's refusal of a field names the option; usage errors before sending", async () => {
    const tooLong = await cli(grantArgs('--expires', '400d', '--url', base, '--token', waive));
    assert.equal(tooLong.code, 2, tooLong.stderr);
    assert.match(
      tooLong.stderr,
      /the server at http:\/\/127\.0\.0\.1:\d+ refused it: --expires \/ --expires-at: expiry .* more than 180 days ahead/,
    );
    const badTime = await cli(grantArgs('--expires-at', 'next tuesday', '--url', base));
    assert.equal(badTime.code, 2);
    assert.match(badTime.stderr, /--expires-at: /);
    const noUrlToken = await cli(grantArgs('--expires', '7d', '--url', base));
    assert.equal(noUrlToken.code, 2);
    assert.match(noUrlToken.stderr, /--url is set without a token/);
    const unknownRepo = await cli(
      [
        'grant',
        '--repo',
        'acme/nope',
        '--rule',
        'x.y',
        '--owner',
        'o',
        '--reason',
        'because',
      ].concat(['--expires', '7d', '--url', base, '--token', waive]),
    );
    assert.equal(unknownRepo.code, 1);
    assert.match(unknownRepo.stderr, /repository acme\/nope not found/);
  });

  it('maps the API fields of a validation problem to the options', () => {
    const err = new SteeringError('INVALID_INPUT', 'http://h:1: expiresAt: bad; repository: bad', {
      details: {
        issues: [
          { path: ['expiresAt'], message: 'Invalid ISO datetime' },
          { path: ['repository'], message: 'owner/name' },
        ],
      },
    });
    const named = nameOptions(err) as SteeringError;
    assert.equal(named.code, 'USAGE');
    assert.equal(
      named.message,
      'the server at http://h:1 refused it: --expires-at: Invalid ISO datetime; --repo: owner/name',
    );
  });
});
