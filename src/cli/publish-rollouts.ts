/**
 * What `steering publish` does besides storing versions: a rollout per stored version (created in
 * the publishing transaction, enqueued after), and with --dry-run the distribution plan.
 */
import type { Config } from '../config.js';
import {
  createRolloutForPublished,
  enqueueRollout,
  openRolloutRuntime,
  planDistribution,
} from '../jobs/index.js';
import { compileForPublish, type PublishResult } from '../publish/index.js';
import { getRollout, type Db, type Transaction } from '../store/index.js';
import type { CliIo } from './cli-io.js';

/**
 * For `steering publish`: a rollout per stored version, created in the publishing transaction;
 * `finish()` enqueues them (when Redis cannot be reached within 5 s the rollouts stay queued in
 * PostgreSQL and `steering worker` enqueues them when it reconciles) and prints one line each.
 */
export function publishRollouts(config: Config, db: Db, io: CliIo) {
  const created: number[] = [];
  const none: string[] = [];
  return {
    onPublished: async (tx: Transaction, result: PublishResult) => {
      const id = await createRolloutForPublished(tx, result, {
        selectors: config.rollout,
        fallbackAuthor: 'cli',
      });
      if (id === null) none.push(`${result.guideline} ${result.version}`);
      else created.push(id);
    },
    /** Enqueue the created rollouts; prints one line each unless `quiet`. */
    async finish(quiet = false): Promise<void> {
      const print = (line: string) => {
        if (!quiet) io.stdout.write(`${line}\n`);
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
  io: CliIo,
  input: { source: string | Uint8Array; path: string; version: string },
): Promise<void> {
  if (config.github.auth.kind === 'none') {
    io.stdout.write('plan: GitHub is not configured (GITHUB_APP_ID or GITHUB_TOKEN)\n');
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
    io.stdout.write(
      `plan for ${document.id} ${input.version}: ${rows.length} repositories: ${count('change')} would get a pull request, ${count('up-to-date')} up to date, ${count('error')} unreadable\n`,
    );
    for (const r of rows) {
      io.stdout.write(
        `    ${r.action === 'change' ? 'change    ' : r.action === 'up-to-date' ? 'up-to-date' : 'error     '} ${r.repository}${r.wave === 0 ? ' (canary)' : ''}${r.detail ? `: ${r.detail}` : ''}\n`,
      );
    }
  } finally {
    await runtime.close();
  }
}
