/**
 * `steering waiver grant|list|revoke`: the same waiver model as `POST/DELETE /v1/waivers` and
 * `.steering/waivers.yaml`. Through a running server's API when there is one (`--url`/`--token`,
 * STEERING_URL/STEERING_TOKEN, or the local server file; audited as the token), else straight to
 * the database (audited as `cli:<user>`): see `with-waiver-store.ts`.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { WaiverGrantSchema, parseDuration, type WaiverRecord } from '../../compliance/index.js';
import { SteeringError } from '../../errors.js';
import type { CliIo } from '../cli-io.js';
import { formatTable } from '../format-table.js';
import type { ServerOverride } from '../server-client.js';
import { optionOf, withWaiverStore, type WaiverStore } from '../with-waiver-store.js';

const target = (w: WaiverRecord) => w.repository ?? (w.topic ? `topic:${w.topic}` : 'fleet');

function positiveId(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a waiver id (a number)');
  return n;
}

interface GrantOpts extends ServerOverride {
  repo?: string;
  topic?: string;
  fleet?: boolean;
  rule: string;
  owner: string;
  reason: string;
  expires?: string;
  expiresAt?: string;
  by?: string;
}

/** `--url` and `--token` on each subcommand: a server other than STEERING_URL's. */
function serverOptions(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'steering server (default: STEERING_URL, else the local `serve`)')
    .option(
      '--token <token>',
      'its API token, scope waive (read for list); default STEERING_TOKEN',
    );
}

/** What the API would refuse, said in the command's terms before anything is sent. */
function parseGrant(o: GrantOpts) {
  const targets = [o.repo && '--repo', o.topic && '--topic', o.fleet && '--fleet'].filter(Boolean);
  if (targets.length !== 1)
    throw new SteeringError(
      'USAGE',
      `name exactly one of --repo, --topic or --fleet (got ${targets.join(', ') || 'none'})`,
    );
  if (Boolean(o.expires) === Boolean(o.expiresAt))
    throw new SteeringError('USAGE', 'give --expires (e.g. 30d) or --expires-at, exactly one');
  if (o.expires && parseDuration(o.expires) === null)
    throw new SteeringError(
      'USAGE',
      `--expires: "${o.expires}" is not a duration like 30d, 12w or 48h`,
    );
  const parsed = WaiverGrantSchema.safeParse({
    repository: o.repo,
    topic: o.topic,
    fleet: o.fleet ? true : undefined,
    rule: o.rule,
    owner: o.owner,
    reason: o.reason,
    expires: o.expires,
    expiresAt: o.expiresAt,
  });
  if (!parsed.success)
    throw new SteeringError(
      'USAGE',
      parsed.error.issues.map((i) => `${optionOf(i.path.join('.'))}: ${i.message}`).join('; '),
    );
  return parsed.data;
}

/** `--by` names the actor only where the CLI writes the audit itself (the database). */
function warnBy(io: CliIo, store: WaiverStore, by: string | undefined): void {
  if (by && store.where !== 'the database')
    io.stderr.write(`--by ignored: ${store.where} records the token's name as the actor\n`);
}

function registerGrant(waiver: Command, io: CliIo): void {
  serverOptions(
    waiver
      .command('grant')
      .description(
        'grant a waiver; an expiry is required (at most STEERING_WAIVER_MAX_DAYS, default 180)',
      )
      .option('--repo <owner/name>', 'the repository exempted')
      .option('--topic <topic>', 'every repository with this GitHub topic')
      .option('--fleet', 'every repository')
      .requiredOption('--rule <id>', 'rule id, or a pattern with * (performance.health-checks.*)')
      .requiredOption('--owner <who>', 'team or person who answers for the waiver')
      .requiredOption('--reason <text>', 'why the rule does not apply for now')
      .option('--expires <duration>', 'lifetime from now: 30d, 12w, 48h')
      .option('--expires-at <time>', 'expiry as an ISO date-time')
      .option('--by <name>', 'who grants it, without a server (default: the OS user)'),
  ).action(async (o: GrantOpts) => {
    const input = parseGrant(o);
    const w = await withWaiverStore(io, o, (store) => {
      warnBy(io, store, o.by);
      return store.grant(input, o.by);
    });
    io.stdout.write(
      `granted waiver ${w.id}: ${target(w)} exempt from ${w.rule} until ${w.expiresAt}\n`,
    );
  });
}

function registerList(waiver: Command, io: CliIo): void {
  serverOptions(
    waiver
      .command('list')
      .description('waivers in force (with --all: also revoked and expired)')
      .option('--repo <owner/name>', 'only this repository')
      .option('--rule <id>', 'only waivers covering this rule')
      .option('--all', 'include revoked and expired waivers')
      .option('--json', 'print as JSON'),
  ).action(
    async (o: ServerOverride & { repo?: string; rule?: string; all?: boolean; json?: boolean }) => {
      const waivers = await withWaiverStore(io, o, (store) =>
        store.list({ repository: o.repo, rule: o.rule, active: !o.all }),
      );
      if (o.json) {
        io.stdout.write(`${JSON.stringify(waivers, null, 2)}\n`);
        return;
      }
      const rows = waivers.map((w) => [
        String(w.id),
        target(w),
        w.rule,
        w.owner ?? '-',
        w.expiresAt ?? '-',
        w.source,
        w.active ? 'active' : w.revokedAt ? 'revoked' : 'expired',
        w.reason,
      ]);
      io.stdout.write(
        `${formatTable(['id', 'target', 'rule', 'owner', 'expires', 'source', 'state', 'reason'], rows)}\n`,
      );
    },
  );
}

function registerRevoke(waiver: Command, io: CliIo): void {
  serverOptions(
    waiver
      .command('revoke')
      .description('revoke a waiver by id')
      .argument('<id>', 'waiver id (from `steering waiver list`)', positiveId)
      .option('--by <name>', 'who revokes it, without a server (default: the OS user)')
      .option('--reason <text>', 'why, for the audit log'),
  ).action(async (id: number, o: ServerOverride & { by?: string; reason?: string }) => {
    const w = await withWaiverStore(io, o, (store) => {
      warnBy(io, store, o.by);
      return store.revoke(id, { by: o.by, reason: o.reason });
    });
    io.stdout.write(`revoked waiver ${w.id} (${target(w)}, ${w.rule})\n`);
  });
}

export function registerWaiver(program: Command, io: CliIo): void {
  const waiver = program
    .command('waiver')
    .description(
      'grant, list and revoke waivers (a repository, topic or the fleet exempt from a rule)',
    );
  registerGrant(waiver, io);
  registerList(waiver, io);
  registerRevoke(waiver, io);
}
