// The simulator's answers and deliveries against GitHub's own descriptions: steering's real
// port drives every served operation (and GitHub's error answers), the simulator's helpers make
// every served webhook event happen, and each recorded call and delivery must validate against
// the committed extract of @octokit/openapi and @octokit/openapi-webhooks.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createGitHubPort, startSimulator, type Simulator } from '../../src/github/index.js';
import { createMemoryRecorder } from '../../src/github/simulator/record-traffic.js';
import { SERVED_WEBHOOKS } from '../../src/github/simulator/served.js';
import { summarize } from '../support/validate-github-traffic.js';
import { githubConfig } from './start-port.js';

describe('simulator conformance with GitHub descriptions', () => {
  const recorder = createMemoryRecorder();
  let sim: Simulator;
  let receiver: Server;

  before(async () => {
    sim = await startSimulator({ recorder, behaviour: { mergeabilityDelayMs: 0 } });
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(202).end());
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    sim.setWebhook({
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`,
      secret: 's',
    });
  });
  after(async () => {
    await sim.flushWebhooks();
    await sim.close();
    await new Promise((r) => receiver.close(r));
  });

  it('validates every call and delivery of a full tour, required fields included', async () => {
    const installationId = sim.addInstallation('acme');
    sim.addToken('ghs_conformance', { login: 'steering[bot]', installationId });
    sim.addToken('ghp_person', { login: 'octocat' });
    const github = createGitHubPort(
      githubConfig(sim.url, { kind: 'token', token: 'ghs_conformance' }),
      { retryBaseDelayMs: 5, requestTimeoutMs: 3000 },
    );
    const port = github.forInstallation(installationId);
    const big = 'x'.repeat(1_200_000);
    sim.addRepo({
      owner: 'acme',
      name: 'svc',
      files: { 'README.md': '# svc\n', 'src/app.ts': 'export {};\n', 'big.txt': big },
    });
    sim.addRepo({ owner: 'acme', name: 'empty', empty: true });
    sim.addRepo({ owner: 'acme', name: 'late', announce: true });
    sim.announceInstallation(installationId);

    assert.equal((await github.listInstallationRepositories(installationId)).length, 3);
    const info = await port.getRepository('acme', 'svc');
    assert.equal(info.defaultBranch, 'main');
    const branch = await port.getBranch('acme', 'svc', 'main');
    assert.ok(branch);
    const tree = await port.getTree('acme', 'svc', branch.sha, { recursive: true });
    assert.equal(tree.entries.length, 4);
    const again = await port.getTree('acme', 'svc', branch.sha, {
      recursive: true,
      etag: tree.etag,
    });
    assert.equal(again.notModified, true);
    assert.equal(await port.getFileContent('acme', 'svc', 'big.txt', 'main'), big);
    assert.equal(await port.getFileContent('acme', 'svc', 'missing.txt', 'main'), null);
    assert.equal(await port.getBranch('acme', 'empty', 'main'), null);

    const newTree = await port.createTree('acme', 'svc', {
      baseTree: branch.treeSha,
      files: [{ path: '.steering/performance.md', content: '# rules\n' }],
    });
    const commit = await port.createCommit('acme', 'svc', {
      message: 'steering: performance 1.0.0',
      tree: newTree,
      parents: [branch.sha],
    });
    await port.createRef('acme', 'svc', 'steering/performance', commit);
    await assert.rejects(port.createRef('acme', 'svc', 'steering', commit), /conflicts/);
    assert.equal(await port.getRef('acme', 'svc', 'steering/performance'), commit);
    const cmp = await port.compareCommits('acme', 'svc', 'main', 'steering/performance');
    assert.equal(cmp.aheadBy, 1);
    const pr = await port.createPullRequest('acme', 'svc', {
      title: 'steering: performance 1.0.0',
      body: 'rules',
      head: 'steering/performance',
      base: 'main',
    });
    assert.equal(
      (await port.findOpenPullRequest('acme', 'svc', 'steering/performance'))?.number,
      pr.number,
    );
    await port.addLabels('acme', 'svc', pr.number, ['steering']);
    await port.createIssueComment('acme', 'svc', pr.number, 'hello');
    await port.updatePullRequest('acme', 'svc', pr.number, { body: 'rules, updated' });
    const second = await port.createCommit('acme', 'svc', {
      message: 'steering: performance 1.0.1',
      tree: newTree,
      parents: [commit],
    });
    await port.updateRef('acme', 'svc', 'steering/performance', second, false);
    assert.equal((await port.getPullRequest('acme', 'svc', pr.number)).headSha, second);

    const annotations = Array.from({ length: 60 }, (_, i) => ({
      path: 'README.md',
      startLine: i + 1,
      endLine: i + 1,
      level: 'warning' as const,
      message: `finding ${i}`,
    }));
    const run = await port.createCheckRun('acme', 'svc', {
      name: 'steering / compliance',
      headSha: branch.sha,
      status: 'in_progress',
      output: { title: 'scanning', summary: 'in progress', annotations },
    });
    await port.updateCheckRun('acme', 'svc', run, {
      conclusion: 'success',
      output: { title: 'all good', summary: 'passed' },
    });

    sim.mergePull('acme', 'svc', pr.number, 'service-owner');
    sim.pushCommit({ owner: 'acme', repo: 'svc', branch: 'main', files: { 'a.txt': 'a' } });
    const closing = await port
      .createPullRequest('acme', 'svc', {
        title: 'another',
        body: '',
        head: 'steering/performance',
        base: 'main',
      })
      .catch(() => null);
    assert.equal(closing, null, 'no commits between main and the merged branch');
    await port.deleteRef('acme', 'svc', 'steering/performance');

    // GitHub's error answers, through the same port.
    await assert.rejects(port.getRepository('acme', 'nope'), { code: 'GITHUB_NOT_FOUND' });
    const person = createGitHubPort(githubConfig(sim.url, { kind: 'token', token: 'ghp_person' }), {
      retries: 0,
    }).forInstallation(0);
    await assert.rejects(
      person.updateCheckRun('acme', 'svc', run, { conclusion: 'failure' }),
      /You must authenticate via a GitHub App/,
    );
    sim.archiveRepo('acme', 'late');
    await assert.rejects(port.createRef('acme', 'late', 'x', branch.sha), /archived/);
    sim.archiveRepo('acme', 'late', false);
    sim.renameRepo('acme', 'late', 'later');
    assert.equal((await port.getRepository('acme', 'late')).name, 'later');
    sim.removeRepoFromInstallation('acme', 'later');
    await sim.flushWebhooks();

    const s = summarize(recorder.entries);
    const failures = s.failures.map((f) => `${f.what}: ${f.problems.join('; ')}`).join('\n');
    assert.equal(s.calls.valid, s.calls.total, failures);
    assert.equal(s.deliveries.valid, s.deliveries.total, failures);
    assert.ok(s.calls.total >= 30, `only ${s.calls.total} calls recorded`);
    const seen = new Set(
      recorder.entries.flatMap((e) =>
        e.kind === 'delivery'
          ? [
              `${e.event}${(e.payload as { action?: string }).action ? `.${(e.payload as { action: string }).action}` : ''}`,
            ]
          : [],
      ),
    );
    const expected = SERVED_WEBHOOKS.filter(
      (k) =>
        ![
          'installation.deleted',
          'repository.deleted',
          'check_suite.rerequested',
          'check_run.rerequested',
          'pull_request.reopened',
        ].includes(k),
    );
    assert.deepEqual(
      expected.filter((k) => !seen.has(k)),
      [],
      'every event steering subscribes to is emitted',
    );
  });
});
