/**
 * Every environment variable steering reads, declared once: its type, default and description
 * (zod). `loadConfig` in config.ts parses with it; `describeConfigVariables` is the documented view
 * that README's configuration table is generated from. Nothing here reads process.env.
 */
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
export const EnvSchema = z.object({
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
  STEERING_NOTIFICATIONS_PER_MINUTE: int(1)
    .default(20)
    .describe(
      'of those, notifying GitHub requests (new pull requests, comments) per installation and minute',
    ),
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

/** Variables whose empty value is a setting of its own, not "unset". */
export const KEEP_EMPTY = new Set(['STEERING_PR_LABEL']);

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

export type ParsedEnv = z.infer<typeof EnvSchema>;
