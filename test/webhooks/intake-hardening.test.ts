// POST /webhooks/github under hostile input: the signature header is screened before the body is
// read, the declared size before it is buffered, the HMAC is computed over the raw bytes, and a
// body that is not UTF-8 is refused with the byte offset; nothing of any of them is stored.
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/index.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { createWorld, SECRET, type World } from '../scans/world.js';

const signBytes = (bytes: Buffer, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(bytes).digest('hex')}`;

describe('webhook intake under hostile input', () => {
  let w: World;
  let pushBody: string;

  before(async () => {
    w = await createWorld();
    const repo = await w.addRepo('ledger', { 'README.md': '# ledger\n' });
    pushBody = JSON.stringify(w.pushPayload('ledger', '0'.repeat(40), repo.head));
  });
  after(async () => {
    await w?.close();
  });

  const post = () =>
    request(w.app)
      .post('/webhooks/github')
      .set('content-type', 'application/json')
      .set('x-github-event', 'push')
      .set('x-github-delivery', randomUUID());

  it('refuses a malformed signature header with 401 naming the expected form', async () => {
    for (const header of ['sha1=abc', 'sha256=xyz', `sha256=${'a'.repeat(63)}`]) {
      const res = await post().set('x-hub-signature-256', header).send(pushBody);
      assert.equal(res.status, 401, header);
      assert.match(res.body.detail, /malformed X-Hub-Signature-256: expected sha256= and 64 hex/);
    }
    assert.equal(await w.count('webhook_deliveries'), 0);
  });

  it('refuses a declared size over the limit before reading the body (413)', async () => {
    const app = createApp({
      db: w.db,
      logger: silentLogger,
      metrics: createMetrics({ processMetrics: false }),
      webhooks: { secret: SECRET, enqueue: async () => false, bodyLimit: '1kb' },
    });
    const server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      // Declare 10 MB and send only the headers: the answer comes without the body being sent.
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/webhooks/github',
          headers: {
            'content-type': 'application/json',
            'content-length': String(10 * 1024 * 1024),
            'x-github-event': 'push',
            'x-github-delivery': randomUUID(),
            'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
          },
        });
        req.on('response', (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body });
            req.destroy();
          });
        });
        req.on('error', reject);
        req.flushHeaders();
      });
      assert.equal(answer.status, 413);
      assert.match(answer.body, /declares 10485760 bytes; the limit is 1kb/);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    assert.equal(await w.count('webhook_deliveries'), 0);
  });

  it('verifies the HMAC over the raw bytes: non-ASCII payloads signed by GitHub are accepted', async () => {
    const payload = JSON.parse(pushBody) as { head_commit?: { message?: string } };
    payload.head_commit = { ...payload.head_commit, message: 'Réglage du délai — 5 s ✓' };
    const bytes = Buffer.from(JSON.stringify(payload), 'utf8');
    const res = await post()
      .set('x-hub-signature-256', signBytes(bytes))
      .send(bytes.toString('utf8'));
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.notEqual(res.body.status, 'ignored');
    await w.db.query('DELETE FROM webhook_deliveries');
  });

  it('refuses a correctly signed body that is not UTF-8, naming the byte offset', async () => {
    const good = Buffer.from(pushBody, 'utf8');
    const at = 20;
    const bad = Buffer.concat([good.subarray(0, at), Buffer.from([0xff]), good.subarray(at)]);
    // superagent would re-encode a Buffer sent as JSON: write the bytes as they are.
    const res = await post()
      .set('x-hub-signature-256', signBytes(bad))
      .serialize((b: Buffer) => b as unknown as string)
      .send(bad);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.match(res.body.detail, /not valid UTF-8 \(byte offset 20\)/);
    assert.deepEqual(res.body.details, { byteOffset: 20 });
    assert.equal(await w.count('webhook_deliveries'), 0);
  });

  it('never takes a payload commit id that is not a sha into a job: the push is ignored', async () => {
    const payload = JSON.parse(pushBody) as { after: string };
    payload.after = '../../refs/heads/main:evil';
    const res = await w.deliver('push', payload);
    assert.equal(res.status, 202);
    assert.deepEqual([res.body.status, res.body.reason], ['ignored', 'after is not a commit sha']);
    assert.equal(await w.count('webhook_deliveries'), 0);
  });
});
