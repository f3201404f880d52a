/**
 * `steering token create|list|revoke`: API tokens for the /v1 API. The secret is printed once, at
 * creation; only its sha256 is stored. While a server runs (STEERING_URL, or the local server file)
 * the commands go through its API; otherwise they open the database.
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
  type ApiTokenRecord,
  type Db,
} from '../../store/index.js';
import { logDestination, type CliIo } from '../cli-io.js';
import { formatTable } from '../format-table.js';
import { findServer, type ServerClient } from '../server-client.js';

/** Runs `viaServer` against a running server, else `viaDb` on the database. */
async function either<T>(
  io: CliIo,
  viaServer: (s: ServerClient) => Promise<T>,
  viaDb: (db: Db) => Promise<T>,
): Promise<T> {
  const config = loadConfig(io.env);
  const server = findServer(config);
  if (server) return viaServer(server);
  const db = await openDatabase(config, {
    logger: createLogger({ level: 'warn', destination: logDestination(io.stderr) }),
  });
  try {
    return await viaDb(db);
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

function parseDays(value: string): number {
  const n = Number(value.replace(/d$/, ''));
  if (!Number.isFinite(n) || n <= 0 || n > 3650)
    throw new InvalidArgumentError('a number of days from 1 to 3650, e.g. 90 or 90d');
  return n;
}

function state(t: ApiTokenRecord): string {
  if (t.revokedAt) return `revoked ${t.revokedAt}`;
  if (t.expiresAt && Date.parse(t.expiresAt) <= Date.now()) return `expired ${t.expiresAt}`;
  return t.expiresAt ? `live until ${t.expiresAt}` : 'live';
}

interface CreateOpts {
  name: string;
  scopes: string[];
  expiresIn?: number;
  repository?: string;
}

function registerCreate(token: Command, io: CliIo): void {
  token
    .command('create')
    .description('create a token and print it once')
    .requiredOption('--name <name>', 'a name to recognise the token by (unique among live tokens)')
    .requiredOption('--scopes <list>', `comma-separated: ${SCOPES.join(', ')}`, parseScopes)
    .option('--expires-in <days>', 'expire after this many days (default: never)', parseDays)
    .option('--repository <owner/name>', 'limit a report token to uploads for this one repository')
    .action(async (opts: CreateOpts) => {
      const input = {
        name: opts.name,
        scopes: opts.scopes,
        expiresInDays: opts.expiresIn,
        repository: opts.repository,
      };
      const { token: secret, record } = await either(
        io,
        (s) =>
          s.request<{ token: string; record: ApiTokenRecord }>('POST', '/v1/tokens', {
            name: input.name,
            scopes: input.scopes,
            ...(input.expiresInDays ? { expiresInDays: input.expiresInDays } : {}),
            ...(input.repository ? { repository: input.repository } : {}),
          }),
        async (db) => {
          const created = await createApiToken(db, input);
          await recordAudit(db, {
            actor: `cli:${userInfo().username}`,
            action: 'token.create',
            subject: created.record.name,
            details: { scopes: created.record.scopes },
          });
          return created;
        },
      );
      io.stderr.write(
        `created token "${record.name}" with scopes ${record.scopes.join(', ')}${record.expiresAt ? `, expiring ${record.expiresAt}` : ''}; it is shown only now:\n`,
      );
      io.stdout.write(`${secret}\n`);
    });
}

function registerList(token: Command, io: CliIo): void {
  token
    .command('list')
    .description('list tokens (never their secrets)')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const tokens = await either(
        io,
        async (s) => (await s.request<{ tokens: ApiTokenRecord[] }>('GET', '/v1/tokens')).tokens,
        (db) => listApiTokens(db),
      );
      if (opts.json) {
        io.stdout.write(`${JSON.stringify(tokens, null, 2)}\n`);
        return;
      }
      const rows = tokens.map((t) => [
        t.name,
        `${t.prefix}…`,
        t.scopes.join(','),
        t.createdAt,
        t.lastUsedAt ?? '-',
        state(t),
      ]);
      io.stdout.write(
        `${formatTable(['name', 'token', 'scopes', 'created', 'last used', 'state'], rows)}\n`,
      );
    });
}

function registerRevoke(token: Command, io: CliIo): void {
  token
    .command('revoke')
    .description('revoke the live token with this name')
    .argument('<name>')
    .action(async (name: string) => {
      await either(
        io,
        (s) => s.request('POST', `/v1/tokens/${encodeURIComponent(name)}/revoke`),
        async (db) => {
          await revokeApiToken(db, name);
          await recordAudit(db, {
            actor: `cli:${userInfo().username}`,
            action: 'token.revoke',
            subject: name,
          });
        },
      );
      io.stdout.write(`revoked token "${name}"\n`);
    });
}

export function registerToken(program: Command, io: CliIo): void {
  const token = program
    .command('token')
    .description(`manage API tokens (scopes: ${SCOPES.join(', ')}; publish implies read)`);
  registerCreate(token, io);
  registerList(token, io);
  registerRevoke(token, io);
}
