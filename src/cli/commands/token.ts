/**
 * `steering token create|list|revoke`: API tokens for the /v1 API. The secret is printed once, at
 * creation; only its sha256 is stored.
 */
import { userInfo } from 'node:os';
import { recordAudit } from '../../compliance/index.js';
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../log.js';
import {
  SCOPES,
  createApiToken,
  listApiTokens,
  openDatabase,
  revokeApiToken,
  type Db,
} from '../../store/index.js';
import { formatTable } from '../format-table.js';

async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDatabase(loadConfig(), {
    logger: createLogger({ level: 'warn', destination: process.stderr }),
  });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

function parseScopes(value: string): string[] {
  const scopes = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (scopes.length === 0 || bad.length)
    throw new InvalidArgumentError(`scopes are a comma-separated list of ${SCOPES.join(', ')}`);
  return scopes;
}

export function registerToken(program: Command): void {
  const token = program
    .command('token')
    .description('manage API tokens (scopes: read, publish, admin)');
  token
    .command('create')
    .description('create a token and print it once')
    .requiredOption('--name <name>', 'a name to recognise the token by (unique among live tokens)')
    .requiredOption('--scopes <list>', `comma-separated: ${SCOPES.join(', ')}`, parseScopes)
    .option('--repository <owner/name>', 'limit a report token to uploads for this one repository')
    .action(async (opts: { name: string; scopes: string[]; repository?: string }) => {
      const { token: secret, record } = await withDb(async (db) => {
        const created = await createApiToken(db, opts);
        await recordAudit(db, {
          actor: `cli:${userInfo().username}`,
          action: 'token.create',
          subject: created.record.name,
          details: { scopes: created.record.scopes },
        });
        return created;
      });
      process.stderr.write(
        `created token "${record.name}" with scopes ${record.scopes.join(', ')}; it is shown only now:\n`,
      );
      process.stdout.write(`${secret}\n`);
    });
  token
    .command('list')
    .description('list tokens (never their secrets)')
    .action(async () => {
      const tokens = await withDb((db) => listApiTokens(db));
      const rows = tokens.map((t) => [
        t.name,
        `${t.prefix}…`,
        t.scopes.join(','),
        t.createdAt,
        t.lastUsedAt ?? '-',
        t.revokedAt ? `revoked ${t.revokedAt}` : 'live',
      ]);
      process.stdout.write(
        `${formatTable(['name', 'token', 'scopes', 'created', 'last used', 'state'], rows)}\n`,
      );
    });
  token
    .command('revoke')
    .description('revoke the live token with this name')
    .argument('<name>')
    .action(async (name: string) => {
      await withDb(async (db) => {
        await revokeApiToken(db, name);
        await recordAudit(db, {
          actor: `cli:${userInfo().username}`,
          action: 'token.revoke',
          subject: name,
        });
      });
      process.stdout.write(`revoked token "${name}"\n`);
    });
}
