/**
 * Fault scenarios (issue problems 1 and 5): hostile documents published through the API wired as
 * `serve` wires it (the compile pool with the default limits of `loadConfig`).
 * - A large document: `/health` answers while it compiles (the compile runs in a worker thread;
 *   before, it ran on the event loop and `/health` waited for it), and the limits refuse it with a
 *   problem naming the limit; an oversized one is refused before any compile (413).
 * - Deep nesting: 10,000 nested quotes, list items or ordered items in a 20 KB document are a 422
 *   naming STEERING_MAX_NESTING (before: a 500, "Maximum call stack size exceeded", after minutes
 *   of CPU); nothing is stored and the API keeps answering.
 * The test client shares the event loop with the app: a compile on that loop would keep the
 * `/health` request from even being sent until the compile had finished.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { createCompilePool, type CompilePool } from '../../src/publish/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { listenForPublishing, manyRules } from '../support/publishing-app.js';

interface Problem {
  code: string;
  detail: string;
  details?: { limit?: string };
}

describe('faults: hostile documents', () => {
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  let t: TestDatabase;
  let pool: CompilePool;
  let base: string;
  let token: string;
  let close: () => Promise<void>;
  /** Compiles started and finished, as the app asked the pool. */
  const compiles = { started: 0, finished: 0 };
  let onStarted: (() => void) | undefined;

  before(async () => {
    t = await createTestDatabase();
    pool = createCompilePool(config.compile);
    ({ base, token, close } = await listenForPublishing(t.db, {
      bodyLimit: '4mb',
      compile: async (input) => {
        compiles.started++;
        onStarted?.();
        try {
          return await pool.compile(input);
        } finally {
          compiles.finished++;
        }
      },
    }));
  });
  after(async () => {
    await close();
    await pool.close();
    await t.drop();
  });

  const publish = async (id: string, body: string) => {
    const r = await fetch(`${base}/v1/guidelines/${id}/versions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/markdown' },
      body,
    });
    return { status: r.status, body: (await r.json()) as Problem };
  };
  const stored = async (id: string) =>
    (await t.db.query(`SELECT 1 FROM guidelines WHERE id = $1`, [id])).rows.length;

  it('answers /health while a large document compiles, then refuses it naming the limit', async () => {
    const doc = manyRules('large', 30, 100); // 3,000 rules, about 120 KB: under the size limit
    assert.ok(Buffer.byteLength(doc) < config.compile.maxBytes);
    const started = new Promise<void>((r) => (onStarted = r));
    const before = compiles.finished;
    const published = publish('large', doc);
    await started;
    const health = await fetch(`${base}/health`);
    const stillCompiling = compiles.finished === before;
    assert.equal(health.status, 200);
    console.log(`  /health answered ${stillCompiling ? 'while' : 'after'} the document compiled`);
    assert.ok(stillCompiling, '/health answered only after the compile had finished');
    const r = await published;
    assert.ok([413, 422].includes(r.status), `status ${r.status}: ${JSON.stringify(r.body)}`);
    assert.match(r.body.details?.limit ?? '', /^STEERING_(MAX_RULES|COMPILE_TIMEOUT_MS)$/);
    console.log(`  publish refused: ${r.status} ${r.body.details?.limit}`);
    assert.equal(await stored('large'), 0, 'nothing is stored');
  });

  it('refuses a document over the size limit before compiling it (413)', async () => {
    const startedBefore = compiles.started;
    const finishedBefore = compiles.finished;
    const doc = manyRules('oversize', 300, 100); // about 1.3 MB
    assert.ok(Buffer.byteLength(doc) > config.compile.maxBytes);
    const r = await publish('oversize', doc);
    assert.equal(r.status, 413, JSON.stringify(r.body));
    assert.equal(r.body.details?.limit, 'STEERING_MAX_DOCUMENT_BYTES');
    assert.match(r.body.detail, /STEERING_MAX_DOCUMENT_BYTES/);
    // The pool was asked (it checks the limits first) but no thread compiled it.
    assert.equal(compiles.started - startedBefore, compiles.finished - finishedBefore);
    assert.equal(await stored('oversize'), 0);
  });

  const nested: Array<[string, string]> = [
    ['quotes', `# Quotes\n\n${'> '.repeat(10_000)}deep\n`],
    ['quotes-tight', `# Quotes\n\n${'>'.repeat(10_000)} deep\n`],
    ['items', `# Items\n\n${'- '.repeat(10_000)}deep\n`],
    ['ordered', `# Ordered\n\n${'1. '.repeat(7_000)}deep\n`],
    ['mixed', `# Mixed\n\n${'> - '.repeat(5_000)}deep\n`],
  ];
  for (const [id, doc] of nested) {
    it(`refuses ${id} nested 10,000 deep with a 422 naming STEERING_MAX_NESTING`, async () => {
      assert.ok(Buffer.byteLength(doc) <= 25_000);
      const r = await publish(id, doc);
      assert.equal(r.status, 422, JSON.stringify(r.body).slice(0, 500));
      assert.equal(r.body.code, 'INVALID_DOCUMENT');
      assert.equal(r.body.details?.limit, 'STEERING_MAX_NESTING');
      assert.doesNotMatch(r.body.detail, /call stack/i);
      assert.equal(await stored(id), 0);
      assert.equal((await fetch(`${base}/health`)).status, 200);
    });
  }

  it('refuses or compiles other deep structures (brackets, indentation) without a 500', async () => {
    const docs: Array<[string, string]> = [
      ['brackets', `# Brackets\n\n- ${'['.repeat(10_000)}x${']'.repeat(10_000)}\n`],
      [
        'indented',
        `# Indented\n\n${Array.from({ length: 150 }, (_, i) => `${'  '.repeat(i)}- item ${i}`).join('\n')}\n`,
      ],
    ];
    for (const [id, doc] of docs) {
      const r = await publish(id, doc);
      console.log(`  ${id}: ${r.status} ${r.body.details?.limit ?? r.body.code ?? ''}`);
      assert.ok(
        r.status < 500,
        `${id}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)} (a 4xx or a stored version)`,
      );
    }
    assert.equal((await fetch(`${base}/health`)).status, 200);
  });
});
