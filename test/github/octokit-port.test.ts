import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SteeringError } from '../../src/errors.js';
import { gitBlobSha as portBlobSha } from '../../src/github/index.js';
import { startPort } from './start-port.js';

const gitBlobSha = (s: string) =>
  createHash('sha1')
    .update(`blob ${Buffer.byteLength(s)}\0${s}`)
    .digest('hex');

describe('octokit port against the simulator', () => {
  let ctx: Awaited<ReturnType<typeof startPort>>;
  before(async () => {
    ctx = await startPort();
  });
  after(() => ctx.simulator.close());

  it('reads a tree and its blobs (round-trip, git blob shas)', async () => {
    const { simulator, repos } = ctx;
    simulator.addRepo({
      owner: 'acme',
      name: 'tree',
      files: { 'README.md': '# hi\n', 'src/app.ts': 'export {};\n' },
    });
    const head = await repos.getBranchHead('acme', 'tree', 'main');
    assert.match(head ?? '', /^[0-9a-f]{40}$/);
    const tree = await repos.getTree('acme', 'tree', head as string, { recursive: true });
    const paths = tree.entries.map((e) => `${e.type}:${e.path}`).sort();
    assert.deepEqual(paths, ['blob:README.md', 'blob:src/app.ts', 'tree:src']);
    const app = tree.entries.find((e) => e.path === 'src/app.ts');
    assert.equal(app?.sha, gitBlobSha('export {};\n'));
    assert.equal(portBlobSha('export {};\n'), app?.sha);
    assert.equal((await repos.getBlob('acme', 'tree', app?.sha)).toString(), 'export {};\n');
    assert.equal(await repos.getFileContent('acme', 'tree', 'src/app.ts', 'main'), 'export {};\n');
    assert.equal(await repos.getFileContent('acme', 'tree', 'missing.md', 'main'), null);
    assert.equal(await repos.getBranchHead('acme', 'tree', 'nope'), null);
    // get-branch gives the head commit and its root tree in one request.
    assert.deepEqual(await repos.getBranch('acme', 'tree', 'main'), {
      sha: head,
      treeSha: tree.sha,
    });
    assert.equal(await repos.getBranch('acme', 'tree', 'nope'), null);
  });

  it('answers 304 for an unchanged tree when given its etag', async () => {
    const { simulator, repos } = ctx;
    simulator.addRepo({ owner: 'acme', name: 'etag' });
    const head = (await repos.getBranchHead('acme', 'etag', 'main')) as string;
    const first = await repos.getTree('acme', 'etag', head, { recursive: true });
    assert.ok(first.etag);
    const again = await repos.getTree('acme', 'etag', head, { recursive: true, etag: first.etag });
    assert.equal(again.notModified, true);
    assert.equal(simulator.count({ path: '/repos/acme/etag/git/trees/', status: 304 }), 1);
  });

  it('creates a branch, one commit and a pull request; a second PR for the head is refused', async () => {
    const { simulator, repos } = ctx;
    simulator.addRepo({
      owner: 'acme',
      name: 'pr',
      files: { 'README.md': 'x\n', '.steering/old.md': 'old\n' },
    });
    const base = (await repos.getBranchHead('acme', 'pr', 'main')) as string;
    const baseTree = (await repos.getTree('acme', 'pr', base)).sha;
    const tree = await repos.createTree('acme', 'pr', {
      baseTree,
      files: [
        { path: '.steering/performance.md', content: '# Performance\n' },
        { path: '.steering/lock.json', content: '{}\n' },
        { path: '.steering/old.md', content: null },
      ],
    });
    const commit = await repos.createCommit('acme', 'pr', {
      message: 'steering: performance 1.0.0',
      tree,
      parents: [base],
    });
    await repos.createRef('acme', 'pr', 'steering/performance', commit);
    const pr = await repos.createPullRequest('acme', 'pr', {
      title: 'performance 1.0.0',
      body: 'rules',
      head: 'steering/performance',
      base: 'main',
    });
    await repos.addLabels('acme', 'pr', pr.number, ['steering']);
    const found = await repos.findOpenPullRequest('acme', 'pr', 'steering/performance');
    assert.equal(found?.number, pr.number);
    assert.deepEqual(found?.labels, ['steering']);
    assert.equal(found?.headSha, commit);
    assert.equal(
      simulator.readFile('acme', 'pr', 'steering/performance', '.steering/performance.md'),
      '# Performance\n',
    );
    assert.equal(
      simulator.readFile('acme', 'pr', 'steering/performance', '.steering/old.md'),
      null,
    );
    assert.equal(simulator.readFile('acme', 'pr', 'steering/performance', 'README.md'), 'x\n');
    await assert.rejects(
      repos.createPullRequest('acme', 'pr', {
        title: 't',
        body: 'b',
        head: 'steering/performance',
        base: 'main',
      }),
      (err: SteeringError) => err.code === 'GITHUB_ERROR' && /already exists/.test(err.message),
    );
    const updated = await repos.updatePullRequest('acme', 'pr', pr.number, {
      title: 'performance 1.1.0',
      state: 'closed',
    });
    assert.equal(updated.state, 'closed');
    assert.equal(updated.title, 'performance 1.1.0');
    assert.equal(await repos.findOpenPullRequest('acme', 'pr', 'steering/performance'), null);
  });

  it('refuses a non-fast-forward ref update unless forced, and sees who pushed (compare)', async () => {
    const { simulator, repos } = ctx;
    simulator.addRepo({ owner: 'acme', name: 'ff' });
    const base = (await repos.getBranchHead('acme', 'ff', 'main')) as string;
    const baseTree = (await repos.getTree('acme', 'ff', base)).sha;
    const mk = async (content: string, parents: string[]) =>
      repos.createCommit('acme', 'ff', {
        message: content,
        tree: await repos.createTree('acme', 'ff', {
          baseTree,
          files: [{ path: 'a.md', content }],
        }),
        parents,
      });
    const ours = await mk('one', [base]);
    await repos.createRef('acme', 'ff', 'steering/x', ours);
    const human = simulator.pushCommit({
      owner: 'acme',
      repo: 'ff',
      branch: 'steering/x',
      files: { 'b.md': 'hi' },
      login: 'alice',
    });
    const cmp = await repos.compareCommits('acme', 'ff', base, 'steering/x');
    assert.equal(cmp.status, 'ahead');
    assert.deepEqual(
      cmp.commits.map((c) => c.authorLogin),
      ['steering-bot', 'alice'],
    );
    const rewrite = await mk('two', [base]);
    await assert.rejects(
      repos.updateRef('acme', 'ff', 'steering/x', rewrite, false),
      (err: SteeringError) => {
        return err.code === 'GITHUB_ERROR' && /not a fast forward/.test(err.message);
      },
    );
    assert.equal(await repos.getRef('acme', 'ff', 'steering/x'), human);
    await repos.updateRef('acme', 'ff', 'steering/x', rewrite, true);
    assert.equal(await repos.getRef('acme', 'ff', 'refs/heads/steering/x'), rewrite);
    await repos.deleteRef('acme', 'ff', 'steering/x');
    assert.equal(await repos.getRef('acme', 'ff', 'steering/x'), null);
  });

  it('sends check-run annotations 50 per request', async () => {
    const { simulator, repos } = ctx;
    simulator.addRepo({ owner: 'acme', name: 'checks' });
    const head = (await repos.getBranchHead('acme', 'checks', 'main')) as string;
    const annotations = Array.from({ length: 120 }, (_, i) => ({
      path: 'README.md',
      startLine: i + 1,
      endLine: i + 1,
      level: 'warning' as const,
      message: `finding ${i}`,
    }));
    // Check runs are for GitHub Apps: an installation token writes them.
    const id = await ctx.appRepos.createCheckRun('acme', 'checks', {
      name: 'steering',
      headSha: head,
      conclusion: 'failure',
      output: { title: '120 findings', summary: 's', annotations },
    });
    const run = simulator.getRepo('acme', 'checks').checkRuns.find((r) => r.id === id);
    assert.equal(run?.annotations.length, 120);
    assert.equal(run?.conclusion, 'failure');
    assert.equal(simulator.count({ path: '/repos/acme/checks/check-runs' }), 3);
    await ctx.appRepos.updateCheckRun('acme', 'checks', id, {
      status: 'completed',
      conclusion: 'success',
    });
    assert.equal(run?.conclusion, 'success');
  });

  it('turns 404 into GITHUB_NOT_FOUND without retrying', async () => {
    const { simulator, repos } = ctx;
    simulator.resetRequests();
    await assert.rejects(repos.getRepository('acme', 'does-not-exist'), (err: SteeringError) => {
      return err.code === 'GITHUB_NOT_FOUND' && err.transient === false;
    });
    assert.equal(simulator.count({ path: '/repos/acme/does-not-exist' }), 1);
  });

  it('turns a deleted repository into GITHUB_NOT_FOUND', async () => {
    const { simulator, repos } = ctx;
    simulator.addRepo({ owner: 'acme', name: 'gone' });
    assert.equal((await repos.getRepository('acme', 'gone')).fullName, 'acme/gone');
    simulator.deleteRepo('acme', 'gone');
    await assert.rejects(
      repos.getBranchHead('acme', 'gone', 'main').then(() => repos.getRepository('acme', 'gone')),
      {
        code: 'GITHUB_NOT_FOUND',
      },
    );
  });

  it('retries 5xx and then succeeds', async () => {
    const { simulator, repos } = ctx;
    simulator.addRepo({
      owner: 'acme',
      name: 'flaky',
      topics: ['steering-canary'],
      archived: true,
    });
    simulator.resetRequests();
    simulator.inject({
      kind: 'status',
      status: 502,
      method: 'GET',
      path: '/repos/acme/flaky',
      times: 2,
    });
    const repo = await repos.getRepository('acme', 'flaky');
    assert.deepEqual(repo.topics, ['steering-canary']);
    assert.equal(repo.archived, true);
    assert.equal(simulator.count({ path: '/repos/acme/flaky', status: 502 }), 2);
    assert.equal(simulator.count({ path: '/repos/acme/flaky', status: 200 }), 1);
  });

  it('gives up on persistent 5xx with a transient GITHUB_UNAVAILABLE', async () => {
    const { simulator, repos } = ctx;
    simulator.addRepo({ owner: 'acme', name: 'down' });
    simulator.inject({ kind: 'status', status: 500, path: '/repos/acme/down', times: 10 });
    await assert.rejects(repos.getRepository('acme', 'down'), (err: SteeringError) => {
      return err.code === 'GITHUB_UNAVAILABLE' && err.transient;
    });
    simulator.clearFaults();
  });

  it('retries a request that times out', async () => {
    const fast = await startPort({}, { requestTimeoutMs: 200 });
    try {
      fast.simulator.addRepo({ owner: 'acme', name: 'slow' });
      fast.simulator.inject({ kind: 'timeout', path: '/repos/acme/slow' });
      assert.equal((await fast.repos.getRepository('acme', 'slow')).name, 'slow');
      assert.equal(fast.simulator.count({ path: '/repos/acme/slow' }), 2);
    } finally {
      await fast.simulator.close();
    }
  });

  it('rejects bad credentials as GITHUB_FORBIDDEN', async () => {
    const { simulator } = ctx;
    simulator.state.tokens.delete('ghp_test_token');
    try {
      await assert.rejects(ctx.repos.getRepository('acme', 'tree'), { code: 'GITHUB_FORBIDDEN' });
    } finally {
      simulator.addToken('ghp_test_token', { login: 'steering-bot' });
    }
  });
});
