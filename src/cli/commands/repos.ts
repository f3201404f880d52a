/**
 * `steering repos sync` mirrors the App's installations into the registry; `steering repos list`
 * shows it, with the reason each skipped repository is skipped.
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { skipReason, syncRepositories } from '../../fleet/index.js';
import { openRolloutRuntime } from '../../jobs/index.js';
import { createLogger } from '../../log.js';
import { listRepositories, openDatabase, type RepositoryRecord } from '../../store/index.js';
import { SteeringError } from '../../errors.js';
import { formatTable } from '../format-table.js';
import { findServer } from '../server-client.js';
import type { SyncResult } from '../../fleet/index.js';

export function registerRepos(program: Command): void {
  const repos = program
    .command('repos')
    .description('the repository registry (synced from GitHub)');

  repos
    .command('sync')
    .description("mirror the GitHub App's installations into the registry")
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }) => {
      const config = loadConfig();
      const print = (r: SyncResult) => {
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
          return;
        }
        process.stdout.write(
          `${r.seen} repositories in ${r.installations} installation(s): ${r.eligible} eligible, ${r.skipped.length} skipped, ${r.deleted} marked deleted\n`,
        );
        for (const s of r.skipped) process.stdout.write(`  skipped ${s.repository}: ${s.reason}\n`);
      };
      const server = findServer(config);
      if (server) {
        print(await server.request<SyncResult>('POST', '/v1/repositories/sync'));
        return;
      }
      if (config.github.auth.kind === 'none')
        throw new SteeringError(
          'GITHUB_NOT_CONFIGURED',
          'GitHub is not configured: set GITHUB_APP_ID with GITHUB_PRIVATE_KEY or GITHUB_PRIVATE_KEY_PATH (`steering setup github-app` creates an App and writes them), or GITHUB_TOKEN',
        );
      const logger = createLogger({ level: 'warn', destination: process.stderr });
      const db = await openDatabase(config, { logger });
      const runtime = openRolloutRuntime(config, { logger });
      try {
        print(await syncRepositories(runtime.github, db, config.rollout));
      } finally {
        await runtime.close();
        await db.close();
      }
    });

  repos
    .command('list')
    .description('list the registry with eligibility')
    .option('--all', 'include deleted repositories')
    .option('--json', 'print as JSON')
    .action(async (opts: { all?: boolean; json?: boolean }) => {
      const config = loadConfig();
      const server = findServer(config);
      const db = server
        ? undefined
        : await openDatabase(config, {
            logger: createLogger({ level: 'warn', destination: process.stderr }),
          });
      try {
        type Row = RepositoryRecord & { skipped: string | null };
        const rows: Row[] = server
          ? (
              await server.request<{ repositories: Row[] }>(
                'GET',
                `/v1/registry/repositories${opts.all ? '?all=true' : ''}`,
              )
            ).repositories
          : (await listRepositories(db!, { includeDeleted: opts.all })).map((r) => ({
              ...r,
              skipped: r.deletedAt ? 'deleted' : skipReason(r, config.rollout),
            }));
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        process.stdout.write(
          `${formatTable(
            ['repository', 'default', 'topics', 'eligible'],
            rows.map((r) => [
              r.fullName,
              r.defaultBranch,
              r.topics.join(','),
              r.skipped ? `no: ${r.skipped}` : 'yes',
            ]),
          )}\n`,
        );
      } finally {
        await db?.close();
      }
    });
}
