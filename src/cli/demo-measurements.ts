/**
 * The demo's measured-compliance step: acme/payments' CI uploads its Locust report (recorded from a
 * real run) with its `.steering/service.yaml`, and the latency rules turn from unchecked to pass or
 * fail with the measured figures; then, when a `prometheus` binary is on PATH, a real Prometheus on
 * loopback scrapes a stand-in of the running service and steering evaluates the remaining
 * threshold rules with PromQL. Ends with how many of the guideline's threshold rules were decided.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import { createPrometheusClient, evaluatePrometheus } from '../measurements/index.js';
import { findRepositoryByName, type Db } from '../store/index.js';
import { startDemoMetricsService } from './demo-metrics-service.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers are untyped JSON here
type Json = Record<string, any>;

export interface DemoMeasurementContext {
  api: (path: string, init?: RequestInit) => Promise<Json>;
  out: (line: string) => void;
  db: Db;
  logger: Logger;
  /** Folder with payments_stats.csv and service.yaml. */
  reportDir: string;
  step: number;
}

interface RuleRow {
  ruleId: string;
  status: string;
  message: string | null;
}

type Rules = () => Promise<Map<string, RuleRow>>;

export async function showMeasurements(ctx: DemoMeasurementContext): Promise<void> {
  const rules: Rules = async () => {
    const c = await ctx.api('/v1/repositories/acme/payments/compliance');
    const latest = (c.guidelines as Json[]).find((g) => g.track === 'latest') ?? c.guidelines[0];
    return new Map((latest.rules as RuleRow[]).map((r) => [r.ruleId, r]));
  };
  const { afterUpload, measuredIds } = await uploadLocustReport(ctx, rules);
  if (spawnSync('prometheus', ['--version']).error) {
    ctx.out(
      `${ctx.step + 1}. No \`prometheus\` on PATH: skipped the live-metrics evaluation (apt-get install prometheus to see it).`,
    );
  } else {
    await evaluateLiveMetrics(ctx, rules, afterUpload, measuredIds);
  }
  await showDecided(ctx, await rules(), measuredIds);
}

/** The CI's Locust upload: which threshold rules it measured, and what each was before. */
async function uploadLocustReport(
  ctx: DemoMeasurementContext,
  rules: Rules,
): Promise<{ afterUpload: Map<string, RuleRow>; measuredIds: Set<string> }> {
  const before = await rules();
  const upload = await ctx.api('/v1/repositories/acme/payments/measurements', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      context: 'demo CI run 1',
      serviceConfig: readFileSync(join(ctx.reportDir, 'service.yaml'), 'utf8'),
      reports: [
        {
          name: 'payments_stats.csv',
          content: readFileSync(join(ctx.reportDir, 'payments_stats.csv'), 'utf8'),
        },
      ],
    }),
  });
  const afterUpload = await rules();
  const measuredIds = new Set<string>((upload.measured as Json[]).map((m) => m.ruleId as string));
  ctx.out(
    `${ctx.step}. acme/payments' CI ran Locust and uploaded payments_stats.csv (\`steering report\`): ${upload.measured.length} threshold rules measured:`,
  );
  for (const m of upload.measured as Json[]) {
    const was = before.get(m.ruleId)?.status ?? 'unchecked';
    const now = afterUpload.get(m.ruleId)?.status ?? m.status;
    ctx.out(`     ${was} → ${now === 'fail' ? 'FAIL' : now}  ${m.ruleId}: ${m.message}`);
  }
  return { afterUpload, measuredIds };
}

/** A real Prometheus scrapes the stand-in service; steering evaluates the rules with PromQL. */
async function evaluateLiveMetrics(
  ctx: DemoMeasurementContext,
  rules: Rules,
  afterUpload: Map<string, RuleRow>,
  measuredIds: Set<string>,
): Promise<void> {
  const repo = (await findRepositoryByName(ctx.db, 'acme', 'payments'))!;
  const result = await withPrometheus(async (url) =>
    evaluatePrometheus(
      {
        db: ctx.db,
        client: createPrometheusClient({ url, minIntervalMs: 10 }),
        logger: ctx.logger,
      },
      repo.id,
    ),
  );
  const after = await rules();
  ctx.out(
    `${ctx.step + 1}. A real Prometheus on loopback scraped a stand-in of the running payments service; steering evaluated the threshold rules with PromQL: ${result.measured.length} measured:`,
  );
  for (const m of result.measured) {
    measuredIds.add(m.ruleId);
    const row = after.get(m.ruleId);
    const was = afterUpload.get(m.ruleId)?.status ?? 'unchecked';
    ctx.out(
      `     ${was} → ${row?.status === 'fail' ? 'FAIL' : row?.status}  ${m.ruleId}: ${row?.message}`,
    );
  }
}

/** How many of the guideline's threshold rules measurements decided, and which they did not. */
async function showDecided(
  ctx: DemoMeasurementContext,
  final: Map<string, RuleRow>,
  measuredIds: Set<string>,
): Promise<void> {
  const c = await ctx.api('/v1/repositories/acme/payments/compliance');
  const latest = (c.guidelines as Json[]).find((g) => g.track === 'latest') ?? c.guidelines[0];
  const version = await ctx.api(`/v1/guidelines/${latest.guideline}/versions/${latest.version}`);
  const thresholdIds = new Set(
    (version.rules as Json[]).filter((r) => r.threshold).map((r) => r.id as string),
  );
  const thresholds = [...final.values()].filter((r) => thresholdIds.has(r.ruleId));
  const decided = thresholds.filter(
    (r) => measuredIds.has(r.ruleId) && ['pass', 'fail', 'stale'].includes(r.status),
  );
  ctx.out(
    `   acme/payments: ${decided.length} of ${thresholds.length} threshold rules decided by measurements (${decided.filter((r) => r.status === 'pass').length} pass, ${decided.filter((r) => r.status === 'fail').length} fail); not decided by a measurement: ${
      thresholds
        .filter((r) => !decided.includes(r))
        .map((r) => `${r.ruleId.replace(/^performance\./, '')} (${r.status})`)
        .join(', ') || 'none'
    }.`,
  );
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Runs fn with a Prometheus on loopback that has scraped the stand-in service a few times. */
async function withPrometheus<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const service = await startDemoMetricsService();
  const dir = mkdtempSync(join(tmpdir(), 'steering-demo-prometheus-'));
  let child: ChildProcess | undefined;
  try {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: payments\n    static_configs:\n      - targets: ['${service.target}']\n`,
    );
    child = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=error',
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 60_000;
    // wait until Prometheus holds six scrapes of the service (the 5 s rate windows need them)
    for (;;) {
      if (Date.now() > deadline)
        throw new Error('demo: Prometheus did not scrape the service within 60 s');
      const scrapes = await fetch(
        `${url}/api/v1/query?query=${encodeURIComponent('count_over_time(up{job="payments"}[1m])')}`,
      )
        .then((r) => r.json() as Promise<Json>)
        .then((b) => Number(b.data?.result?.[0]?.value?.[1] ?? 0))
        .catch(() => 0);
      if (scrapes >= 6) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    return await fn(url);
  } finally {
    child?.kill('SIGTERM');
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
