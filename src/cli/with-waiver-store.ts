/**
 * Where `steering waiver` acts. Like the other admin commands, it talks to a running server's API
 * (`--url`/`--token`, else STEERING_URL/STEERING_TOKEN, else the local `server.json` that `serve`
 * leaves): the server owns its database, audits the change as `token:<name>` and applies its own
 * `STEERING_WAIVER_MAX_DAYS`. With no server (an operator on a machine that reaches PostgreSQL, or
 * the embedded database while nothing serves it) the command opens the database itself and audits
 * as `cli:<user>`.
 *
 * A server's refusal becomes a message that names the command's option, not the API's field.
 */
import { userInfo } from 'node:os';
import type { WaiverGrant, WaiverRecord } from '../compliance/index.js';
import { loadConfig, type Config } from '../config.js';
import { SteeringError } from '../errors.js';
import { logDestination, type CliIo } from './cli-io.js';
import { findServer, type ServerClient, type ServerOverride } from './server-client.js';

export interface WaiverFilter {
  repository?: string;
  rule?: string;
  active: boolean;
}

export interface WaiverStore {
  /** "the server at <url>" or "the database", for messages. */
  where: string;
  grant(input: WaiverGrant, by?: string): Promise<WaiverRecord>;
  list(filter: WaiverFilter): Promise<WaiverRecord[]>;
  revoke(id: number, options: { by?: string; reason?: string }): Promise<WaiverRecord>;
}

/** The API's field names as the command spells them. */
const OPTION_OF: Record<string, string> = {
  repository: '--repo',
  topic: '--topic',
  fleet: '--fleet',
  rule: '--rule',
  owner: '--owner',
  reason: '--reason',
  expires: '--expires',
  expiresAt: '--expires-at',
  id: '<id>',
};

/** The option that sets an API field (`expiresAt` → `--expires-at`). */
export const optionOf = (field: string): string => OPTION_OF[field] ?? field;

/** An API refusal of bad input, with each field named as its option. */
export function nameOptions(err: unknown): unknown {
  if (!(err instanceof SteeringError) || err.code !== 'INVALID_INPUT') return err;
  const issues = (err.details as { issues?: { path: string[]; message: string }[] } | undefined)
    ?.issues;
  const [, url = '', detail = err.message] = /^(https?:\/\/\S+?): (.*)$/s.exec(err.message) ?? [];
  const named = issues?.length
    ? issues.map((i) => `${optionOf(i.path.join('.'))}: ${i.message}`).join('; ')
    : detail
        .replace(/^expires:/, '--expires:')
        .replace(/^expiry /, '--expires / --expires-at: expiry ');
  return new SteeringError('USAGE', `${url ? `the server at ${url} refused it: ` : ''}${named}`, {
    details: err.details,
  });
}

function viaServer(server: ServerClient): WaiverStore {
  return {
    where: `the server at ${server.url}`,
    grant: (input) => server.request<WaiverRecord>('POST', '/v1/waivers', input),
    async list(filter) {
      const q = new URLSearchParams({ active: String(filter.active), limit: '500' });
      if (filter.repository) q.set('repository', filter.repository);
      if (filter.rule) q.set('rule', filter.rule);
      const page = await server.request<{ waivers: WaiverRecord[] }>(
        'GET',
        `/v1/waivers?${q.toString()}`,
      );
      return page.waivers;
    },
    revoke: (id, { reason }) =>
      server.request<WaiverRecord>(
        'DELETE',
        `/v1/waivers/${id}${reason ? `?${new URLSearchParams({ reason }).toString()}` : ''}`,
      ),
  };
}

async function viaDatabase(
  io: CliIo,
  config: Config,
): Promise<WaiverStore & { close(): Promise<void> }> {
  const [{ openDatabase }, { createLogger }, compliance] = await Promise.all([
    import('../store/index.js'),
    import('../log.js'),
    import('../compliance/index.js'),
  ]);
  const db = await openDatabase(config, {
    logger: createLogger({ level: 'warn', destination: logDestination(io.stderr) }),
  });
  const maxDays = config.compliance.waiverMaxDays;
  const actor = (by?: string) => `cli:${by ?? userInfo().username}`;
  return {
    where: 'the database',
    grant: (input, by) =>
      compliance.grantWaiver(db, input, { actor: actor(by), source: 'cli', maxDays }),
    list: async (filter) => (await compliance.listWaivers(db, { ...filter, limit: 500 })).waivers,
    revoke: (id, { by, reason }) => compliance.revokeWaiver(db, id, { actor: actor(by), reason }),
    close: () => db.close(),
  };
}

/** Runs `fn` on the server's API when one is found, else on the database. */
export async function withWaiverStore<T>(
  io: CliIo,
  override: ServerOverride,
  fn: (store: WaiverStore) => Promise<T>,
): Promise<T> {
  const config = loadConfig(io.env);
  const server = findServer(config, override);
  if (server) {
    try {
      return await fn(viaServer(server));
    } catch (err) {
      throw nameOptions(err);
    }
  }
  const store = await viaDatabase(io, config);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
