/**
 * `steering publish [file|dir] [--dry-run] [--json]`: compiles each guideline, diffs it against the
 * latest stored version and stores the next version (unchanged documents create nothing). Every
 * document is compiled first: if any has errors, they are printed as file:line:column lines and
 * nothing is published. While a server runs (STEERING_URL, or the local server file) the versions
 * are published through its API and the server runs their rollouts.
 */
import { recordAudit } from '../../compliance/index.js';
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../../config.js';
import { createLogger } from '../../log.js';
import { publishGuideline, summarizeChangelog, type PublishResult } from '../../publish/index.js';
import { openDatabase } from '../../store/index.js';
import { formatChangelog } from '../format-changelog.js';
import { logDestination, type CliIo } from '../cli-io.js';
import { loadGuidelines, reportDiagnostics, type LoadedGuideline } from '../load-guidelines.js';
import { CliExit } from '../run-cli.js';
import { findServer, type ServerClient } from '../server-client.js';
import { SteeringError } from '../../errors.js';
import { printDistributionPlan, publishRollouts } from '../publish-rollouts.js';

interface PublishCliOptions {
  dryRun?: boolean;
  json?: boolean;
  changelog?: boolean;
  publisher?: string;
  plan?: boolean;
}

function describe(r: PublishResult): string {
  const head = r.dryRun
    ? r.record && r.bump === 'none'
      ? `${r.guideline}: unchanged at ${r.version} (dry run)`
      : `${r.guideline}: would store ${r.version} (bump ${r.bump}${r.previousVersion ? ` from ${r.previousVersion}` : ''}) (dry run)`
    : r.created
      ? `${r.guideline}: stored ${r.version} (bump ${r.bump}${r.previousVersion ? ` from ${r.previousVersion}` : ', first version'})`
      : `${r.guideline}: unchanged at ${r.version} (nothing stored)`;
  return r.bump === 'none' ? head : `${head}\n  ${summarizeChangelog(r.changelog)}`;
}

export function registerPublish(program: Command, io: CliIo): void {
  program
    .command('publish')
    .description(
      'store new guideline versions (compile, diff against the latest, bump); unchanged documents create nothing',
    )
    .argument(
      '[path]',
      'a guideline .md file or a directory of them (default: STEERING_GUIDELINES_DIR)',
    )
    .option('--dry-run', 'show what would be stored; write nothing')
    .option(
      '--plan',
      'with --dry-run: list which repositories would get or update a pull request and which are up to date (reads GitHub, writes nothing; the default when GitHub is configured)',
    )
    .option('--no-plan', 'with --dry-run: skip the repository plan')
    .option('--json', 'print the results as JSON')
    .option('--changelog', 'print the full changelog of each guideline')
    .option('--publisher <name>', 'recorded as the publisher (default: cli:<user>)')
    .action(async (path: string | undefined, opts: PublishCliOptions) => {
      const config = loadConfig(io.env);
      const loaded = loadGuidelines(path ?? config.guidelinesDir, { cwd: io.cwd });
      const { errors } = reportDiagnostics(loaded, (s) => io.stderr.write(s));
      if (errors > 0) {
        io.stderr.write(
          `nothing published: ${errors} error(s) in ${loaded.filter((g) => !g.ok).length} document(s)\n`,
        );
        throw new CliExit(1);
      }
      const server = findServer(config);
      if (server && !opts.dryRun) {
        await publishThroughServer(io, server, loaded, Boolean(opts.json));
        return;
      }
      if (server && !config.database.url)
        throw new SteeringError(
          'USAGE',
          `a steering server (${server.url}) holds the embedded database: stop it for --dry-run, or run both with DATABASE_URL`,
        );
      printResults(io, await publishToDatabase(io, config, loaded, opts), opts);
    });
}

/** While a server runs, it stores the versions and runs their rollouts. */
async function publishThroughServer(
  io: CliIo,
  server: ServerClient,
  loaded: readonly LoadedGuideline[],
  json: boolean,
): Promise<void> {
  const results = [];
  for (const g of loaded) {
    results.push(
      await server.request<PublishResult & { summary: string }>(
        'POST',
        `/v1/guidelines/${encodeURIComponent(g.document!.id)}/versions`,
        Buffer.from(g.source).toString('utf8'),
        'text/markdown',
      ),
    );
  }
  if (json) {
    io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return;
  }
  io.stderr.write(`published through the server at ${server.url}\n`);
  for (const r of results) {
    io.stdout.write(
      r.created
        ? `${r.guideline}: stored ${r.version} (bump ${r.bump}${r.previousVersion ? ` from ${r.previousVersion}` : ', first version'})\n  ${r.summary}\n`
        : `${r.guideline}: unchanged at ${r.version} (nothing stored)\n`,
    );
  }
  if (results.some((r) => r.created))
    io.stdout.write('the server runs the rollouts: `steering rollout list`\n');
}

/**
 * Stores each version (with its rollout and an audit record) in the database, or with --dry-run
 * says what would be stored and, when GitHub is configured, which repositories it would change.
 */
async function publishToDatabase(
  io: CliIo,
  config: Config,
  loaded: readonly LoadedGuideline[],
  opts: PublishCliOptions,
): Promise<PublishResult[]> {
  const logger = createLogger({ level: 'warn', destination: logDestination(io.stderr) });
  const db = await openDatabase(config, { logger });
  if (!opts.json) io.stderr.write(`database: ${db.description}\n`);
  const publisher = opts.publisher ?? `cli:${userInfo().username}`;
  const results: PublishResult[] = [];
  // Each stored version gets a rollout (created in the same transaction, enqueued after).
  const rollouts = opts.dryRun ? undefined : publishRollouts(config, db, io);
  try {
    for (const g of loaded) {
      const r = await publishGuideline(
        db,
        { source: g.source, path: g.path, publisher, ...checksBeside(g, g.document?.id) },
        { dryRun: opts.dryRun, onPublished: rollouts?.onPublished },
      );
      results.push(r);
      if (r.created && !opts.dryRun)
        await recordAudit(db, {
          actor: publisher,
          action: 'publish',
          subject: `${r.guideline}@${r.version}`,
          details: { bump: r.bump, previousVersion: r.previousVersion },
        });
      const plan = opts.plan ?? config.github.auth.kind !== 'none';
      if (opts.dryRun && plan && r.bump !== 'none' && !opts.json) {
        await printDistributionPlan(config, db, io, {
          source: g.source,
          path: g.path,
          version: r.version,
        });
      }
    }
    await rollouts?.finish(opts.json);
  } finally {
    await db.close();
  }
  return results;
}

function printResults(io: CliIo, results: readonly PublishResult[], opts: PublishCliOptions): void {
  if (opts.json) {
    const out = results.map((r) => ({
      guideline: r.guideline,
      version: r.version,
      previousVersion: r.previousVersion,
      bump: r.bump,
      created: r.created,
      dryRun: r.dryRun,
      ruleCount: r.ruleCount,
      summary: summarizeChangelog(r.changelog),
      changelog: r.changelog,
      checks: r.checksChange,
    }));
    io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  for (const r of results) {
    io.stdout.write(`${describe(r)}\n`);
    if (opts.changelog && r.bump !== 'none') io.stdout.write(`${formatChangelog(r.changelog)}\n`);
  }
}

/** The guideline's sibling `<name>.checks.yaml`, published with the version when it exists. */
function checksBeside(g: LoadedGuideline, id: string | undefined): { checks?: string } {
  const names = [basename(g.path).replace(/\.(md|markdown)$/i, ''), ...(id ? [id] : [])];
  const file = names
    .map((n) => join(dirname(g.file), `${n}.checks.yaml`))
    .find((p) => existsSync(p));
  return file ? { checks: readFileSync(file, 'utf8') } : {};
}
