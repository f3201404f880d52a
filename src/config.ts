/**
 * The one configuration loader. `loadConfig(env)` parses environment variables with zod into a
 * frozen object and, when anything is wrong, throws a ConfigError listing every problem at once.
 * No other module reads process.env: pass the config (or the part of it you need) down.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max);

// Each variable is declared once, here: its type, its default and its description. The README's
// configuration table is generated from these entries (`UPDATE=1 npm run test:only config-docs`
// rewrites it; the test fails while the table and the schema differ), so neither a default nor a
// meaning is written a second time.
const EnvSchema = z.object({
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/ })
    .optional()
    .describe(
      'PostgreSQL, e.g. `postgres://user@host:5432/steering`. **Unset: an embedded PostgreSQL (PGlite)** in `$STEERING_DATA_DIR/pglite`, migrated automatically; one process at a time may open it (a second gets a clear error)',
    ),
  STEERING_DATA_DIR: z
    .string()
    .min(1)
    .default('.data')
    .describe('where the embedded database lives'),
  DB_STATEMENT_TIMEOUT_MS: int(100).default(5000).describe('PostgreSQL per-statement timeout, ms'),
  DB_POOL_MAX: int(1, 200).default(10).describe('most connections in the PostgreSQL pool'),
  DB_QUERY_TIMEOUT_MS: int(100)
    .default(10_000)
    .describe(
      'client-side limit on one query\'s round trip, ms: a query that gets no answer (a frozen server or network) fails as "database unavailable" (503) and its connection is dropped. TCP keepalive is on',
    ),
  DB_CONNECT_TIMEOUT_MS: int(100)
    .default(5000)
    .describe('how long to wait for a new connection, ms'),
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: int(100)
    .default(30_000)
    .describe('the server ends a session idle inside a transaction for this long, ms'),
  STEERING_MIGRATE_ON_START: bool
    .default(false)
    .describe(
      'with `DATABASE_URL`: apply migrations when `serve` starts (or run `steering migrate`, or `serve --migrate`); otherwise `serve` refuses an outdated schema and names the pending files',
    ),
  REDIS_URL: z
    .url({ protocol: /^rediss?$/ })
    .optional()
    .describe(
      'queues (BullMQ) and the GitHub write limiter shared by every worker. **Unset: in-process queues and limiter**, one process runs every job',
    ),
  STEERING_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_:-]+$/)
    .default('steering')
    .describe('prefix of every BullMQ queue and Redis key steering writes'),
  PORT: int(0, 65535).default(3000).describe('HTTP port'),
  HOST: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe('HTTP bind address (`HOST=0.0.0.0` in a container)'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino level; tokens, secrets and payload bodies are never logged'),
  STEERING_GUIDELINES_DIR: z
    .string()
    .min(1)
    .default('guidelines')
    .describe(
      'default directory of guideline documents (`*.md`, `*.checks.yaml`) for `publish` and `scan`',
    ),

  GITHUB_API_URL: z
    .url()
    .default('https://api.github.com')
    .describe('GitHub REST base URL; GitHub Enterprise Server: `https://ghe.example.com/api/v3`'),
  GITHUB_APP_ID: z
    .string()
    .regex(/^\d+$/, 'must be the numeric App id')
    .optional()
    .describe(
      'GitHub App id, for App auth (installation tokens) with `GITHUB_PRIVATE_KEY` or `GITHUB_PRIVATE_KEY_PATH`',
    ),
  GITHUB_PRIVATE_KEY: z
    .string()
    .min(1)
    .optional()
    .describe("the GitHub App's private key (PEM; `\\n` stands for a line break)"),
  GITHUB_PRIVATE_KEY_PATH: z
    .string()
    .min(1)
    .optional()
    .describe("a file holding the GitHub App's private key, instead of `GITHUB_PRIVATE_KEY`"),
  GITHUB_TOKEN: z
    .string()
    .min(1)
    .optional()
    .describe('a personal or installation token, instead of App auth'),
  GITHUB_WEBHOOK_SECRET: z
    .string()
    .min(1)
    .optional()
    .describe('the secret GitHub signs webhook deliveries with'),
  GITHUB_WEBHOOK_SECRET_PREVIOUS: z
    .string()
    .min(1)
    .optional()
    .describe(
      'the previous webhook secret, accepted until `GITHUB_WEBHOOK_SECRET_PREVIOUS_UNTIL` (a rotation)',
    ),
  GITHUB_WEBHOOK_SECRET_PREVIOUS_UNTIL: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('ISO time the previous webhook secret stops working'),

  STEERING_WRITES_PER_MINUTE: int(1)
    .default(80)
    .describe('content-creating GitHub requests per installation and minute'),
  STEERING_WRITES_PER_HOUR: int(1)
    .default(500)
    .describe('content-creating GitHub requests per installation and hour'),
  STEERING_WRITE_INTERVAL_MS: int(0)
    .default(1000)
    .describe('least gap between content-creating requests to one installation, ms'),
  STEERING_ORGS: csv
    .default([])
    .describe(
      'organisations whose repositories receive guidelines (comma list; empty: all installed)',
    ),
  STEERING_TOPICS_INCLUDE: csv
    .default([])
    .describe('only repositories with one of these topics (comma list; empty: no topic filter)'),
  STEERING_TOPICS_EXCLUDE: csv
    .default([])
    .describe(
      'skip repositories with any of these topics (comma list); the topic `steering-opt-out` always opts out',
    ),
  STEERING_CANARY_REPOS: csv
    .default([])
    .describe(
      'canary repositories (`owner/name`, comma list), besides those with the topic `steering-canary`',
    ),
  STEERING_PR_LABEL: z
    .string()
    .trim()
    .max(50)
    .default('steering')
    .describe(
      "label of steering's pull requests; empty (`STEERING_PR_LABEL=`): no label, and a new PR costs 4 GitHub writes instead of 5",
    ),
  STEERING_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      "a running server the CLI's admin commands use, with `STEERING_TOKEN` (unset: the local `server.json`, else the database)",
    ),
  STEERING_TOKEN: z.string().min(1).optional().describe('the API token sent to `STEERING_URL`'),
  STEERING_RESCAN_MAX_AGE_HOURS: int(1)
    .default(24)
    .describe('rescan a repository whose last scan is older than this many hours'),
  STEERING_WAIVER_MAX_DAYS: int(1, 3650)
    .default(180)
    .describe('longest waiver, in days, the API, the CLI or `.steering/waivers.yaml` may grant'),
  STEERING_PUBLIC_DASHBOARD: bool
    .default(false)
    .describe('the dashboard and compliance reads without a token (read-only)'),
  STEERING_PUBLIC_BADGES: bool
    .default(false)
    .describe('`GET /badge/{owner}/{repo}.svg` without a token'),
  STEERING_MEASUREMENT_STALE_DAYS: int(1)
    .default(14)
    .describe('a measured figure older than this many days is `stale`'),
  STEERING_PROMETHEUS_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('Prometheus the threshold rules are evaluated against (unset: reports only)'),
  STEERING_PROMETHEUS_EVERY_MINUTES: int(1)
    .default(15)
    .describe('minutes between evaluations against Prometheus (a repeatable job)'),
  STEERING_PROMETHEUS_TIMEOUT_MS: int(100)
    .default(10_000)
    .describe('timeout of one PromQL query, ms'),
  STEERING_PROMETHEUS_MIN_INTERVAL_MS: int(0)
    .default(200)
    .describe('least gap between two queries to one Prometheus, ms'),

  STEERING_MAX_DOCUMENT_BYTES: int(1024)
    .default(1024 * 1024)
    .describe('largest guideline document a publish accepts, bytes (413 over it)'),
  STEERING_MAX_RULES: int(1)
    .default(2000)
    .describe('most rules one published document may compile to (422 over it)'),
  STEERING_MAX_NESTING: int(2, 1000)
    .default(32)
    .describe(
      'deepest nesting of lists and quotes a published document may have (422, checked before parsing)',
    ),
  STEERING_COMPILE_TIMEOUT_MS: int(100)
    .default(20_000)
    .describe(
      "longest a publish's compile may take, ms; it runs in a worker thread (the API keeps answering), and one running longer is stopped and refused (422)",
    ),
  STEERING_COMPILE_THREADS: int(1, 16)
    .default(1)
    .describe('compile worker threads of `serve` (compiles never block the API either way)'),

  REDIS_COMMAND_TIMEOUT_MS: int(100)
    .default(5000)
    .describe('limit on one Redis command (readiness, webhook intake, limiter), ms'),
  REDIS_CONNECT_TIMEOUT_MS: int(100)
    .default(5000)
    .describe('limit on establishing a Redis connection, ms'),
  GITHUB_REQUEST_TIMEOUT_MS: int(1000).default(30_000).describe('limit on one GitHub request, ms'),
  STEERING_JOB_TIMEOUT_MS: int(0)
    .default(900_000)
    .describe(
      'longest one job attempt may run before it is retried with backoff, ms (0: no limit)',
    ),
  STEERING_OUTBOX_EVERY_SECONDS: int(0)
    .default(30)
    .describe('seconds between outbox passes (deliveries recorded but not processed are enqueued)'),
  STEERING_RECONCILE_EVERY_SECONDS: int(0)
    .default(300)
    .describe(
      'seconds between GitHub reconciliations (registry, rollout targets, missed webhooks, open PRs)',
    ),
  STEERING_REDELIVER_WITHIN_HOURS: int(1, 72)
    .default(24)
    .describe("how far back the missed-webhook pass reads the App's delivery log, hours"),
  STEERING_SHUTDOWN_DEADLINE_MS: int(1000)
    .default(25_000)
    .describe('after SIGTERM, busy workers are stopped and their jobs handed back after this, ms'),
});

export type Env = z.input<typeof EnvSchema>;

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
  readonly logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
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

/** Variables whose empty value is a setting of its own, not "unset". */
const KEEP_EMPTY = new Set(['STEERING_PR_LABEL']);

/** One configuration variable as documented: its name, its default as written in the docs, its meaning. */
export interface ConfigVariable {
  readonly name: string;
  /** `unset` for an optional variable, `empty` for an empty list, else the value. */
  readonly default: string;
  readonly description: string;
}

/** Every variable `loadConfig` reads, in declaration order, with its default taken from the schema. */
export function describeConfigVariables(): ConfigVariable[] {
  const defaults: Record<string, unknown> = EnvSchema.parse({});
  return Object.entries(EnvSchema.shape).map(([name, schema]) => {
    const value = defaults[name];
    return {
      name,
      default:
        value === undefined
          ? 'unset'
          : Array.isArray(value)
            ? value.length
              ? value.join(',')
              : 'empty'
            : typeof value === 'string'
              ? value
              : JSON.stringify(value),
      description: schema.description ?? '',
    };
  });
}

type ParsedEnv = z.infer<typeof EnvSchema>;

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
