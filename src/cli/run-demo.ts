/**
 * `steering demo`: the whole loop on one machine, with no GitHub and no database server. A GitHub
 * simulator on loopback holds an organisation of service repositories (the checks' fixture
 * repositories); steering runs on an in-memory embedded PostgreSQL with in-process queues (or the
 * Redis of REDIS_URL when it is set), and the
 * demo drives it through its own HTTP API as a platform team would: publish the performance
 * guideline, watch the rollout open one pull request per repository, merge two of them (the
 * simulator sends signed webhooks back), read compliance with evidence, then publish a tightened
 * version and see the open pull requests updated in place.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { SteeringError } from '../errors.js';
import { startSimulator, type Simulator } from '../github/index.js';
import { createApp, startServer, type RunningServer } from '../http/index.js';
import { syncRepositories } from '../fleet/index.js';
import { createRolloutHook, deletePrefixKeys } from '../jobs/index.js';
import { silentLogger, type Logger } from '../log.js';
import { createMetrics } from '../metrics.js';
import { createApiToken, openPgliteDatabase, runMigrations, type Db } from '../store/index.js';
import { enqueueScan } from '../scans/index.js';
import { readDirectoryFiles } from './read-directory-files.js';
import { showMeasurements } from './demo-measurements.js';
import { startProcessing, type Processing } from './start-processing.js';

export interface DemoOptions {
  guideline: string;
  fixtures: string;
  port: number;
  /** Keep serving after the walk-through until SIGINT/SIGTERM. */
  keep: boolean;
  out: (line: string) => void;
  logger?: Logger;
}

const REPOS: Array<{ name: string; fixture: string; topics: string[] }> = [
  { name: 'payments', fixture: 'python-fastapi', topics: ['steering-canary'] },
  { name: 'orders', fixture: 'node-express', topics: [] },
  { name: 'inventory', fixture: 'java-spring', topics: [] },
  { name: 'gateway', fixture: 'java-micronaut', topics: [] },
];

/** Polls until `fn` has an answer; gives up only after minutes (a busy machine is slow, not stuck). */
async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 600_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`demo: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The demo's queues live under a prefix of their own; nothing of it stays in Redis. */
async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    await deletePrefixKeys(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

/** With REDIS_URL set, say at once when it does not answer rather than retrying forever. */
async function requireRedis(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 3000,
  });
  let cause = '';
  redis.on('error', (err: Error) => (cause ||= err.message));
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new SteeringError(
      'QUEUE_UNAVAILABLE',
      `REDIS_URL is set but no Redis answers at ${url} (${cause || (err as Error).message}); start it, or unset REDIS_URL to run the demo with in-process queues`,
    );
  } finally {
    redis.disconnect();
  }
}

export async function runDemo(config: Config, options: DemoOptions): Promise<void> {
  const { out } = options;
  const redisUrl = config.redis.url;
  if (redisUrl) await requireRedis(redisUrl);
  const logger = options.logger ?? silentLogger;
  const secret = randomBytes(16).toString('hex');
  const cleanup: Array<() => Promise<unknown>> = [];
  try {
    const sim: Simulator = await startSimulator({ port: 0 });
    cleanup.push(() => sim.close());
    sim.addInstallation('acme', { id: 1 });
    for (const r of REPOS) {
      sim.addRepo({
        owner: 'acme',
        name: r.name,
        installationId: 1,
        topics: r.topics,
        files: readDirectoryFiles(join(options.fixtures, r.fixture)),
      });
    }
    sim.addToken('ghs_demo', { login: 'steering[bot]', installationId: 1 });
    out(
      `1. Simulated GitHub at ${sim.url}: organisation acme with ${REPOS.map((r) => `${r.name} (${r.fixture}${r.topics.length ? `, ${r.topics.join(', ')}` : ''})`).join(', ')}.`,
    );

    const demoConfig: Config = {
      ...config,
      github: {
        ...config.github,
        apiUrl: sim.url,
        auth: { kind: 'token', token: 'ghs_demo' },
        webhookSecret: secret,
        previousWebhookSecret: undefined,
      },
      redis: { ...config.redis, prefix: `steering-demo-${process.pid}-${Date.now()}` },
      rollout: { ...config.rollout, writeIntervalMs: 0 },
    };
    if (redisUrl) cleanup.push(() => deleteKeys(redisUrl, demoConfig.redis.prefix));
    const db: Db = await openPgliteDatabase({ dataDir: 'memory://' });
    cleanup.unshift(() => db.close());
    await runMigrations(db);
    const processing: Processing = await startProcessing(demoConfig, db, logger, {
      reconcileEverySeconds: 0,
    });
    cleanup.unshift(async () => {
      for (const c of processing.closables) await c.close();
    });
    const hook = createRolloutHook({
      db,
      queue: processing.rollouts.queue,
      selectors: demoConfig.rollout,
      autoFlush: true,
      logger,
    });
    const app = createApp({
      db,
      logger,
      metrics: createMetrics({ processMetrics: false }),
      onPublished: hook.onPublished,
      webhooks: { secret, previousSecret: undefined, enqueue: processing.scans.enqueueDelivery },
      compliance: {
        rescan: (repositoryId, sha) =>
          enqueueScan(
            db,
            processing.scans.queue,
            { repositoryId, sha, trigger: 'manual', force: true },
            randomBytes(4).toString('hex'),
          ),
      },
    });
    const server: RunningServer = await startServer(app, { port: options.port, host: '127.0.0.1' });
    cleanup.unshift(() => server.close());
    sim.setWebhook({ url: `${server.url}/webhooks/github`, secret });
    const { token } = await createApiToken(db, { name: 'demo', scopes: ['admin'] });
    const api = async (path: string, init: RequestInit = {}) => {
      const res = await fetch(`${server.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, ...init.headers },
      });
      const body = (await res.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      if (!res.ok)
        throw new Error(
          `demo: ${init.method ?? 'GET'} ${path} answered ${res.status}: ${body.detail ?? JSON.stringify(body)}`,
        );
      return body;
    };
    out(
      `2. steering is serving at ${server.url} (in-memory database, ${redisUrl ? `Redis ${redisUrl}` : 'in-process queues'}); workers running.`,
    );
    const synced = await syncRepositories(processing.rollouts.github, db, demoConfig.rollout);
    out(
      `   Registry synced from the App installation: ${synced.eligible} repositories will receive guidelines.`,
    );

    const source = readFileSync(options.guideline);
    const v1 = await api('/v1/guidelines/performance/versions', {
      method: 'POST',
      headers: { 'content-type': 'text/markdown' },
      body: source,
    });
    out(`3. Published ${options.guideline}: version ${v1.version} with ${v1.ruleCount} rules.`);
    const rollout = await until('the first rollout to finish', async () => {
      const list = (await api('/v1/rollouts')).rollouts as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
      const r = list[0];
      return r && r.state === 'completed' ? await api(`/v1/rollouts/${r.id}`) : undefined;
    });
    out(
      `   Rollout ${rollout.id}: canary wave first, then the rest; ${rollout.counts.opened} pull requests opened:`,
    );
    for (const r of REPOS) {
      const pr = sim.listPulls('acme', r.name)[0];
      out(`     acme/${r.name} #${pr?.number}: ${pr?.title}`);
    }

    for (const name of ['payments', 'orders']) {
      const pr = sim.listPulls('acme', name).find((p) => p.state === 'open')!;
      sim.mergePull('acme', name, pr.number, 'service-owner');
    }
    await sim.flushWebhooks();
    out(
      '4. A service owner merged the pull requests of payments and orders; GitHub sent the webhooks.',
    );
    for (const name of ['payments', 'orders']) {
      const c = await until(`the scan of acme/${name}`, async () => {
        const body = await api(`/v1/repositories/acme/${name}/compliance`).catch(() => undefined);
        return body?.guidelines?.some((g: { track: string }) => g.track === 'adopted')
          ? body
          : undefined;
      });
      const adopted = c.guidelines.find((g: { track: string }) => g.track === 'adopted');
      const counts = Object.entries(adopted.counts as Record<string, number>)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ');
      out(
        `   acme/${name} adopted ${adopted.version}: ${adopted.compliant ? 'compliant' : 'NOT compliant'} (${counts})`,
      );
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      for (const rule of adopted.rules as Array<Record<string, any>>) {
        if (rule.status !== 'fail' && rule.status !== 'pass') continue;
        const where = rule.evidence[0]
          ? ` at ${rule.evidence[0].path}:${rule.evidence[0].line}`
          : '';
        out(
          `     ${rule.status === 'pass' ? 'pass' : 'FAIL'} ${rule.level.padEnd(6)} ${rule.ruleId}${where}`,
        );
        // A failure says, for the service owner, what is expected and what to add.
        if (rule.status === 'fail' && rule.message) out(`          ${rule.message}`);
      }
    }

    await showMeasurements({
      api,
      out,
      db,
      logger,
      reportDir: join(options.fixtures, '..', 'reports', 'locust-payments'),
      step: 5,
    });

    const tightened = source
      .toString('utf8')
      .replace('Health checks: < 50ms', 'Health checks: < 40ms');
    const v2 = await api('/v1/guidelines/performance/versions', {
      method: 'POST',
      headers: { 'content-type': 'text/markdown' },
      body: tightened,
    });
    out(
      `7. Published a tightened health-check target: ${v1.version} → ${v2.version} (${v2.bump}): ${v2.summary}`,
    );
    const second = await until('the second rollout to finish', async () => {
      const list = (await api('/v1/rollouts')).rollouts as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
      const r = list.find((x) => x.version === v2.version);
      return r && r.state === 'completed' ? await api(`/v1/rollouts/${r.id}`) : undefined;
    });
    const states = Object.entries(second.counts as Record<string, number>)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ');
    out(
      `   Rollout ${second.id}: ${states} — open pull requests were updated in place, merged repositories got a new one; never two at once.`,
    );
    out(`   GitHub requests made by steering: ${sim.requests.length} (the simulator's log).`);

    // Fleet compliance: rescan against the new version (the open pull request then says what it
    // means for the repository), a waiver, and the fleet summary.
    await api('/v1/repositories/acme/payments/scans', { method: 'POST' });
    await until('the rescan of acme/payments against the new version', async () => {
      const c = await api('/v1/repositories/acme/payments/compliance');
      return c.guidelines.some(
        (g: { track: string; version: string }) => g.track === 'latest' && g.version === v2.version,
      )
        ? c
        : undefined;
    });
    const openPr = await until('the pull request body to be updated', async () => {
      const pr = sim.listPulls('acme', 'payments').find((p) => p.state === 'open');
      return pr && /With \d+\.\d+\.\d+ this repository would/.test(pr.body ?? '') ? pr : undefined;
    });
    const said = (openPr.body ?? '')
      .split('\n')
      .filter((l) => /^(With |\*\*Due|\*\*Overdue)/.test(l));
    out(`8. Rescanned acme/payments; its open pull request #${openPr.number} now says:`);
    for (const line of said) out(`     ${line}`);
    const failing = (
      await api(`/v1/repositories?guideline=performance&status=noncompliant&limit=1`)
    ).repositories[0];
    if (failing) {
      const c = await api(`/v1/repositories/${failing.repository}/compliance`);
      const rule = c.guidelines
        .flatMap((g: { rules: { ruleId: string; status: string; level: string }[] }) => g.rules)
        .find((r: { status: string; level: string }) => r.status === 'fail' && r.level === 'MUST');
      if (rule) {
        const w = await api('/v1/waivers', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            repository: failing.repository,
            rule: rule.ruleId,
            owner: 'team-platform',
            reason: 'demo: fix scheduled for next sprint',
            expires: '30d',
          }),
        });
        out(
          `9. Waived ${rule.ruleId} for ${failing.repository} until ${String(w.expiresAt).slice(0, 10)} (audited; it shows as exempt at once and lapses at expiry).`,
        );
      }
    }
    const fleet = await api('/v1/compliance');
    out('10. Fleet summary:');
    for (const g of fleet.guidelines) {
      out(
        `   ${g.title} ${g.latestVersion}: ${g.repositories.compliantMust}/${g.repositories.scanned} repositories compliant on MUST rules (${Math.round(g.repositories.shareCompliantMust * 100)}%), ${g.repositories.compliantAll} on all rules; ${g.overdue.repositories} overdue; coverage ${Math.round(g.coverage.share * 100)}% of ${g.coverage.rules} rules; on latest ${g.drift.onLatest}, behind ${g.drift.behind}, not adopted ${g.drift.notAdopted}.`,
      );
      for (const r of g.topFailingRules.slice(0, 3))
        out(
          `     failing in ${r.failing}: ${r.ruleId} (${r.level}${r.overdue ? `, ${r.overdue} overdue` : ''})`,
        );
    }

    if (options.keep) {
      out(`\nDashboard: ${server.url}/ (log in with the API token below)`);
      out(
        `\nsteering keeps serving at ${server.url} — try:\n  curl -H "Authorization: Bearer ${token}" ${server.url}/v1/repositories/acme/payments/compliance\nCtrl-C stops it.`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
    } else {
      out('\nDone. `steering demo --keep` leaves the API running to explore.');
    }
  } finally {
    for (const close of cleanup) await close().catch(() => undefined);
  }
}
