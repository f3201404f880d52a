/**
 * `steering rollout list | status <id> [--watch] | promote <id> | reconcile`: rollouts from
 * PostgreSQL (the truth), promotion of the remaining waves, and re-enqueueing due targets.
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../../config.js';
import { SteeringError } from '../../errors.js';
import {
  createRollout,
  enqueueRollout,
  formatProgress,
  openRolloutRuntime,
  planDistribution,
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
  type Transaction,
} from '../../store/index.js';
import { compileForPublish, type PublishResult } from '../../publish/index.js';
import { formatTable } from '../format-table.js';
import { findServer } from '../server-client.js';
import type { RolloutRecord, RolloutTargetRecord } from '../../store/index.js';

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

/** Where `rollout list|status` read: the running server's API, else the database. */
interface RolloutSource {
  list(limit: number): Promise<RolloutRecord[]>;
  get(id: number): Promise<RolloutRecord | null>;
  targets(id: number): Promise<RolloutTargetRecord[]>;
}

async function withRollouts<T>(fn: (source: RolloutSource) => Promise<T>): Promise<T> {
  const server = findServer(loadConfig());
  if (server) {
    return fn({
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
    });
  }
  return withDb((db) =>
    fn({
      list: (limit) => listRollouts(db, { limit }),
      get: (id) => getRollout(db, id),
      targets: (id) => listRolloutTargets(db, id, { limit: 10_000 }),
    }),
  );
}

export function registerRollout(program: Command): void {
  const rollout = program.command('rollout').description('rollouts of published versions');

  rollout
    .command('list')
    .description('the latest rollouts with their progress')
    .option('--limit <n>', 'how many', (v) => Number.parseInt(v, 10), 20)
    .action((opts: { limit: number }) =>
      withRollouts(async (source) => {
        for (const r of await source.list(opts.limit)) {
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
      withRollouts(async (source) => {
        const get = async () => {
          const r = await source.get(id);
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
        const targets = await source.targets(id);
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
      const server = findServer(config);
      if (server) {
        const r = await server.request<{ enqueued: number }>('POST', `/v1/rollouts/${id}/promote`);
        process.stdout.write(`rollout ${id}: ${r.enqueued} target(s) enqueued\n`);
        return;
      }
      const runtime = openRolloutRuntime(config);
      try {
        const n = await withDb((db) =>
          promoteRollout(db, runtime.queue, id, { actor: `cli:${userInfo().username}` }),
        );
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
      const server = findServer(config);
      if (server) {
        const r = await server.request<{ enqueued: number }>('POST', '/v1/rollouts/reconcile');
        process.stdout.write(`${r.enqueued} queued target(s) ensured in the queue\n`);
        return;
      }
      const runtime = openRolloutRuntime(config);
      try {
        const n = await withDb((db) => reconcileRollouts(db, runtime.queue));
        process.stdout.write(`${n} queued target(s) ensured in the queue\n`);
      } finally {
        await runtime.close();
      }
    });
}

/**
 * For `steering publish`: a rollout per stored version, created in the publishing transaction;
 * `finish()` enqueues them (when Redis cannot be reached within 5 s the rollouts stay queued in
 * PostgreSQL and `steering worker` enqueues them when it reconciles) and prints one line each.
 */
export function publishRollouts(config: Config, db: Db) {
  const created: number[] = [];
  const none: string[] = [];
  return {
    onPublished: async (tx: Transaction, result: PublishResult) => {
      const id = await createRollout(tx, {
        guideline: result.guideline,
        version: result.version,
        appliesTo: result.record?.appliesTo ?? null,
        createdBy: result.record?.publisher ?? 'cli',
        selectors: config.rollout,
      });
      if (id === null) none.push(`${result.guideline} ${result.version}`);
      else created.push(id);
    },
    /** Enqueue the created rollouts; prints one line each unless `quiet`. */
    async finish(quiet = false): Promise<void> {
      const print = (line: string) => {
        if (!quiet) process.stdout.write(`${line}\n`);
      };
      for (const v of none) {
        print(
          config.github.auth.kind === 'none'
            ? `${v}: no rollout: GitHub is not configured, so no repository receives it (set GITHUB_APP_ID with GITHUB_PRIVATE_KEY, or GITHUB_TOKEN; then \`steering repos sync\`)`
            : `${v}: no rollout: no eligible repository in the registry (run \`steering repos sync\`; see \`steering repos list\`)`,
        );
      }
      const rollouts = [];
      for (const id of created) {
        const r = await getRollout(db, id);
        if (r) rollouts.push(r);
      }
      if (!rollouts.length) return;
      if (!config.redis.url) {
        for (const r of rollouts)
          print(
            `rollout ${r.id}: ${r.total} repositories, queued in the database; \`steering serve\` enqueues them when it starts (in-process queues: REDIS_URL is unset)`,
          );
        return;
      }
      const runtime = openRolloutRuntime(config);
      try {
        for (const r of rollouts) {
          const enqueued = await Promise.race([
            enqueueRollout(db, runtime.queue, r.id),
            new Promise<null>((resolve) => setTimeout(() => resolve(null), 5000).unref()),
          ]);
          print(
            `rollout ${r.id}: ${r.total} repositories, ${
              enqueued === null
                ? 'not enqueued (Redis unreachable; `steering worker` will enqueue it)'
                : `${enqueued} enqueued`
            }; follow it with \`steering rollout status ${r.id} --watch\``,
          );
        }
      } finally {
        await runtime.close();
      }
    },
  };
}

/** For `steering publish --dry-run`: which repositories would change, which are up to date. */
export async function printDistributionPlan(
  config: Config,
  db: Db,
  input: { source: string | Uint8Array; path: string; version: string },
): Promise<void> {
  if (config.github.auth.kind === 'none') {
    process.stdout.write('plan: GitHub is not configured (GITHUB_APP_ID or GITHUB_TOKEN)\n');
    return;
  }
  const { document, source } = compileForPublish(input);
  const runtime = openRolloutRuntime(config);
  try {
    const rows = await planDistribution(db, runtime.github, {
      guideline: document.id,
      version: input.version,
      source,
      rules: document.rules,
      appliesTo: document.appliesTo ?? null,
      selectors: config.rollout,
    });
    const count = (a: string) => rows.filter((r) => r.action === a).length;
    process.stdout.write(
      `plan for ${document.id} ${input.version}: ${rows.length} repositories: ${count('change')} would get a pull request, ${count('up-to-date')} up to date, ${count('error')} unreadable\n`,
    );
    for (const r of rows) {
      process.stdout.write(
        `    ${r.action === 'change' ? 'change    ' : r.action === 'up-to-date' ? 'up-to-date' : 'error     '} ${r.repository}${r.wave === 0 ? ' (canary)' : ''}${r.detail ? `: ${r.detail}` : ''}\n`,
      );
    }
  } finally {
    await runtime.close();
  }
}
