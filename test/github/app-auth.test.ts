import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  createGitHubPort,
  startSimulator,
  type GitHubPort,
  type Simulator,
} from '../../src/github/index.js';
import { githubConfig } from './start-port.js';

describe('GitHub App authentication', () => {
  let simulator: Simulator;
  let github: GitHubPort;
  let acme: number;
  let other: number;

  before(async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    simulator = await startSimulator({
      app: {
        id: 4242,
        slug: 'steering',
        publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      },
    });
    acme = simulator.addInstallation('acme');
    other = simulator.addInstallation('other');
    for (const name of ['api', 'web', 'old']) {
      simulator.addRepo({
        owner: 'acme',
        name,
        archived: name === 'old',
        topics: name === 'api' ? ['steering-canary'] : [],
      });
    }
    simulator.addRepo({ owner: 'other', name: 'secret' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    github = createGitHubPort(
      githubConfig(simulator.url, { kind: 'app', appId: '4242', privateKey: pem }),
    );
  });
  after(() => simulator.close());

  it('lists installations with the App JWT and repositories with installation tokens', async () => {
    const installations = await github.listInstallations();
    assert.deepEqual(installations.map((i) => i.account).sort(), ['acme', 'other']);
    const repos = await github.listInstallationRepositories(acme);
    assert.deepEqual(repos.map((r) => r.fullName).sort(), ['acme/api', 'acme/old', 'acme/web']);
    assert.equal(repos.find((r) => r.name === 'old')?.archived, true);
    assert.deepEqual(repos.find((r) => r.name === 'api')?.topics, ['steering-canary']);
  });

  it('mints one token per installation and reuses it; commits are by the App bot', async () => {
    const port = github.forInstallation(acme);
    assert.equal(github.forInstallation(acme), port, 'one client per installation');
    await port.getRepository('acme', 'web');
    const head = (await port.getBranchHead('acme', 'web', 'main')) as string;
    const tree = await port.createTree('acme', 'web', { files: [{ path: 'x.md', content: 'x' }] });
    const sha = await port.createCommit('acme', 'web', { message: 'm', tree, parents: [head] });
    await port.createRef('acme', 'web', 'steering/x', sha);
    const cmp = await port.compareCommits('acme', 'web', 'main', 'steering/x');
    assert.equal(cmp.commits[0]?.authorLogin, 'steering[bot]');
    assert.equal(
      simulator.count({ method: 'POST', path: `/app/installations/${acme}/access_tokens` }),
      1,
    );
  });

  it("cannot see another installation's repositories through this installation", async () => {
    await assert.rejects(github.forInstallation(acme).getRepository('other', 'secret'), {
      code: 'GITHUB_NOT_FOUND',
    });
    assert.equal(
      (await github.forInstallation(other).getRepository('other', 'secret')).name,
      'secret',
    );
  });

  it('rejects a JWT signed with the wrong key', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const wrong = createGitHubPort(
      githubConfig(simulator.url, {
        kind: 'app',
        appId: '4242',
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      }),
    );
    await assert.rejects(wrong.listInstallations(), { code: 'GITHUB_FORBIDDEN' });
  });
});
