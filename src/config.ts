/**
 * The one configuration loader. `loadConfig(env)` parses environment variables with zod into a
 * frozen object and, when anything is wrong, throws a ConfigError listing every problem at once.
 * No other module reads process.env: pass the config (or the part of it you need) down.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvSchema, KEEP_EMPTY, type ParsedEnv } from './config-env.js';

export { describeConfigVariables, type ConfigVariable, type Env } from './config-env.js';

export interface Config {
  readonly database: {
    readonly url: string | undefined;
    readonly dataDir: string;
    readonly statementTimeoutMs: number;
    readonly poolMax: number;
    readonly queryTimeoutMs: number;
    readonly connectTimeoutMs: number;
    readonly idleInTransactionTimeoutMs: number;
    readonly migrateOnStart: boolean;
  };
  /** `url` unset: the in-process queue driver and write limiter (one process, no Redis). */
  readonly redis: {
    readonly url: string | undefined;
    readonly prefix: string;
    readonly commandTimeoutMs?: number;
    readonly connectTimeoutMs?: number;
  };
  readonly http: { readonly port: number; readonly host: string };
  readonly logLevel: ParsedEnv['LOG_LEVEL'];
  readonly guidelinesDir: string;
  readonly github: {
    readonly apiUrl: string;
    readonly auth:
      | { readonly kind: 'app'; readonly appId: string; readonly privateKey: string }
      | { readonly kind: 'token'; readonly token: string }
      | { readonly kind: 'none' };
    readonly webhookSecret: string | undefined;
    readonly previousWebhookSecret: { readonly secret: string; readonly until: Date } | undefined;
  };
  readonly rollout: {
    readonly writesPerMinute: number;
    readonly writesPerHour: number;
    readonly notificationsPerMinute: number;
    readonly writeIntervalMs: number;
    readonly orgs: readonly string[];
    readonly topicsInclude: readonly string[];
    readonly topicsExclude: readonly string[];
    readonly canaryRepos: readonly string[];
    /** Label put on a new pull request; empty: none (GitHub's create-PR takes no labels, one write). */
    readonly prLabel: string;
  };
  readonly scan: { readonly rescanMaxAgeHours: number };
  /** Where the CLI finds a running server: STEERING_URL + STEERING_TOKEN (unset: the local token file). */
  readonly server: { readonly url: string | undefined; readonly token: string | undefined };
  readonly compliance: {
    readonly waiverMaxDays: number;
    readonly publicDashboard: boolean;
    readonly publicBadges: boolean;
  };
  readonly measurements: {
    readonly staleAfterDays: number;
    readonly prometheusUrl: string | undefined;
    readonly prometheusEveryMinutes: number;
    readonly prometheusTimeoutMs: number;
    readonly prometheusMinIntervalMs: number;
  };
  /** Limits of a publish's compile (it runs in a worker thread, off the API's event loop). */
  readonly compile: {
    readonly maxBytes: number;
    readonly maxRules: number;
    readonly maxNesting: number;
    readonly timeoutMs: number;
    readonly threads: number;
  };
  /** Timeouts and periods of the background work (queues, reconcilers, shutdown). */
  readonly resilience: {
    readonly githubRequestTimeoutMs: number;
    readonly jobTimeoutMs: number;
    readonly outboxEverySeconds: number;
    readonly reconcileEverySeconds: number;
    readonly redeliverWithinHours: number;
    readonly shutdownDeadlineMs: number;
  };
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Written by `steering setup github-app` in STEERING_DATA_DIR: `{appId, privateKey, webhookSecret, …}`. */
export const GITHUB_APP_FILE = 'github-app.json';

/** Empty strings mean "unset" (a blank line in a .env file), except where empty means "none". */
function parseEnv(env: Record<string, string | undefined>): ParsedEnv {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => v !== undefined && (v !== '' || KEEP_EMPTY.has(k))),
  );
  const parsed = EnvSchema.safeParse(cleaned);
  if (parsed.success) return parsed.data;
  const problems: string[] = [];
  for (const issue of parsed.error.issues) {
    const name = issue.path.join('.');
    const shown =
      name in cleaned && !/KEY|TOKEN|SECRET/.test(name)
        ? ` (got ${JSON.stringify(cleaned[name])})`
        : '';
    problems.push(`${name}: ${issue.message}${shown}`);
  }
  throw new ConfigError(problems);
}

interface AppFile {
  appId: string;
  privateKey: string;
  webhookSecret: string | null;
}

/** `steering setup github-app` leaves the App it created in the data dir; the variables win over it. */
function readAppFile(e: ParsedEnv, problems: string[]): AppFile | undefined {
  const appFile = join(e.STEERING_DATA_DIR, GITHUB_APP_FILE);
  if (e.GITHUB_APP_ID || e.GITHUB_TOKEN || !existsSync(appFile)) return undefined;
  try {
    const f = JSON.parse(readFileSync(appFile, 'utf8')) as Record<string, unknown>;
    if (typeof f.appId !== 'string' || typeof f.privateKey !== 'string')
      throw new Error('appId and privateKey are required');
    return {
      appId: f.appId,
      privateKey: f.privateKey,
      webhookSecret: typeof f.webhookSecret === 'string' ? f.webhookSecret : null,
    };
  } catch (err) {
    problems.push(
      `${appFile}: ${(err as Error).message} (run \`steering setup github-app\` again, or delete it)`,
    );
    return undefined;
  }
}

/** The GitHub credentials (variables, then the App file), or a ConfigError naming what is missing. */
function resolveGitHubAuth(e: ParsedEnv): {
  auth: Config['github']['auth'];
  fromFile: AppFile | undefined;
} {
  const problems: string[] = [];
  let privateKey = e.GITHUB_PRIVATE_KEY?.replace(/\\n/g, '\n');
  if (!privateKey && e.GITHUB_PRIVATE_KEY_PATH) {
    try {
      privateKey = readFileSync(e.GITHUB_PRIVATE_KEY_PATH, 'utf8');
    } catch (err) {
      problems.push(
        `GITHUB_PRIVATE_KEY_PATH: cannot read ${e.GITHUB_PRIVATE_KEY_PATH} (${(err as Error).message})`,
      );
    }
  }
  if (e.GITHUB_APP_ID && !privateKey && !e.GITHUB_PRIVATE_KEY_PATH) {
    problems.push(
      'GITHUB_PRIVATE_KEY: required with GITHUB_APP_ID (or set GITHUB_PRIVATE_KEY_PATH)',
    );
  }
  if (!e.GITHUB_APP_ID && (e.GITHUB_PRIVATE_KEY || e.GITHUB_PRIVATE_KEY_PATH)) {
    problems.push('GITHUB_APP_ID: required when a GitHub App private key is given');
  }
  if (e.GITHUB_WEBHOOK_SECRET_PREVIOUS && !e.GITHUB_WEBHOOK_SECRET_PREVIOUS_UNTIL) {
    problems.push(
      'GITHUB_WEBHOOK_SECRET_PREVIOUS_UNTIL: required with GITHUB_WEBHOOK_SECRET_PREVIOUS (ISO time the old secret stops working)',
    );
  }
  const fromFile = readAppFile(e, problems);
  if (problems.length) throw new ConfigError(problems);
  const auth: Config['github']['auth'] =
    e.GITHUB_APP_ID && privateKey
      ? { kind: 'app', appId: e.GITHUB_APP_ID, privateKey }
      : e.GITHUB_TOKEN
        ? { kind: 'token', token: e.GITHUB_TOKEN }
        : fromFile
          ? { kind: 'app', appId: fromFile.appId, privateKey: fromFile.privateKey }
          : { kind: 'none' };
  return { auth, fromFile };
}

/** Parse the environment. Throws ConfigError naming every bad variable and what to do. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const e = parseEnv(env);
  const { auth, fromFile } = resolveGitHubAuth(e);

  return deepFreeze({
    database: {
      url: e.DATABASE_URL,
      dataDir: e.STEERING_DATA_DIR,
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
      poolMax: e.DB_POOL_MAX,
      queryTimeoutMs: e.DB_QUERY_TIMEOUT_MS,
      connectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
      idleInTransactionTimeoutMs: e.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      migrateOnStart: e.STEERING_MIGRATE_ON_START,
    },
    redis: {
      url: e.REDIS_URL,
      prefix: e.STEERING_QUEUE_PREFIX,
      commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
      connectTimeoutMs: e.REDIS_CONNECT_TIMEOUT_MS,
    },
    http: { port: e.PORT, host: e.HOST },
    logLevel: e.LOG_LEVEL,
    guidelinesDir: e.STEERING_GUIDELINES_DIR,
    github: {
      apiUrl: e.GITHUB_API_URL.replace(/\/+$/, ''),
      auth,
      webhookSecret: e.GITHUB_WEBHOOK_SECRET ?? fromFile?.webhookSecret ?? undefined,
      previousWebhookSecret:
        e.GITHUB_WEBHOOK_SECRET_PREVIOUS && e.GITHUB_WEBHOOK_SECRET_PREVIOUS_UNTIL
          ? {
              secret: e.GITHUB_WEBHOOK_SECRET_PREVIOUS,
              until: new Date(e.GITHUB_WEBHOOK_SECRET_PREVIOUS_UNTIL),
            }
          : undefined,
    },
    rollout: {
      writesPerMinute: e.STEERING_WRITES_PER_MINUTE,
      writesPerHour: e.STEERING_WRITES_PER_HOUR,
      notificationsPerMinute: e.STEERING_NOTIFICATIONS_PER_MINUTE,
      writeIntervalMs: e.STEERING_WRITE_INTERVAL_MS,
      orgs: e.STEERING_ORGS,
      topicsInclude: e.STEERING_TOPICS_INCLUDE,
      topicsExclude: e.STEERING_TOPICS_EXCLUDE,
      canaryRepos: e.STEERING_CANARY_REPOS,
      prLabel: e.STEERING_PR_LABEL,
    },
    scan: { rescanMaxAgeHours: e.STEERING_RESCAN_MAX_AGE_HOURS },
    server: { url: e.STEERING_URL?.replace(/\/+$/, ''), token: e.STEERING_TOKEN },
    compliance: {
      waiverMaxDays: e.STEERING_WAIVER_MAX_DAYS,
      publicDashboard: e.STEERING_PUBLIC_DASHBOARD,
      publicBadges: e.STEERING_PUBLIC_BADGES,
    },
    measurements: {
      staleAfterDays: e.STEERING_MEASUREMENT_STALE_DAYS,
      prometheusUrl: e.STEERING_PROMETHEUS_URL?.replace(/\/+$/, ''),
      prometheusEveryMinutes: e.STEERING_PROMETHEUS_EVERY_MINUTES,
      prometheusTimeoutMs: e.STEERING_PROMETHEUS_TIMEOUT_MS,
      prometheusMinIntervalMs: e.STEERING_PROMETHEUS_MIN_INTERVAL_MS,
    },
    compile: {
      maxBytes: e.STEERING_MAX_DOCUMENT_BYTES,
      maxRules: e.STEERING_MAX_RULES,
      maxNesting: e.STEERING_MAX_NESTING,
      timeoutMs: e.STEERING_COMPILE_TIMEOUT_MS,
      threads: e.STEERING_COMPILE_THREADS,
    },
    resilience: {
      githubRequestTimeoutMs: e.GITHUB_REQUEST_TIMEOUT_MS,
      jobTimeoutMs: e.STEERING_JOB_TIMEOUT_MS,
      outboxEverySeconds: e.STEERING_OUTBOX_EVERY_SECONDS,
      reconcileEverySeconds: e.STEERING_RECONCILE_EVERY_SECONDS,
      redeliverWithinHours: e.STEERING_REDELIVER_WITHIN_HOURS,
      shutdownDeadlineMs: e.STEERING_SHUTDOWN_DEADLINE_MS,
    },
  });
}
