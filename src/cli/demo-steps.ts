/**
 * The steps of `steering demo` after steering is up (see run-demo.ts): each drives steering through
 * its HTTP API as a platform team would, waits for what it started, and says what happened.
 */
import type { Simulator } from '../github/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers are untyped JSON here
export type Json = Record<string, any>;

export interface DemoContext {
  api: (path: string, init?: RequestInit) => Promise<Json>;
  sim: Simulator;
  out: (line: string) => void;
}

export const DEMO_REPOS: Array<{ name: string; fixture: string; topics: string[] }> = [
  { name: 'payments', fixture: 'python-fastapi', topics: ['steering-canary'] },
  { name: 'orders', fixture: 'node-express', topics: [] },
  { name: 'inventory', fixture: 'java-spring', topics: [] },
  { name: 'gateway', fixture: 'java-micronaut', topics: [] },
];

/** Polls until `fn` has an answer; gives up only after minutes (a busy machine is slow, not stuck). */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  ms = 600_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`demo: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const nonZero = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');

const publish = (ctx: DemoContext, body: Buffer | string): Promise<Json> =>
  ctx.api('/v1/guidelines/performance/versions', {
    method: 'POST',
    headers: { 'content-type': 'text/markdown' },
    body,
  });

/** The rollout of `version` (the latest when undefined), once it has completed. */
const completedRollout = (ctx: DemoContext, what: string, version?: string): Promise<Json> =>
  until(what, async () => {
    const list = (await ctx.api('/v1/rollouts')).rollouts as Json[];
    const r = version === undefined ? list[0] : list.find((x) => x.version === version);
    return r && r.state === 'completed' ? await ctx.api(`/v1/rollouts/${r.id}`) : undefined;
  });

/** Step 3: publish the guideline; one pull request per repository, canary wave first. */
export async function publishFirstVersion(
  ctx: DemoContext,
  guideline: string,
  source: Buffer,
): Promise<Json> {
  const { out, sim } = ctx;
  const v1 = await publish(ctx, source);
  out(`3. Published ${guideline}: version ${v1.version} with ${v1.ruleCount} rules.`);
  const rollout = await completedRollout(ctx, 'the first rollout to finish');
  out(
    `   Rollout ${rollout.id}: canary wave first, then the rest; ${rollout.counts.opened} pull requests opened:`,
  );
  for (const r of DEMO_REPOS) {
    const pr = sim.listPulls('acme', r.name)[0];
    out(`     acme/${r.name} #${pr?.number}: ${pr?.title}`);
  }
  return v1;
}

/** Step 4: two service owners merge; GitHub's webhooks bring scans and compliance with evidence. */
export async function mergeAndShowCompliance(ctx: DemoContext): Promise<void> {
  const { out, sim } = ctx;
  for (const name of ['payments', 'orders']) {
    const pr = sim.listPulls('acme', name).find((p) => p.state === 'open')!;
    sim.mergePull('acme', name, pr.number, 'service-owner');
  }
  await sim.flushWebhooks();
  out(
    '4. A service owner merged the pull requests of payments and orders; GitHub sent the webhooks.',
  );
  for (const name of ['payments', 'orders']) await showAdopted(ctx, name);
}

async function showAdopted(ctx: DemoContext, name: string): Promise<void> {
  const { api, out } = ctx;
  const c = await until(`the scan of acme/${name}`, async () => {
    const body = await api(`/v1/repositories/acme/${name}/compliance`).catch(() => undefined);
    return body?.guidelines?.some((g: { track: string }) => g.track === 'adopted')
      ? body
      : undefined;
  });
  const adopted = c.guidelines.find((g: { track: string }) => g.track === 'adopted');
  out(
    `   acme/${name} adopted ${adopted.version}: ${adopted.compliant ? 'compliant' : 'NOT compliant'} (${nonZero(adopted.counts as Record<string, number>)})`,
  );
  for (const rule of adopted.rules as Json[]) {
    if (rule.status !== 'fail' && rule.status !== 'pass') continue;
    const where = rule.evidence[0] ? ` at ${rule.evidence[0].path}:${rule.evidence[0].line}` : '';
    out(
      `     ${rule.status === 'pass' ? 'pass' : 'FAIL'} ${rule.level.padEnd(6)} ${rule.ruleId}${where}`,
    );
    // A failure says, for the service owner, what is expected and what to add.
    if (rule.status === 'fail' && rule.message) out(`          ${rule.message}`);
  }
}

/** Step 7: a tightened target; open pull requests are updated in place. */
export async function publishTightened(ctx: DemoContext, source: Buffer, v1: Json): Promise<Json> {
  const { out, sim } = ctx;
  const tightened = source
    .toString('utf8')
    .replace('Health checks: < 50ms', 'Health checks: < 40ms');
  const v2 = await publish(ctx, tightened);
  out(
    `7. Published a tightened health-check target: ${v1.version} → ${v2.version} (${v2.bump}): ${v2.summary}`,
  );
  const second = await completedRollout(ctx, 'the second rollout to finish', v2.version);
  out(
    `   Rollout ${second.id}: ${nonZero(second.counts as Record<string, number>)} — open pull requests were updated in place, merged repositories got a new one; never two at once.`,
  );
  out(`   GitHub requests made by steering: ${sim.requests.length} (the simulator's log).`);
  return v2;
}

/** Step 8: rescan against the new version; the open pull request then says what it means. */
export async function rescanAndShowOutlook(ctx: DemoContext, v2: Json): Promise<void> {
  const { api, out, sim } = ctx;
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
}

/** Step 9: a waiver for one failing MUST rule of a non-compliant repository. */
export async function waiveOneFailure(ctx: DemoContext): Promise<void> {
  const { api, out } = ctx;
  const failing = (await api(`/v1/repositories?guideline=performance&status=noncompliant&limit=1`))
    .repositories[0];
  if (!failing) return;
  const c = await api(`/v1/repositories/${failing.repository}/compliance`);
  const rule = c.guidelines
    .flatMap((g: { rules: { ruleId: string; status: string; level: string }[] }) => g.rules)
    .find((r: { status: string; level: string }) => r.status === 'fail' && r.level === 'MUST');
  if (!rule) return;
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

/** Step 10: the fleet summary. */
export async function showFleetSummary(ctx: DemoContext): Promise<void> {
  const { api, out } = ctx;
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
}
