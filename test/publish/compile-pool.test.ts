/**
 * Publishing through the API compiles in a worker thread within limits: the API answers while a
 * large document compiles, and a hostile document is refused with a problem naming the limit,
 * storing nothing.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/http/index.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { createCompilePool, type CompilePool } from '../../src/publish/index.js';
import { createApiToken } from '../../src/store/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

/** A document of `sections` × `items` threshold rules (about 45 bytes a rule). */
function bigGuideline(id: string, sections: number, items: number): string {
  const out = [`---\nid: ${id}\n---\n# Limits of ${id}\n`];
  for (let s = 0; s < sections; s++) {
    out.push(`\n## Area ${s}\n`);
    for (let i = 0; i < items; i++) out.push(`- Endpoint ${s}x${i} response time: < ${100 + i}ms`);
  }
  return out.join('\n') + '\n';
}

describe('publishing compiles off the event loop, within limits', () => {
  let t: TestDatabase;
  let pool: CompilePool;
  let base: string;
  let token: string;
  let close: () => Promise<void>;

  before(async () => {
    t = await createTestDatabase();
    pool = createCompilePool({
      maxBytes: 4 * 1024 * 1024,
      maxRules: 40_000,
      maxNesting: 32,
      timeoutMs: 600_000,
    });
    const app = createApp({
      db: t.db,
      logger: silentLogger,
      metrics: createMetrics({ processMetrics: false }),
      bodyLimit: '8mb',
      compile: pool.compile,
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    token = (await createApiToken(t.db, { name: 'publisher', scopes: ['publish', 'read'] })).token;
    close = () => new Promise((r) => server.close(() => r()));
  });
  after(async () => {
    await close();
    await pool.close();
    await t.drop();
  });

  const publish = (id: string, body: string | Uint8Array) =>
    fetch(`${base}/v1/guidelines/${id}/versions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/markdown' },
      body,
    });

  it('answers /health while a large document compiles', async () => {
    const doc = bigGuideline('big', 100, 150); // 15,000 rules, ~700 KB
    let publishDone = false;
    const published = publish('big', doc).then(async (r) => {
      publishDone = true;
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    });
    let answeredDuring = 0;
    while (!publishDone) {
      const h = await fetch(`${base}/health`);
      assert.equal(h.status, 200);
      if (!publishDone) answeredDuring++;
    }
    const r = await published;
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.version, '1.0.0');
    assert.ok(answeredDuring > 0, 'the API answered while the document compiled');
  });

  it('refuses a deeply nested document before parsing it (422 naming the limit)', async () => {
    const r = await publish('nested', `# Nested\n\n${'> '.repeat(10_000)}deep\n`);
    assert.equal(r.status, 422);
    const body = (await r.json()) as { detail: string; details: { limit: string; line: number } };
    assert.match(body.detail, /nested\.md:3:1: .*nest 10000 levels deep.*STEERING_MAX_NESTING/);
    assert.equal(body.details.limit, 'STEERING_MAX_NESTING');
    const lists = await publish('lists', `# Lists\n\n${'- '.repeat(5_000)}deep\n`);
    assert.equal(lists.status, 422);
    assert.equal(((await lists.json()) as { code: string }).code, 'INVALID_DOCUMENT');
  });

  it('refuses a document over the size, rule or time limits, storing nothing', async () => {
    const small = createCompilePool({
      maxBytes: 64 * 1024,
      maxRules: 20,
      maxNesting: 32,
      timeoutMs: 600_000,
    });
    const slow = createCompilePool({
      maxBytes: 4 * 1024 * 1024,
      maxRules: 40_000,
      maxNesting: 32,
      timeoutMs: 100,
    });
    try {
      await assert.rejects(
        small.compile({ source: bigGuideline('huge', 40, 50), path: 'huge.md' }),
        (err: Error & { code?: string }) =>
          err.code === 'PAYLOAD_TOO_LARGE' && /STEERING_MAX_DOCUMENT_BYTES/.test(err.message),
      );
      await assert.rejects(
        small.compile({ source: bigGuideline('many', 3, 10), path: 'many.md' }),
        (err: Error & { code?: string }) =>
          err.code === 'INVALID_DOCUMENT' && /30 rules; the limit is 20/.test(err.message),
      );
      // Starting a thread and compiling 2,000 rules takes longer than 100 ms on any machine.
      await assert.rejects(
        slow.compile({ source: bigGuideline('slow', 40, 50), path: 'slow.md' }),
        (err: Error & { code?: string }) =>
          err.code === 'INVALID_DOCUMENT' && /STEERING_COMPILE_TIMEOUT_MS/.test(err.message),
      );
      // The pool is usable after a stopped compile.
      const ok = await small.compile({ source: bigGuideline('fine', 1, 3), path: 'fine.md' });
      assert.equal(ok.document.rules.length, 3);
    } finally {
      await small.close();
      await slow.close();
    }
  });

  it('refuses a document that is not UTF-8 with the byte offset (422), storing nothing', async () => {
    const bytes = Buffer.concat([Buffer.from('# Latin\n\n- caf'), Buffer.from([0xe9, 0x0a])]);
    const r = await publish('latin', bytes);
    assert.equal(r.status, 422);
    const body = (await r.json()) as { detail: string; details: { byteOffset: number } };
    assert.match(body.detail, /not valid UTF-8 \(byte offset 14\)/);
    assert.equal(body.details.byteOffset, 14);
    const stored = await t.db.query(`SELECT 1 FROM guidelines WHERE id = 'latin'`);
    assert.equal(stored.rows.length, 0);
  });
});
