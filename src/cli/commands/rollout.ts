/**
 * `steering rollout list | status <id> [--watch] | promote <id> | reconcile`: rollouts from
 * PostgreSQL (the truth), promotion of the remaining waves, and re-enqueueing due targets.
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../../config.js';
import { SteeringError } from '../../errors.js';
import {
  formatProgress,
  openRolloutRuntime,
  promoteRollout,
  reconcileRollouts,
  type RolloutRuntime,
} from '../../jobs/index.js';
import { createLogger } from '../../log.js';
import {
  getRollout,
  listRollouts,
  listRolloutTargets,
  openDatabase,
  type Db,
  type RolloutRecord,
  type RolloutTargetRecord,
} from '../../store/index.js';
import { logDestination, type CliIo } from '../cli-io.js';
import { formatTable } from '../format-table.js';
import { findServer, type ServerClient } from '../server-client.js';

const parseId = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new SteeringError('USAGE', `not a rollout id: ${v}`);
  return n;
};

async function withDb<T>(config: Config, io: CliIo, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDatabase(config, {
    logger: createLogger({ level: 'warn', destination: logDestination(io.stderr) }),
  });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Where `rollout list|status` read: the running server's API, else the database. */
interface RolloutSource {
  list(limit: number): Promise<RolloutRecord[]>;
  get(id: number): Promise<RolloutRecord | null>;
  targets(id: number): Promise<RolloutTargetRecord[]>;
}

function serverSource(server: ServerClient): RolloutSource {
  return {
    list: async (limit) =>
      (await server.request<{ rollouts: RolloutRecord[] }>('GET', `/v1/rollouts?limit=${limit}`))
        .rollouts,
    get: (id) =>
      server.request<RolloutRecord>('GET', `/v1/rollouts/${id}?limit=1`).catch((err) => {
        if ((err as SteeringError).code === 'NOT_FOUND') return null;
        throw err;
      }),
    targets: async (id) =>
      (
        await server.request<{ targets: RolloutTargetRecord[] }>(
          'GET',
          `/v1/rollouts/${id}?limit=500`,
        )
      ).targets,
  };
}

async function withRollouts<T>(io: CliIo, fn: (source: RolloutSource) => Promise<T>): Promise<T> {
  const config = loadConfig(io.env);
  const server = findServer(config);
  if (server) return fn(serverSource(server));
  return withDb(config, io, (db) =>
    fn({
      list: (limit) => listRollouts(db, { limit }),
      get: (id) => getRollout(db, id),
      targets: (id) => listRolloutTargets(db, id, { limit: 10_000 }),
    }),
  );
}

export function registerRollout(program: Command, io: CliIo): void {
  const rollout = program.command('rollout').description('rollouts of published versions');

  rollout
    .command('list')
    .description('the latest rollouts with their progress')
    .option('--limit <n>', 'how many', (v) => Number.parseInt(v, 10), 20)
    .action((opts: { limit: number }) =>
      withRollouts(io, async (source) => {
        for (const r of await source.list(opts.limit)) io.stdout.write(`${formatProgress(r)}\n`);
      }),
    );

  rollout
    .command('status')
    .description('progress of one rollout, with its per-repository rows')
    .argument('<id>', 'rollout id', parseId)
    .option('--watch', 'keep a live progress line until the rollout has nothing queued')
    .option('--json', 'print as JSON')
    .action((id: number, opts: { watch?: boolean; json?: boolean }) =>
      withRollouts(io, (source) => showStatus(io, source, id, opts)),
    );

  rollout
    .command('promote')
    .description('release every remaining wave now (e.g. after the canary wave)')
    .argument('<id>', 'rollout id', parseId)
    .action(async (id: number) => {
      const n = await enqueueThroughServerOrQueue(io, `/v1/rollouts/${id}/promote`, (db, queue) =>
        promoteRollout(db, queue, id, { actor: `cli:${userInfo().username}` }),
      );
      io.stdout.write(`rollout ${id}: ${n} target(s) enqueued\n`);
    });

  rollout
    .command('reconcile')
    .description('re-enqueue every queued target PostgreSQL holds (after Redis lost its data)')
    .action(async () => {
      const n = await enqueueThroughServerOrQueue(io, '/v1/rollouts/reconcile', (db, queue) =>
        reconcileRollouts(db, queue),
      );
      io.stdout.write(`${n} queued target(s) ensured in the queue\n`);
    });
}

async function waitForRollout(
  io: CliIo,
  get: () => Promise<RolloutRecord>,
  first: RolloutRecord,
): Promise<RolloutRecord> {
  let r = first;
  const live = io.stdout.isTTY === true;
  while (r.counts.queued > 0 && r.state === 'running') {
    if (live) io.stdout.write(`\r${formatProgress(r)}\x1b[K`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    r = await get();
  }
  if (live) io.stdout.write('\r\x1b[K');
  return r;
}

async function showStatus(
  io: CliIo,
  source: RolloutSource,
  id: number,
  opts: { watch?: boolean; json?: boolean },
): Promise<void> {
  const get = async () => {
    const r = await source.get(id);
    if (!r) throw new SteeringError('NOT_FOUND', `no rollout ${id}`);
    return r;
  };
  let r = await get();
  if (opts.watch) r = await waitForRollout(io, get, r);
  const targets = await source.targets(id);
  if (opts.json) {
    io.stdout.write(`${JSON.stringify({ ...r, targets }, null, 2)}\n`);
    return;
  }
  io.stdout.write(`${formatProgress(r)}\n`);
  io.stdout.write(
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
}

/** `promote` and `reconcile`: the running server does it, else this process with the queue. */
async function enqueueThroughServerOrQueue(
  io: CliIo,
  serverPath: string,
  direct: (db: Db, queue: RolloutRuntime['queue']) => Promise<number>,
): Promise<number> {
  const config = loadConfig(io.env);
  const server = findServer(config);
  if (server) return (await server.request<{ enqueued: number }>('POST', serverPath)).enqueued;
  const runtime = openRolloutRuntime(config);
  try {
    return await withDb(config, io, (db) => direct(db, runtime.queue));
  } finally {
    await runtime.close();
  }
}
