// GitHub's harshness, on by default in the simulator, met by steering's real port (Octokit with
// throttling, retry and steering's policies): secondary limits in their three forms, the stricter
// budget for notifying requests, check runs for Apps only with GitHub's validation, archived
// repositories, large files, truncated trees, ref-name rules, pagination, request ids and
// Location, empty and renamed repositories, missing installation permissions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SteeringError } from '../../src/errors.js';
import {
  createGitHubPort,
  createManualClock,
  createMemoryWriteLimiter,
} from '../../src/github/index.js';
import { githubConfig, INSTALLATION_TOKEN, startPort } from './start-port.js';

// Simulated time moves only when someone waits: a minute-long secondary-limit wait costs nothing.
const fast = () => createManualClock();

type Port = Awaited<ReturnType<typeof startPort>>;

/** acme/svc with branch `b`, a pull request from it, and three comments on that pull request. */
async function openPullWithComments(simulator: Port['simulator'], appRepos: Port['appRepos']) {
  simulator.addRepo({ owner: 'acme', name: 'svc' });
  simulator.pushCommit({ owner: 'acme', repo: 'svc', branch: 'b', files: { a: '1' } });
  const pr = await appRepos.createPullRequest('acme', 'svc', {
    title: 't',
    body: '',
    head: 'b',
    base: 'main',
  });
  for (let i = 0; i < 3; i++) await appRepos.createIssueComment('acme', 'svc', pr.number, `c${i}`);
}

describe('GitHub harshness through steering port', () => {
  it('survives every form of secondary limit and writes each object once', async () => {
    const clock = fast();
    const { simulator, appRepos } = await startPort(
      { clock, rateLimits: { writesPerMinute: 3 } },
      { clock, rateLimitBaseDelayMs: 60_000 },
    );
    try {
      simulator.addRepo({ owner: 'acme', name: 'svc' });
      for (let i = 0; i < 10; i++)
        await appRepos.createTree('acme', 'svc', { files: [{ path: `f${i}`, content: `${i}` }] });
      assert.equal(simulator.count({ method: 'POST', path: '/git/trees', status: 201 }), 10);
      const answers = simulator.secondaryAnswers;
      assert.ok(answers['403 retry-after'] > 0, JSON.stringify(answers));
      assert.ok(answers['403 no retry-after'] > 0, JSON.stringify(answers));
      assert.ok(answers['429 retry-after'] > 0, JSON.stringify(answers));
    } finally {
      await simulator.close();
    }
  });

  it('holds notifying requests (comments) to their stricter budget, without duplicates', async () => {
    const clock = fast();
    const { simulator, appRepos } = await startPort(
      { clock, rateLimits: { notificationsPerMinute: 2 } },
      { clock },
    );
    try {
      await openPullWithComments(simulator, appRepos);
      const comments = simulator.getRepo('acme', 'svc').comments.map((c) => c.body);
      assert.deepEqual(comments, ['c0', 'c1', 'c2']);
      assert.ok(
        simulator.count({ method: 'POST', path: '/comments', status: 403 }) +
          simulator.count({ method: 'POST', path: '/comments', status: 429 }) >
          0,
      );
    } finally {
      await simulator.close();
    }
  });

  it('steering keeps notifying requests within their budget: no secondary-limit answer', async () => {
    const clock = fast();
    const writeLimiter = createMemoryWriteLimiter({
      clock,
      writeIntervalMs: 1000,
      writesPerMinute: 80,
      writesPerHour: 500,
      notificationsPerMinute: 2,
    });
    const { simulator, appRepos } = await startPort(
      { clock, rateLimits: { notificationsPerMinute: 2 } },
      { clock, writeLimiter },
    );
    try {
      const start = clock.now();
      await openPullWithComments(simulator, appRepos);
      assert.deepEqual(simulator.secondaryAnswers, {
        '403 retry-after': 0,
        '403 no retry-after': 0,
        '429 retry-after': 0,
      });
      assert.equal(simulator.getRepo('acme', 'svc').comments.length, 3);
      // Four notifying requests, two a minute: the third went a minute after the first.
      assert.ok(clock.now() - start >= 60_000);
    } finally {
      await simulator.close();
    }
  });

  it('check runs: Apps only (a personal token falls back to a commit status), GitHub validation', async () => {
    const { simulator, repos, appRepos } = await startPort();
    try {
      simulator.addRepo({ owner: 'acme', name: 'svc' });
      const head = (await repos.getBranchHead('acme', 'svc', 'main'))!;
      const input = {
        name: 'steering / compliance',
        headSha: head,
        conclusion: 'failure' as const,
        output: { title: '1 rule fails', summary: 's' },
      };
      // A personal token cannot write check runs: the port sets a commit status instead.
      assert.equal(await repos.createCheckRun('acme', 'svc', input), 0);
      const repo = simulator.getRepo('acme', 'svc');
      assert.equal(repo.checkRuns.length, 0);
      assert.deepEqual(
        repo.statuses.map((s) => [s.context, s.state, s.description]),
        [['steering / compliance', 'failure', '1 rule fails']],
      );
      assert.equal(simulator.count({ method: 'POST', path: '/check-runs', status: 403 }), 1);
      // The next one goes straight to a status.
      await repos.createCheckRun('acme', 'svc', { ...input, conclusion: 'success' });
      assert.equal(simulator.count({ method: 'POST', path: '/check-runs' }), 1);

      // An App: GitHub's validation.
      await assert.rejects(
        appRepos.createCheckRun('acme', 'svc', {
          ...input,
          output: { title: 't', summary: 'x'.repeat(70_000) },
        }),
        (e: SteeringError) => e.code === 'GITHUB_ERROR' && /65535 characters/.test(e.message),
      );
      await assert.rejects(
        appRepos.createCheckRun('acme', 'svc', { name: 'n', headSha: head, status: 'completed' }),
        /conclusion/,
      );
      const res = await fetch(`${simulator.url}/repos/acme/svc/check-runs`, {
        method: 'POST',
        headers: { authorization: `token ${INSTALLATION_TOKEN}` },
        body: JSON.stringify({ name: 'n', head_sha: head, output: { title: 't' } }),
      });
      assert.equal(res.status, 422);
      assert.match(((await res.json()) as { message: string }).message, /summary/);
      assert.ok((await appRepos.createCheckRun('acme', 'svc', input)) > 0);
    } finally {
      await simulator.close();
    }
  });

  it('an installation without checks: write gets "not accessible by integration": commit status', async () => {
    const { simulator, appRepos } = await startPort();
    try {
      simulator.addRepo({ owner: 'acme', name: 'svc' });
      simulator.setInstallationPermissions(simulator.addInstallation('acme'), {
        contents: 'write',
        pull_requests: 'write',
        statuses: 'write',
        metadata: 'read',
      });
      const head = simulator.branchHead('acme', 'svc', 'main')!;
      const id = await appRepos.createCheckRun('acme', 'svc', {
        name: 'steering / compliance',
        headSha: head,
        conclusion: 'success',
        output: { title: 'ok', summary: 'ok' },
      });
      assert.equal(id, 0);
      assert.equal(simulator.getRepo('acme', 'svc').statuses[0]?.state, 'success');
      // Without pull_requests: write, opening a pull request is refused with GitHub's message.
      simulator.setInstallationPermissions(simulator.addInstallation('acme'), {
        contents: 'write',
      });
      simulator.pushCommit({ owner: 'acme', repo: 'svc', branch: 'b', files: { a: '1' } });
      await assert.rejects(
        appRepos.createPullRequest('acme', 'svc', {
          title: 't',
          body: '',
          head: 'b',
          base: 'main',
        }),
        (e: SteeringError) =>
          e.code === 'GITHUB_FORBIDDEN' && /Resource not accessible by integration/.test(e.message),
      );
    } finally {
      await simulator.close();
    }
  });

  it('archived repositories are read-only; renamed ones redirect reads and writes', async () => {
    const { simulator, appRepos } = await startPort();
    try {
      simulator.addRepo({ owner: 'acme', name: 'old', archived: true });
      const head = simulator.branchHead('acme', 'old', 'main')!;
      await assert.rejects(
        appRepos.createRef('acme', 'old', 'steering/x', head),
        (e: SteeringError) => e.code === 'GITHUB_FORBIDDEN' && /archived/.test(e.message),
      );
      assert.equal(simulator.getRepo('acme', 'old').refs.size, 1);
      simulator.archiveRepo('acme', 'old', false);
      simulator.renameRepo('acme', 'old', 'new');
      assert.equal((await appRepos.getRepository('acme', 'old')).name, 'new');
      await appRepos.createRef('acme', 'old', 'steering/x', head);
      assert.equal(simulator.branchHead('acme', 'new', 'steering/x'), head);
      assert.equal(simulator.count({ path: '/repos/acme/old/git/refs', status: 307 }), 1);
    } finally {
      await simulator.close();
    }
  });

  it('large files come back without content and are read as blobs; trees truncate', async () => {
    const { simulator, appRepos } = await startPort({ behaviour: { treeEntryLimit: 5 } });
    try {
      const big = 'y'.repeat(1024 * 1024 + 10);
      const files: Record<string, string> = { 'big.json': big };
      for (let i = 0; i < 8; i++) files[`f${i}.txt`] = `${i}`;
      simulator.addRepo({ owner: 'acme', name: 'svc', files });
      assert.equal(await appRepos.getFileContent('acme', 'svc', 'big.json', 'main'), big);
      assert.equal(simulator.count({ path: '/git/blobs/' }), 1);
      const raw = await fetch(`${simulator.url}/repos/acme/svc/contents/big.json`, {
        headers: { authorization: `token ${INSTALLATION_TOKEN}` },
      });
      const body = (await raw.json()) as { content: string; encoding: string; size: number };
      assert.deepEqual([body.content, body.encoding, body.size], ['', 'none', big.length]);
      const head = simulator.branchHead('acme', 'svc', 'main')!;
      const tree = await appRepos.getTree('acme', 'svc', head, { recursive: true });
      assert.equal(tree.truncated, true);
      assert.equal(tree.entries.length, 5);
    } finally {
      await simulator.close();
    }
  });

  it("git's ref-name rules; empty repositories have no branch", async () => {
    const { simulator, appRepos } = await startPort();
    try {
      simulator.addRepo({ owner: 'acme', name: 'svc' });
      simulator.addRepo({ owner: 'acme', name: 'void', empty: true });
      const head = simulator.branchHead('acme', 'svc', 'main')!;
      await appRepos.createRef('acme', 'svc', 'steering/performance', head);
      for (const bad of ['steering', 'steering/performance/x', 'a..b', 'x.lock', 'sp ace', 'x/']) {
        await assert.rejects(
          appRepos.createRef('acme', 'svc', bad, head),
          { code: 'GITHUB_ERROR' },
          bad,
        );
      }
      assert.equal(await appRepos.getBranch('acme', 'void', 'main'), null);
      assert.equal(await appRepos.getRef('acme', 'void', 'main'), null);
      assert.equal(simulator.count({ path: '/repos/acme/void/git/ref/', status: 409 }), 1);
    } finally {
      await simulator.close();
    }
  });

  it('paginates with Link and caps per_page at 100; every answer has a request id, creates a Location', async () => {
    const { simulator, github } = await startPort();
    try {
      const installationId = simulator.addInstallation('acme');
      for (let i = 0; i < 150; i++) simulator.addRepo({ owner: 'acme', name: `r${i}` });
      const app = createGitHubPort(
        githubConfig(simulator.url, { kind: 'token', token: INSTALLATION_TOKEN }),
      );
      assert.equal((await app.listInstallationRepositories(installationId)).length, 150);
      assert.equal(simulator.count({ path: '/installation/repositories' }), 2);
      const res = await fetch(`${simulator.url}/installation/repositories?per_page=500`, {
        headers: { authorization: `token ${INSTALLATION_TOKEN}` },
      });
      const body = (await res.json()) as { repositories: unknown[] };
      assert.equal(body.repositories.length, 100);
      assert.match(res.headers.get('link') ?? '', /page=2>; rel="next"/);
      assert.match(res.headers.get('x-github-request-id') ?? '', /^[0-9A-F:]+$/);
      const created = await fetch(`${simulator.url}/repos/acme/r0/git/blobs`, {
        method: 'POST',
        headers: { authorization: `token ${INSTALLATION_TOKEN}` },
        body: JSON.stringify({ content: 'x' }),
      });
      assert.equal(created.status, 201);
      assert.match(
        created.headers.get('location') ?? '',
        /\/repos\/acme\/r0\/git\/blobs\/[0-9a-f]{40}$/,
      );
      void github;
    } finally {
      await simulator.close();
    }
  });

  it('computes mergeability asynchronously (null first, known later)', async () => {
    const clock = fast();
    const { simulator, appRepos } = await startPort(
      { clock, behaviour: { mergeabilityDelayMs: 2000 } },
      { clock },
    );
    try {
      simulator.addRepo({ owner: 'acme', name: 'svc' });
      simulator.pushCommit({ owner: 'acme', repo: 'svc', branch: 'b', files: { a: '1' } });
      const pr = await appRepos.createPullRequest('acme', 'svc', {
        title: 't',
        body: '',
        head: 'b',
        base: 'main',
      });
      const get = async () =>
        (await (
          await fetch(`${simulator.url}/repos/acme/svc/pulls/${pr.number}`, {
            headers: { authorization: `token ${INSTALLATION_TOKEN}` },
          })
        ).json()) as { mergeable: boolean | null; mergeable_state: string };
      assert.deepEqual(await get(), {
        ...(await get()),
        mergeable: null,
        mergeable_state: 'unknown',
      });
      await clock.sleep(2500);
      const later = await get();
      assert.equal(later.mergeable, true);
      assert.equal(later.mergeable_state, 'clean');
    } finally {
      await simulator.close();
    }
  });
});
