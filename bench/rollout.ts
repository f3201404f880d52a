// npm run bench:rollout [-- repos clock perMinute perHour label] — a rollout of
// guidelines/performance.md to N simulated repositories (default 500) with the simulator enforcing
// GitHub's secondary limits (80 writes a minute, 500 an hour, per installation; of these 20
// notifying ones, new pull requests, a minute: the simulator's assumption, GitHub publishes no
// figure) on a virtual clock (`clock` = `virtual`, the default: bench/virtual-clock.ts, it moves
// only when every distribute job sleeps on it, so the simulated times do not depend on the
// machine's load; a number instead runs the clock that many times real time, where a busy process
// lagging its timers lengthens the simulated time), steering's Redis limiter
// (20 notifying writes a minute) set to perMinute/perHour
// (default GitHub's own 80/500: the limiter counts each write until its answer arrived, so the
// exact limits hold at the window edges). Three phases: new PRs, the tightened version updating
// them in place, and a re-run after they are merged (every repository up to date). Prints GitHub
// calls per repository, 403/429 answers, and the simulated wall time against the minimum the write
// budget allows. Needs PostgreSQL (TEST_DATABASE_URL, default
// postgres://root@127.0.0.1:5432/test) and Redis. Figures and their history: docs/benchmarks.md.
// New PR = branch (head + root tree), recursive tree, create tree, commit, ref, pull, label:
// 7 calls / 5 writes (GitHub's create-pull takes no labels; no label: 6 / 4; a listing cached in
// tree_cache spares the tree read). Update = branch, get pull + tree, commit, ref, pull: 6 / 4
// (the first rollout cached main's listing).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { syncRepositories } from '../src/fleet/index.js';
import {
  createGitHubPort,
  createScaledClock,
  createWriteLimiter,
  startSimulator,
} from '../src/github/index.js';
import {
  createDistributeQueue,
  createRollout,
  createRolloutHook,
  enqueueRollout,
  startDistributeWorker,
} from '../src/jobs/index.js';
import { silentLogger } from '../src/log.js';
import { createBullmqDriver } from '../src/queue/index.js';
import { publishGuideline } from '../src/publish/index.js';
import { getRollout, listRolloutTargets, settleTarget } from '../src/store/index.js';
import { createTestDatabase } from '../test/support/db.js';
import { createVirtualClock } from './virtual-clock.js';

const repos = Number(process.argv[2] ?? 500);
const clockArg = process.argv[3] ?? 'virtual';
const virtualClock = clockArg === 'virtual' ? createVirtualClock() : undefined;
const factor = virtualClock ? 0 : Number(clockArg);
if (!virtualClock && !(factor > 0))
  throw new Error(`clock: 'virtual' or a factor, not ${clockArg}`);
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
// GitHub's limits, enforced by the simulator; the minimum wall time is computed from them.
const LIMITS = { writeIntervalMs: 1000, writesPerMinute: 80, writesPerHour: 500 };
const NOTIFICATIONS_PER_MINUTE = 20;
// steering's limiter at GitHub's own limits by default: a write reaches GitHub a moment after its
// slot, and the limiter counts it until its answer arrived, so the window edges hold. (Before it did,
// 80/500 drew secondary-limit 403s and the benchmark ran at 78/495, one budget hour longer.)
const LIMITER = {
  writeIntervalMs: 1000,
  writesPerMinute: Number(process.argv[4] ?? 80),
  writesPerHour: Number(process.argv[5] ?? 500),
  notificationsPerMinute: NOTIFICATIONS_PER_MINUTE,
};
// STEERING_PR_LABEL: `-- 500 100 80 500 ''` opens unlabelled PRs (one write less each).
const LABEL = process.argv[6] ?? 'steering';
const source = readFileSync('guidelines/performance.md', 'utf8');
const tightened = source.replace('- Health checks: < 50ms', '- Health checks: < 20ms');

/**
 * Earliest simulated ms by which `n` writes can all have started, from empty windows. The
 * notification budget is left out: one write in five is a pull request, 12 a minute at one write a
 * second, under its 20.
 */
function budgetMinimumMs(n: number, limits: typeof LIMITS = LIMITS): number {
  const times: number[] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0) t = Math.max(t, times[i - 1]! + limits.writeIntervalMs);
    if (i >= limits.writesPerMinute) t = Math.max(t, times[i - limits.writesPerMinute]! + 60_000);
    if (i >= limits.writesPerHour) t = Math.max(t, times[i - limits.writesPerHour]! + 3_600_000);
    times.push(t);
  }
  return times.at(-1) ?? 0;
}

const hms = (ms: number) => {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m${String(s % 60).padStart(2, '0')}s`;
};

const clock = virtualClock ?? createScaledClock({ factor });
const t = await createTestDatabase({ max: 20 });
const sim = await startSimulator({
  clock,
  rateLimits: {
    writesPerMinute: LIMITS.writesPerMinute,
    writesPerHour: LIMITS.writesPerHour,
    notificationsPerMinute: NOTIFICATIONS_PER_MINUTE,
  },
});
const installationId = sim.addInstallation('acme');
sim.addToken('ghs_bench', { login: 'steering[bot]', installationId });
for (let i = 0; i < repos; i++)
  sim.addRepo({ owner: 'acme', name: `svc-${String(i).padStart(4, '0')}` });

const prefix = `steering-bench-${randomBytes(4).toString('hex')}`;
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const writeLimiter = createWriteLimiter({ redis, prefix, clock, ...LIMITER });
const github = createGitHubPort(
  {
    github: {
      apiUrl: sim.url,
      auth: { kind: 'token', token: 'ghs_bench' },
      webhookSecret: undefined,
      previousWebhookSecret: undefined,
    },
  },
  { clock, writeLimiter, retryBaseDelayMs: 5, requestTimeoutMs: 10_000 },
);
const bullmq = createBullmqDriver({ url: REDIS_URL, prefix });
const driver = virtualClock ? virtualClock.watch(bullmq) : bullmq;
const queue = createDistributeQueue(driver);
const selectors = { orgs: [], topicsInclude: [], topicsExclude: [], canaryRepos: [] };
await syncRepositories(github, t.db, selectors);
const worker = startDistributeWorker({
  db: t.db,
  github,
  queue,
  driver,
  logger: silentLogger,
  concurrency: 32,
  backoffBaseMs: 1000,
  prLabel: LABEL,
});

async function waitDone(id: number): Promise<void> {
  for (;;) {
    const r = await getRollout(t.db, id);
    if (r && r.counts.queued === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Row {
  phase: string;
  states: string;
  calls: number;
  writes: number;
  limited: number;
  simMs: number;
  minMs: number;
  limiterMinMs: number;
  realMs: number;
}
const rows: Row[] = [];

async function phase(name: string, start: () => Promise<number>): Promise<void> {
  // One simulated hour: every window starts empty.
  if (virtualClock) virtualClock.advance(3_600_000);
  else await clock.sleep(3_600_000);
  sim.resetRequests();
  const real0 = performance.now();
  const sim0 = clock.now();
  const id = await start();
  await waitDone(id);
  const reqs = sim.requests.filter((r) => r.path.startsWith('/repos/'));
  const writes = reqs.filter((r) => r.write);
  const r = await getRollout(t.db, id);
  rows.push({
    phase: name,
    states: Object.entries(r?.counts ?? {})
      .filter(([, n]) => n)
      .map(([s, n]) => `${s} ${n}`)
      .join(', '),
    calls: reqs.length / repos,
    writes: writes.length / repos,
    limited: sim.requests.filter((q) => q.status === 403 || q.status === 429).length,
    simMs: (writes.at(-1)?.at ?? clock.now()) - sim0,
    minMs: budgetMinimumMs(writes.length),
    limiterMinMs: budgetMinimumMs(writes.length, LIMITER),
    realMs: performance.now() - real0,
  });
  process.stderr.write(`${name}: done\n`);
}

async function publish(text: string): Promise<number> {
  const hook = createRolloutHook({ db: t.db, queue, selectors });
  await publishGuideline(
    t.db,
    { source: text, path: 'guidelines/performance.md', publisher: 'bench' },
    { onPublished: hook.onPublished },
  );
  const [id] = await hook.flush();
  if (id === undefined) throw new Error('nothing published');
  return id;
}

// GitHub sometimes applies a write and loses the answer: the first 5 new pull requests are
// created and then answered 502; steering must not open any of them twice.
const LOST_ANSWERS = 5;
sim.inject({
  kind: 'status',
  status: 502,
  method: 'POST',
  path: /\/pulls$/,
  when: 'after',
  times: LOST_ANSWERS,
});

try {
  await phase('new PR', () => publish(source));
  const lost = sim.requests.filter((q) => q.appliedThenFailed).length;
  let second = 0;
  await phase('update in place', async () => (second = await publish(tightened)));
  // Every PR merged, and the merges recorded (what the pull_request webhook does), then the same
  // version rolled out again: every repository is already up to date.
  for (const target of await listRolloutTargets(t.db, second, { limit: repos })) {
    sim.mergePull('acme', target.repository.split('/')[1]!, target.prNumber!);
    await settleTarget(t.db, second, target.repositoryId, 'merged');
  }
  await phase('up-to-date', async () => {
    const id = await t.db.transaction((tx) =>
      createRollout(tx, {
        guideline: 'performance',
        version: '2.0.0',
        appliesTo: null,
        createdBy: 'bench',
        selectors,
      }).then((rollout) => rollout ?? Promise.reject(new Error('no repository selected'))),
    );
    await enqueueRollout(t.db, queue, id);
    return id;
  });

  console.log(
    `\nrollout to ${repos} simulated repositories, clock ${virtualClock ? 'virtual (moves when every job sleeps on it)' : `×${factor}`}, GitHub limits ${LIMITS.writesPerMinute}/min ${LIMITS.writesPerHour}/h (notifying ${NOTIFICATIONS_PER_MINUTE}/min), limiter ${LIMITER.writesPerMinute}/min ${LIMITER.writesPerHour}/h (notifying ${LIMITER.notificationsPerMinute}/min) ≥${LIMITER.writeIntervalMs} ms apart\n`,
  );
  console.log(
    'phase            calls/repo  writes/repo  403/429  simulated  min GitHub  ratio  min limiter  ratio  real     targets',
  );
  for (const r of rows) {
    const ratio = (min: number) => (min ? (r.simMs / min).toFixed(3) : '—');
    console.log(
      `${r.phase.padEnd(16)} ${r.calls.toFixed(2).padStart(10)}  ${r.writes.toFixed(2).padStart(11)}  ${String(r.limited).padStart(7)}  ${hms(r.simMs).padStart(9)}  ${hms(r.minMs).padStart(10)}  ${ratio(r.minMs).padStart(5)}  ${hms(r.limiterMinMs).padStart(11)}  ${ratio(r.limiterMinMs).padStart(5)}  ${(r.realMs / 1000).toFixed(1).padStart(5)} s  ${r.states}`,
    );
  }
  console.log(
    `\nsecondary-limit answers ${JSON.stringify(sim.secondaryAnswers)}; writes applied with a lost answer ${lost} (injected ${LOST_ANSWERS}); duplicated writes ${JSON.stringify(sim.duplicatedWrites())}`,
  );
} finally {
  await worker.close();
  await queue.close();
  await driver.close(); // its own connections: without this the process outlives its report
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
  await sim.close();
  await t.drop();
}
