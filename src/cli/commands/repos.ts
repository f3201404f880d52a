/**
 * `steering repos sync` mirrors the App's installations into the registry; `steering repos list`
 * shows it, with the reason each skipped repository is skipped.
 */
import type { Command } from 'commander';
import { loadConfig, type Config } from '../../config.js';
import { skipReason, syncRepositories } from '../../fleet/index.js';
import { openRolloutRuntime } from '../../jobs/index.js';
import { createLogger } from '../../log.js';
import { listRepositories, openDatabase, type RepositoryRecord } from '../../store/index.js';
import { SteeringError } from '../../errors.js';
import { logDestination, type CliIo } from '../cli-io.js';
import { formatTable } from '../format-table.js';
import { findServer } from '../server-client.js';
import type { SyncResult } from '../../fleet/index.js';

type Row = RepositoryRecord & { skipped: string | null };

export function registerRepos(program: Command, io: CliIo): void {
  const repos = program
    .command('repos')
    .description('the repository registry (synced from GitHub)');

  repos
    .command('sync')
    .description("mirror the GitHub App's installations into the registry")
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }) => {
      printSync(io, await syncRegistry(loadConfig(io.env), io), opts.json);
    });

  repos
    .command('list')
    .description('list the registry with eligibility')
    .option('--all', 'include deleted repositories')
    .option('--json', 'print as JSON')
    .action(async (opts: { all?: boolean; json?: boolean }) => {
      const rows = await readRegistry(loadConfig(io.env), io, Boolean(opts.all));
      if (opts.json) {
        io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      io.stdout.write(
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
    });
}

/** Through the running server when there is one, else with GitHub and the database directly. */
async function syncRegistry(config: Config, io: CliIo): Promise<SyncResult> {
  const server = findServer(config);
  if (server) return server.request<SyncResult>('POST', '/v1/repositories/sync');
  if (config.github.auth.kind === 'none')
    throw new SteeringError(
      'GITHUB_NOT_CONFIGURED',
      'GitHub is not configured: set GITHUB_APP_ID with GITHUB_PRIVATE_KEY or GITHUB_PRIVATE_KEY_PATH (`steering setup github-app` creates an App and writes them), or GITHUB_TOKEN',
    );
  const logger = createLogger({ level: 'warn', destination: logDestination(io.stderr) });
  const db = await openDatabase(config, { logger });
  const runtime = openRolloutRuntime(config, { logger });
  try {
    return await syncRepositories(runtime.github, db, config.rollout);
  } finally {
    await runtime.close();
    await db.close();
  }
}

function printSync(io: CliIo, r: SyncResult, json = false): void {
  if (json) {
    io.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    return;
  }
  io.stdout.write(
    `${r.seen} repositories in ${r.installations} installation(s): ${r.eligible} eligible, ${r.skipped.length} skipped, ${r.deleted} marked deleted\n`,
  );
  for (const s of r.skipped) io.stdout.write(`  skipped ${s.repository}: ${s.reason}\n`);
}

/** The registry with why each repository is skipped: from the running server, else the database. */
async function readRegistry(config: Config, io: CliIo, all: boolean): Promise<Row[]> {
  const server = findServer(config);
  if (server) {
    const path = `/v1/registry/repositories${all ? '?all=true' : ''}`;
    return (await server.request<{ repositories: Row[] }>('GET', path)).repositories;
  }
  const db = await openDatabase(config, {
    logger: createLogger({ level: 'warn', destination: logDestination(io.stderr) }),
  });
  try {
    return (await listRepositories(db, { includeDeleted: all })).map((r) => ({
      ...r,
      skipped: r.deletedAt ? 'deleted' : skipReason(r, config.rollout),
    }));
  } finally {
    await db.close();
  }
}
