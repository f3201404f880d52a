/**
 * Fault scenario: PostgreSQL restarted under traffic. `steering serve` reaches the shared server
 * through a TCP proxy of this test's own; while reads and signed webhooks flow, the proxy drops
 * every connection and refuses new ones (a restarting server), then accepts again. What must hold:
 * `/ready` names PostgreSQL as down, then answers 200 again; every request is answered within a
 * bound meanwhile (a 503 problem, never a hang); every webhook answered 202 is recorded and
 * processed (nothing acknowledged is lost, nothing recorded twice); and the same process serves
 * again once PostgreSQL is back: its pool recovers without a restart.
 */
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createApiToken } from '../../src/store/index.js';
import { TEST_REDIS_URL } from '../support/app.js';
import { TEST_DATABASE_URL, createTestDatabase, type TestDatabase } from '../support/db.js';
import { waitUntil } from '../support/wait-until.js';
import {
  databaseUrlFor,
  startSteering,
  tearDown,
  type SteeringProcess,
} from './steering-process.js';
import { startProxy, type TcpProxy } from './tcp-proxy.js';

const SECRET = 'faults-secret';
/** No request may take longer than this, whatever the database does. */
const BOUND_MS = 10_000;

interface Answer {
  kind: 'read' | 'webhook';
  status: number;
  ms: number;
  phase: string;
  deliveryId?: string;
  type: string;
  detail?: string;
}

/** Reads and signed `repository` webhooks, sent back to back by a few loops until stopped. */
function traffic(url: string, token: string, loops: number) {
  const answers: Answer[] = [];
  const waiters: Array<{ test: () => boolean; resolve: () => void }> = [];
  let phase = 'up';
  let stopped = false;
  let n = 0;
  const settle = () => {
    for (const w of waiters.filter((w) => w.test())) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  async function send(kind: Answer['kind']): Promise<Answer> {
    const started = performance.now();
    const at = phase;
    let deliveryId: string | undefined;
    let init: RequestInit;
    if (kind === 'read') {
      init = { headers: { authorization: `Bearer ${token}` } };
    } else {
      deliveryId = randomUUID();
      const id = 900_000 + ++n;
      const body = JSON.stringify({
        action: 'created',
        repository: { id, name: `r${id}`, full_name: `acme/r${id}`, owner: { login: 'acme' } },
        installation: { id: 1 },
      });
      init = {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'repository',
          'x-github-delivery': deliveryId,
          'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
        },
        body,
      };
    }
    const path = kind === 'read' ? '/v1/guidelines' : '/webhooks/github';
    const r = await fetch(`${url}${path}`, { ...init, signal: AbortSignal.timeout(BOUND_MS) });
    const text = await r.text();
    return {
      kind,
      status: r.status,
      ms: performance.now() - started,
      phase: at,
      type: r.headers.get('content-type') ?? '',
      ...(deliveryId ? { deliveryId } : {}),
      ...(r.status >= 400 ? { detail: text } : {}),
    };
  }
  const run = async (i: number) => {
    for (let k = i; !stopped; k++) {
      answers.push(await send(k % 2 === 0 ? 'read' : 'webhook'));
      settle();
    }
  };
  const running = Promise.all(Array.from({ length: loops }, (_, i) => run(i)));
  return {
    answers,
    enter(next: string) {
      phase = next;
    },
    /** Resolves once `count` answers of `phase` match `pick`. */
    seen(count: number, phase: string, pick: (a: Answer) => boolean): Promise<void> {
      const test = () => answers.filter((a) => a.phase === phase && pick(a)).length >= count;
      return test() ? Promise.resolve() : new Promise((resolve) => waiters.push({ test, resolve }));
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}

describe('faults: PostgreSQL restarted', () => {
  let t: TestDatabase;
  let proxy: TcpProxy;
  let serve: SteeringProcess | undefined;
  const prefix = `faults-${randomUUID().slice(0, 8)}`;

  before(async () => {
    t = await createTestDatabase();
    const u = new URL(TEST_DATABASE_URL);
    proxy = startProxy({ host: u.hostname, port: Number(u.port || 5432) });
  });
  after(async () => {
    await tearDown({ serve, prefix, t });
    await proxy.close();
  });

  it('answers within a bound while PostgreSQL restarts, loses nothing acknowledged and recovers without a restart', async () => {
    const via = new URL(databaseUrlFor(t.schema));
    via.port = String(await proxy.listening);
    serve = await startSteering({
      DATABASE_URL: via.toString(),
      REDIS_URL: TEST_REDIS_URL,
      STEERING_QUEUE_PREFIX: prefix,
      GITHUB_TOKEN: undefined,
      GITHUB_APP_ID: undefined,
      GITHUB_WEBHOOK_SECRET: SECRET,
      DB_QUERY_TIMEOUT_MS: '2000',
      DB_CONNECT_TIMEOUT_MS: '2000',
      STEERING_OUTBOX_EVERY_SECONDS: '1',
    });
    await serve.listening();
    const pid = serve.child.pid;
    const { token } = await createApiToken(t.db, { name: 'reader', scopes: ['read'] });
    const ready = async () => {
      const r = await fetch(`${serve!.url}/ready`, { signal: AbortSignal.timeout(BOUND_MS) });
      const body = (await r.json()) as { checks: Record<string, { status: string }> };
      return { status: r.status, postgres: body.checks.postgres?.status };
    };
    assert.deepEqual(await ready(), { status: 200, postgres: 'up' });

    const flow = traffic(serve.url, token, 3);
    const ok = (a: Answer) => a.status === 200 || a.status === 202;
    await flow.seen(10, 'up', (a) => a.kind === 'webhook' && ok(a));

    await proxy.stop();
    flow.enter('down');
    console.log('  proxy stopped: every PostgreSQL connection dropped, new ones refused');
    await waitUntil('/ready to name PostgreSQL down', async () => {
      const r = await ready();
      return r.status === 503 && r.postgres === 'down';
    });
    await flow.seen(6, 'down', (a) => a.status === 503);

    await proxy.start();
    flow.enter('back');
    console.log('  proxy started again');
    await waitUntil('/ready to answer 200 again', async () => (await ready()).status === 200);
    await flow.seen(10, 'back', (a) => a.kind === 'webhook' && a.status === 202);
    await flow.seen(10, 'back', (a) => a.kind === 'read' && a.status === 200);
    await flow.stop();

    const answers = flow.answers;
    const slowest = Math.max(...answers.map((a) => a.ms));
    const tally = (phase: string) =>
      Object.entries(
        answers
          .filter((a) => a.phase === phase)
          .reduce<Record<string, number>>((m, a) => {
            const key = `${a.kind} ${a.status}`;
            m[key] = (m[key] ?? 0) + 1;
            return m;
          }, {}),
      )
        .map(([k, v]) => `${k} ×${v}`)
        .join(', ');
    for (const phase of ['up', 'down', 'back']) console.log(`  ${phase}: ${tally(phase)}`);
    console.log(`  ${answers.length} answers, the slowest in ${Math.round(slowest)} ms`);

    assert.ok(slowest < BOUND_MS, `every answer within ${BOUND_MS} ms`);
    for (const a of answers) {
      const expected = a.kind === 'read' ? [200, 503] : [202, 503];
      assert.ok(expected.includes(a.status), `${a.kind} answered ${a.status}: ${a.detail}`);
      if (a.status === 503) {
        assert.match(a.type, /^application\/problem\+json/);
        assert.doesNotMatch(a.detail ?? '', /SELECT|INSERT|sqlstate|ECONNREFUSED/i);
      }
    }
    assert.equal(serve.child.pid, pid);
    assert.equal(serve.child.exitCode, null, 'the same process serves again');

    const acknowledged = answers.filter((a) => a.status === 202).map((a) => a.deliveryId!);
    const rows = await waitUntil('every acknowledged delivery processed', async () => {
      const r = await t.db.query<{ delivery_id: string; processed: boolean }>(
        `SELECT delivery_id, processed_at IS NOT NULL AS processed FROM webhook_deliveries
          WHERE delivery_id = ANY($1::text[])`,
        [acknowledged],
      );
      return r.rows.length === acknowledged.length && r.rows.every((x) => x.processed) && r.rows;
    });
    console.log(
      `  ${acknowledged.length} webhooks acknowledged; ${rows.length} recorded and processed`,
    );
    const repos = await t.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM repositories WHERE name LIKE 'r9%'`,
    );
    assert.ok(
      Number(repos.rows[0]?.n) >= acknowledged.length,
      'each processed delivery took effect',
    );
  });
});
