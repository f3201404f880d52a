/**
 * `steering waiver grant|list|revoke`: the same waiver model as `POST/DELETE /v1/waivers` and
 * `.steering/waivers.yaml`, written straight to the database (audited as `cli:<user>`).
 */
import { userInfo } from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import {
  WaiverGrantSchema,
  grantWaiver,
  listWaivers,
  revokeWaiver,
  type WaiverRecord,
} from '../../compliance/index.js';
import { loadConfig } from '../../config.js';
import { SteeringError } from '../../errors.js';
import { createLogger } from '../../log.js';
import { openDatabase, type Db } from '../../store/index.js';
import { formatTable } from '../format-table.js';

async function withDb<T>(fn: (db: Db, maxDays: number) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase(config, {
    logger: createLogger({ level: 'warn', destination: process.stderr }),
  });
  try {
    return await fn(db, config.compliance.waiverMaxDays);
  } finally {
    await db.close();
  }
}

const actor = (by?: string) => `cli:${by ?? userInfo().username}`;
const target = (w: WaiverRecord) => w.repository ?? (w.topic ? `topic:${w.topic}` : 'fleet');

function positiveId(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a waiver id (a number)');
  return n;
}

interface GrantOpts {
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

export function registerWaiver(program: Command): void {
  const waiver = program
    .command('waiver')
    .description(
      'grant, list and revoke waivers (a repository, topic or the fleet exempt from a rule)',
    );
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
    .option('--by <name>', 'who grants it (default: the OS user)')
    .action(async (o: GrantOpts) => {
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
          parsed.error.issues
            .map((i) => `--${String(i.path[0] ?? 'option')}: ${i.message}`)
            .join('; '),
        );
      const w = await withDb((db, maxDays) =>
        grantWaiver(db, parsed.data, { actor: actor(o.by), source: 'cli', maxDays }),
      );
      process.stdout.write(
        `granted waiver ${w.id}: ${target(w)} exempt from ${w.rule} until ${w.expiresAt}\n`,
      );
    });
  waiver
    .command('list')
    .description('waivers in force (with --all: also revoked and expired)')
    .option('--repo <owner/name>', 'only this repository')
    .option('--rule <id>', 'only waivers covering this rule')
    .option('--all', 'include revoked and expired waivers')
    .action(async (o: { repo?: string; rule?: string; all?: boolean }) => {
      const { waivers } = await withDb((db) =>
        listWaivers(db, { repository: o.repo, rule: o.rule, active: !o.all, limit: 500 }),
      );
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
      process.stdout.write(
        `${formatTable(['id', 'target', 'rule', 'owner', 'expires', 'source', 'state', 'reason'], rows)}\n`,
      );
    });
  waiver
    .command('revoke')
    .description('revoke a waiver by id')
    .argument('<id>', 'waiver id (from `steering waiver list`)', positiveId)
    .option('--by <name>', 'who revokes it (default: the OS user)')
    .option('--reason <text>', 'why, for the audit log')
    .action(async (id: number, o: { by?: string; reason?: string }) => {
      const w = await withDb((db) =>
        revokeWaiver(db, id, { actor: actor(o.by), reason: o.reason }),
      );
      process.stdout.write(`revoked waiver ${w.id} (${target(w)}, ${w.rule})\n`);
    });
}
