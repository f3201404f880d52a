/**
 * What a transaction body's errors become, on both drivers: database errors are translated into
 * our words, programming errors and our own errors pass through unchanged (a TypeError is a 500
 * with a stack, not a 503 "database unavailable"), and the embedded driver refuses `db.query`
 * inside `db.transaction` at once instead of waiting for ever.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SteeringError, describeError } from '../../src/errors.js';
import { outsideTransaction } from '../../src/store/index.js';
import { createTestDatabaseOf, TEST_DRIVERS, type TestDatabase } from '../support/db.js';
import { waitUntil } from '../support/wait-until.js';

for (const driver of TEST_DRIVERS) {
  describe(`transaction errors (${driver})`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabaseOf(driver);
    });
    after(() => t.drop());

    it('rethrows a TypeError from the body unchanged: a 500, not "database unavailable"', async () => {
      const bug = new TypeError('cannot read properties of undefined');
      await assert.rejects(
        t.db.transaction(async (tx) => {
          await tx.query('SELECT 1');
          throw bug;
        }),
        (err: unknown) => {
          assert.equal(err, bug);
          assert.equal(describeError(err).status, 500);
          return true;
        },
      );
    });

    it('rethrows our own errors unchanged', async () => {
      const ours = new SteeringError('NOT_FOUND', 'no such guideline');
      await assert.rejects(
        t.db.transaction(async () => {
          throw ours;
        }),
        (err: unknown) => err === ours,
      );
    });

    it('translates a database error raised in the body into a 4xx error of ours', async () => {
      await assert.rejects(
        t.db.transaction((tx) => tx.query('SELECT 1 / 0')),
        (err: unknown) => {
          assert.ok(err instanceof SteeringError);
          assert.equal(err.code, 'INVALID_INPUT');
          assert.equal(describeError(err).status < 500, true);
          return true;
        },
      );
    });

    it("says what went wrong in our words: no SQL text, PostgreSQL's message or SQLSTATE", async () => {
      await assert.rejects(
        t.db.transaction((tx) => tx.query(`SELECT 'abc'::int`)),
        (err: unknown) => {
          assert.ok(err instanceof SteeringError);
          assert.equal(err.code, 'INVALID_INPUT');
          assert.equal(
            err.message,
            'the database rejected the request: a value has the wrong format',
          );
          assert.equal(err.details, undefined);
          return true;
        },
      );
    });

    it('rolls back: nothing of a failed body is visible', async () => {
      await t.db.query('CREATE TABLE IF NOT EXISTS tx_probe (n integer)');
      await assert.rejects(
        t.db.transaction(async (tx) => {
          await tx.query('INSERT INTO tx_probe (n) VALUES (1)');
          throw new RangeError('late failure');
        }),
        RangeError,
      );
      const r = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM tx_probe');
      assert.equal(r.rows[0]?.n, 0);
    });
  });
}

describe('the embedded driver guards against its own deadlock', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabaseOf('pglite');
  });
  after(() => t.drop());

  it('db.query awaited inside db.transaction fails at once with a named error', async () => {
    await assert.rejects(
      t.db.transaction(async () => {
        await t.db.query('SELECT 1');
      }),
      (err: unknown) => {
        assert.ok(err instanceof SteeringError);
        assert.equal(err.code, 'INTERNAL');
        assert.match(err.message, /inside db\.transaction.*tx\.query/);
        return true;
      },
    );
    // The database is still usable afterwards.
    assert.equal((await t.db.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one, 1);
  });

  it('work scheduled by the body to run after it (outsideTransaction) may query', async () => {
    let scheduled: Promise<number> | undefined;
    await t.db.transaction(async (tx) => {
      await tx.query('SELECT 1');
      scheduled = outsideTransaction(() =>
        Promise.resolve().then(async () => {
          const r = await t.db.query<{ two: number }>('SELECT 2 AS two');
          return r.rows[0]?.two ?? -1;
        }),
      );
    });
    assert.equal(await scheduled, 2);
  });
});

describe('a connection lost while a transaction awaits other work (postgres)', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabaseOf('postgres');
  });
  after(() => t.drop());

  it('fails the transaction as DATABASE_ERROR instead of ending the process', async () => {
    await assert.rejects(
      t.db.transaction(async (tx) => {
        const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        const pid = rows[0]!.pid;
        // The server ends this transaction's connection while the body awaits something else;
        // its socket closes between two statements, where no query is there to take the error.
        await t.db.query('SELECT pg_terminate_backend($1)', [pid]);
        await waitUntil('the backend to be gone', async () => {
          const r = await t.db.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
          return r.rows.length === 0;
        });
        await tx.query('SELECT 1');
      }),
      (err: unknown) => {
        assert.ok(err instanceof SteeringError);
        assert.equal(err.code, 'DATABASE_ERROR');
        return true;
      },
    );
    // The pool replaced the broken connection.
    assert.deepEqual((await t.db.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
  });
});
