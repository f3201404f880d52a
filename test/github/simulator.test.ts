import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../src/github/index.js';

const TOKEN = 'ghp_sim';

describe('GitHub simulator (raw HTTP)', () => {
  let sim: Simulator;
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${sim.url}${path}`, { headers: { authorization: `token ${TOKEN}`, ...headers } });
  const send = (method: string, path: string, body: unknown) =>
    fetch(`${sim.url}${path}`, {
      method,
      headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  before(async () => {
    sim = await startSimulator({ rateLimits: { primaryPerHour: 1000 } });
    sim.addToken(TOKEN, { login: 'octo-bot' });
    sim.addRepo({ owner: 'acme', name: 'svc', files: { 'README.md': 'hello\n' } });
  });
  after(() => sim.close());

  it('answers with x-ratelimit headers and GitHub error bodies', async () => {
    const ok = await get('/repos/acme/svc');
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('x-ratelimit-limit'), '1000');
    assert.equal(
      Number(ok.headers.get('x-ratelimit-remaining')),
      1000 - Number(ok.headers.get('x-ratelimit-used')),
    );
    assert.ok(Number(ok.headers.get('x-ratelimit-reset')) > Date.now() / 1000);
    const missing = await get('/repos/acme/nope');
    assert.equal(missing.status, 404);
    assert.deepEqual(Object.keys((await missing.json()) as object).sort(), [
      'documentation_url',
      'message',
      'status',
    ]);
    const anon = await fetch(`${sim.url}/repos/acme/svc`);
    assert.equal(anon.status, 401);
  });

  it('answers 422 with an errors array for invalid input', async () => {
    const res = await send('POST', '/repos/acme/svc/git/refs', { sha: 'x' });
    assert.equal(res.status, 422);
    const body = (await res.json()) as { errors?: { field?: string }[] };
    assert.equal(body.errors?.[0]?.field, 'ref');
  });

  it('merges a pull request onto the default branch with a merge commit', async () => {
    sim.pushCommit({
      owner: 'acme',
      repo: 'svc',
      branch: 'feature',
      files: { 'a.md': 'A' },
      login: 'alice',
    });
    sim.pushCommit({
      owner: 'acme',
      repo: 'svc',
      branch: 'main',
      files: { 'b.md': 'B' },
      login: 'bob',
    });
    const pr = (await (
      await send('POST', '/repos/acme/svc/pulls', { title: 't', head: 'feature', base: 'main' })
    ).json()) as {
      number: number;
    };
    const dup = await send('POST', '/repos/acme/svc/pulls', {
      title: 't',
      head: 'acme:feature',
      base: 'main',
    });
    assert.equal(dup.status, 422);
    sim.mergePull('acme', 'svc', pr.number);
    assert.equal(sim.readFile('acme', 'svc', 'main', 'a.md'), 'A');
    assert.equal(sim.readFile('acme', 'svc', 'main', 'b.md'), 'B');
    const after = (await (await get(`/repos/acme/svc/pulls/${pr.number}`)).json()) as {
      merged: boolean;
      state: string;
    };
    assert.deepEqual([after.state, after.merged], ['closed', true]);
    const open = (await (
      await get('/repos/acme/svc/pulls?head=acme:feature&state=open')
    ).json()) as unknown[];
    assert.equal(open.length, 0);
  });

  it('injects faults for the next N matching requests only and records every request', async () => {
    sim.resetRequests();
    sim.inject({ kind: 'status', status: 503, method: 'GET', path: /\/branches\//, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get('/repos/acme/svc/branches/main')).status);
    assert.deepEqual(statuses, [503, 503, 200]);
    assert.equal(sim.count({ path: '/branches/' }), 3);
    assert.equal(sim.requests[0]?.caller, 'octo-bot');
  });

  it('answers 403 with retry-after beyond the concurrent-request limit', async () => {
    sim.setRateLimits({ maxConcurrent: 2 });
    sim.setLatency(200);
    try {
      const responses = await Promise.all([1, 2, 3].map(() => get('/repos/acme/svc')));
      const limited = responses.filter((r) => r.status === 403);
      assert.equal(limited.length, 1);
      assert.equal(limited[0]?.headers.get('retry-after'), '1');
      assert.match(
        ((await limited[0]?.json()) as { message: string }).message,
        /secondary rate limit/,
      );
    } finally {
      sim.setRateLimits({ maxConcurrent: 100 });
      sim.setLatency(0);
    }
  });
});

describe('GitHub simulator webhooks', () => {
  it('sends signed push and pull_request deliveries', async () => {
    const { createHmac } = await import('node:crypto');
    const { createServer } = await import('node:http');
    const received: { event: string; action?: string; valid: boolean; merged?: boolean }[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const expected = `sha256=${createHmac('sha256', 's3cret').update(raw).digest('hex')}`;
        const body = JSON.parse(raw.toString()) as {
          action?: string;
          pull_request?: { merged: boolean };
        };
        received.push({
          event: String(req.headers['x-github-event']),
          action: body.action,
          valid:
            req.headers['x-hub-signature-256'] === expected &&
            Boolean(req.headers['x-github-delivery']),
          merged: body.pull_request?.merged,
        });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const sim = await startSimulator();
    try {
      const port = (receiver.address() as { port: number }).port;
      sim.addToken(TOKEN, { login: 'octo-bot' });
      sim.addRepo({ owner: 'acme', name: 'hooks' });
      sim.setWebhook({
        url: `http://127.0.0.1:${port}/webhooks/github`,
        secret: 's3cret',
        events: ['pull_request', 'push'],
      });
      sim.pushCommit({ owner: 'acme', repo: 'hooks', branch: 'feature', files: { 'a.md': 'A' } });
      const res = await fetch(`${sim.url}/repos/acme/hooks/pulls`, {
        method: 'POST',
        headers: { authorization: `token ${TOKEN}` },
        body: JSON.stringify({ title: 't', head: 'feature', base: 'main' }),
      });
      const { number } = (await res.json()) as { number: number };
      sim.mergePull('acme', 'hooks', number);
      await sim.flushWebhooks();
      assert.deepEqual(
        received.map((r) => `${r.event}:${r.action ?? ''}:${r.merged ?? ''}`),
        ['push::', 'pull_request:opened:false', 'pull_request:closed:true', 'push::'],
      );
      assert.ok(received.every((r) => r.valid));
      assert.ok(sim.deliveries.every((d) => d.status === 202));
    } finally {
      await sim.close();
      await new Promise((r) => receiver.close(r));
    }
  });
});
