/**
 * `steering rollout list | status <id> [--watch] | promote <id> | reconcile`: rollouts from
 * PostgreSQL (the truth), promotion of the remaining waves, and re-enqueueing due targets.
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { SteeringError } from '../../errors.js';
import {
  formatProgress,
  openRolloutRuntime,
  promoteRollout,
  reconcileRollouts,
} from '../../jobs/index.js';
import { createLogger } from '../../log.js';
import {
  getRollout,
  listRollouts,
  listRolloutTargets,
  openDatabase,
  type Db,
} from '../../store/index.js';
import { formatTable } from '../format-table.js';

const parseId = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new SteeringError('USAGE', `not a rollout id: ${v}`);
  return n;
};

async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase(config, {
    logger: createLogger({ level: 'warn', destination: process.stderr }),
  });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

export function registerRollout(program: Command): void {
  const rollout = program.command('rollout').description('rollouts of published versions');

  rollout
    .command('list')
    .description('the latest rollouts with their progress')
    .option('--limit <n>', 'how many', (v) => Number.parseInt(v, 10), 20)
    .action((opts: { limit: number }) =>
      withDb(async (db) => {
        for (const r of await listRollouts(db, { limit: opts.limit })) {
          process.stdout.write(`${formatProgress(r)}\n`);
        }
      }),
    );

  rollout
    .command('status')
    .description('progress of one rollout, with its per-repository rows')
    .argument('<id>', 'rollout id', parseId)
    .option('--watch', 'keep a live progress line until the rollout has nothing queued')
    .option('--json', 'print as JSON')
    .action((id: number, opts: { watch?: boolean; json?: boolean }) =>
      withDb(async (db) => {
        const get = async () => {
          const r = await getRollout(db, id);
          if (!r) throw new SteeringError('NOT_FOUND', `no rollout ${id}`);
          return r;
        };
        let r = await get();
        if (opts.watch && process.stdout.isTTY) {
          while (r.counts.queued > 0 && r.state === 'running') {
            process.stdout.write(`\r${formatProgress(r)}\x1b[K`);
            await new Promise((resolve) => setTimeout(resolve, 1000));
            r = await get();
          }
          process.stdout.write('\r\x1b[K');
        } else if (opts.watch) {
          while (r.counts.queued > 0 && r.state === 'running') {
            await new Promise((resolve) => setTimeout(resolve, 1000));
            r = await get();
          }
        }
        const targets = await listRolloutTargets(db, id, { limit: 10_000 });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ ...r, targets }, null, 2)}\n`);
          return;
        }
        process.stdout.write(`${formatProgress(r)}\n`);
        process.stdout.write(
          `${formatTable(
            ['repository', 'wave', 'state', 'pr', 'attempts', 'last error'],
            targets.map((t) => [
              t.repository,
              String(t.wave),
              t.state,
              t.prNumber ? `#${t.prNumber}` : '',
              String(t.attempts),
              t.lastError ?? '',
            ]),
            [0, 0, 0, 0, 0, 100],
          )}\n`,
        );
      }),
    );

  rollout
    .command('promote')
    .description('release every remaining wave now (e.g. after the canary wave)')
    .argument('<id>', 'rollout id', parseId)
    .action(async (id: number) => {
      const config = loadConfig();
      const runtime = openRolloutRuntime(config);
      try {
        const n = await withDb((db) => promoteRollout(db, runtime.queue, id));
        process.stdout.write(`rollout ${id}: ${n} target(s) enqueued\n`);
      } finally {
        await runtime.close();
      }
    });

  rollout
    .command('reconcile')
    .description('re-enqueue every queued target PostgreSQL holds (after Redis lost its data)')
    .action(async () => {
      const config = loadConfig();
      const runtime = openRolloutRuntime(config);
      try {
        const n = await withDb((db) => reconcileRollouts(db, runtime.queue));
        process.stdout.write(`${n} queued target(s) ensured in the queue\n`);
      } finally {
        await runtime.close();
      }
    });
}
