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

const EnvSchema = z.object({
  /** PostgreSQL connection string. Unset: an embedded PostgreSQL (PGlite) in STEERING_DATA_DIR. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /** Where the embedded database keeps its files. Default `.data/pglite`. */
  STEERING_DATA_DIR: z.string().min(1).default('.data'),
  /** Per-statement timeout for PostgreSQL, in ms. Default 5000. */
  DB_STATEMENT_TIMEOUT_MS: int(100).default(5000),
  /** Maximum connections in the pg pool. Default 10. */
  DB_POOL_MAX: int(1, 200).default(10),
  /** Client-side limit on one query's round trip (a frozen connection cannot hang a request), ms. Default 10000. */
  DB_QUERY_TIMEOUT_MS: int(100).default(10_000),
  /** How long to wait for a new connection, ms. Default 5000. */
  DB_CONNECT_TIMEOUT_MS: int(100).default(5000),
  /** The server ends a session idle inside a transaction for this long, ms. Default 30000. */
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: int(100).default(30_000),
  /** Run pending migrations when `steering serve` starts. Default false. */
  STEERING_MIGRATE_ON_START: bool.default(false),
  /** Redis for BullMQ queues and the shared GitHub write limiter. Unset: in-process queues (one process). */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** Prefix of every BullMQ queue and Redis key steering writes. Default `steering`. */
  STEERING_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_:-]+$/)
    .default('steering'),
  /** HTTP port. Default 3000. */
  PORT: int(0, 65535).default(3000),
  /** HTTP bind address. Default 127.0.0.1 (set 0.0.0.0 in a container). */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** pino level. Default info. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Directory of guideline documents (`*.md`, `*.checks.yaml`). Default `guidelines`. */
  STEERING_GUIDELINES_DIR: z.string().min(1).default('guidelines'),

  /** GitHub REST base URL; set it for GitHub Enterprise Server (`https://ghe.example.com/api/v3`). */
  GITHUB_API_URL: z.url().default('https://api.github.com'),
  /** GitHub App id (with GITHUB_PRIVATE_KEY or GITHUB_PRIVATE_KEY_PATH). */
  GITHUB_APP_ID: z.string().regex(/^\d+$/, 'must be the numeric App id').optional(),
  GITHUB_PRIVATE_KEY: z.string().min(1).optional(),
  GITHUB_PRIVATE_KEY_PATH: z.string().min(1).optional(),
  /** A personal or installation token, instead of App auth. */
  GITHUB_TOKEN: z.string().min(1).optional(),
  /** Secret GitHub signs webhook deliveries with. */
  GITHUB_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** The previous secret, accepted until GITHUB_WEBHOOK_SECRET_PREVIOUS_UNTIL (rotation window). */
  GITHUB_WEBHOOK_SECRET_PREVIOUS: z.string().min(1).optional(),
  GITHUB_WEBHOOK_SECRET_PREVIOUS_UNTIL: z.iso.datetime({ offset: true }).optional(),

  /** Content-creating GitHub requests per installation: per minute (default 80) and hour (default 500). */
  STEERING_WRITES_PER_MINUTE: int(1).default(80),
  STEERING_WRITES_PER_HOUR: int(1).default(500),
  /** Minimum gap between content-creating requests to one installation, ms. Default 1000. */
  STEERING_WRITE_INTERVAL_MS: int(0).default(1000),
  /** Organisations whose repositories receive guidelines (empty: all installed). */
  STEERING_ORGS: csv.default([]),
  /** Only repositories with one of these topics (empty: no topic filter). */
  STEERING_TOPICS_INCLUDE: csv.default([]),
  /** Skip repositories with any of these topics (`steering-opt-out` is always skipped). */
  STEERING_TOPICS_EXCLUDE: csv.default([]),
  /** Canary repositories (`owner/name`), besides those with the topic `steering-canary`. */
  STEERING_CANARY_REPOS: csv.default([]),
  /** Label of steering's pull requests. Default `steering`; empty: none (one write less a PR). */
  STEERING_PR_LABEL: z.string().trim().max(50).default('steering'),
  /** A running steering server the CLI's admin commands talk to (with STEERING_TOKEN). */
  STEERING_URL: z.url({ protocol: /^https?$/ }).optional(),
  STEERING_TOKEN: z.string().min(1).optional(),
  /** Rescan a repository whose last scan is older than this many hours. Default 24. */
  STEERING_RESCAN_MAX_AGE_HOURS: int(1).default(24),
  /** Longest waiver (API, CLI or .steering/waivers.yaml), in days. Default 180. */
  STEERING_WAIVER_MAX_DAYS: int(1, 3650).default(180),
  /** Dashboard and compliance reads without a token (read-only). Default false. */
  STEERING_PUBLIC_DASHBOARD: bool.default(false),
  /** `GET /badge/{owner}/{repo}.svg` without a token. Default false. */
  STEERING_PUBLIC_BADGES: bool.default(false),
  /** A measured figure older than this many days is `stale`. Default 14. */
  STEERING_MEASUREMENT_STALE_DAYS: int(1).default(14),
  /** Prometheus the threshold rules are evaluated against (unset: no live evaluation). */
  STEERING_PROMETHEUS_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Minutes between evaluations (a BullMQ repeatable job). Default 15. */
  STEERING_PROMETHEUS_EVERY_MINUTES: int(1).default(15),
  /** Timeout of one PromQL query, ms. Default 10000. */
  STEERING_PROMETHEUS_TIMEOUT_MS: int(100).default(10_000),
  /** Minimum gap between two queries to one Prometheus, ms. Default 200. */
  STEERING_PROMETHEUS_MIN_INTERVAL_MS: int(0).default(200),

  /** Largest guideline document a publish accepts, in bytes. Default 1048576 (1 MiB). */
  STEERING_MAX_DOCUMENT_BYTES: int(1024).default(1024 * 1024),
  /** Most rules one document may compile to. Default 2000. */
  STEERING_MAX_RULES: int(1).default(2000),
  /** Deepest nesting of lists and quotes a document may have. Default 32. */
  STEERING_MAX_NESTING: int(2, 1000).default(32),
  /** Longest a compile may take before the publish is refused, ms. Default 20000. */
  STEERING_COMPILE_TIMEOUT_MS: int(100).default(20_000),
  /** Compile worker threads of `serve`. Default 1 (compiles never block the API either way). */
  STEERING_COMPILE_THREADS: int(1, 16).default(1),

  /** Limit on one Redis command (readiness, intake, limiter), ms. Default 5000. */
  REDIS_COMMAND_TIMEOUT_MS: int(100).default(5000),
  /** Limit on establishing a Redis connection, ms. Default 5000. */
  REDIS_CONNECT_TIMEOUT_MS: int(100).default(5000),
  /** Limit on one GitHub request, ms. Default 30000. */
  GITHUB_REQUEST_TIMEOUT_MS: int(1000).default(30_000),
  /** Longest one job attempt may run before it is retried with backoff, ms (0: none). Default 900000. */
  STEERING_JOB_TIMEOUT_MS: int(0).default(900_000),
  /** Seconds between outbox passes (deliveries recorded but not processed are enqueued). Default 30. */
  STEERING_OUTBOX_EVERY_SECONDS: int(0).default(30),
  /** Seconds between GitHub reconciliations (registry, rollout targets, missed webhooks, open PRs). Default 300. */
  STEERING_RECONCILE_EVERY_SECONDS: int(0).default(300),
  /** How far back the missed-webhook pass looks at the App's deliveries, hours. Default 24. */
  STEERING_REDELIVER_WITHIN_HOURS: int(1, 72).default(24),
  /** Shutdown deadline: busy workers are stopped and their jobs handed back after this, ms. Default 25000. */
  STEERING_SHUTDOWN_DEADLINE_MS: int(1000).default(25_000),
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

/** Parse the environment. Throws ConfigError naming every bad variable and what to do. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset" (a blank line in a .env file), except where empty means "none".
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => v !== undefined && (v !== '' || KEEP_EMPTY.has(k))),
  );
  const parsed = EnvSchema.safeParse(cleaned);
  const problems: string[] = [];
  if (!parsed.success) {
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
  const e = parsed.data;

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
  // `steering setup github-app` leaves the App it created here; the variables win over it.
  const appFile = join(e.STEERING_DATA_DIR, GITHUB_APP_FILE);
  let fromFile: { appId: string; privateKey: string; webhookSecret: string | null } | undefined;
  if (!e.GITHUB_APP_ID && !e.GITHUB_TOKEN && existsSync(appFile)) {
    try {
      const f = JSON.parse(readFileSync(appFile, 'utf8')) as Record<string, unknown>;
      if (typeof f.appId !== 'string' || typeof f.privateKey !== 'string')
        throw new Error('appId and privateKey are required');
      fromFile = {
        appId: f.appId,
        privateKey: f.privateKey,
        webhookSecret: typeof f.webhookSecret === 'string' ? f.webhookSecret : null,
      };
    } catch (err) {
      problems.push(
        `${appFile}: ${(err as Error).message} (run \`steering setup github-app\` again, or delete it)`,
      );
    }
  }
  if (problems.length) throw new ConfigError(problems);

  const auth: Config['github']['auth'] =
    e.GITHUB_APP_ID && privateKey
      ? { kind: 'app', appId: e.GITHUB_APP_ID, privateKey }
      : e.GITHUB_TOKEN
        ? { kind: 'token', token: e.GITHUB_TOKEN }
        : fromFile
          ? { kind: 'app', appId: fromFile.appId, privateKey: fromFile.privateKey }
          : { kind: 'none' };

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
