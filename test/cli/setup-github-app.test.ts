// `steering setup github-app`: the manifest flow against the simulator. The test plays the browser
// and the person clicking "Create GitHub App"; steering serves the form, takes the redirect,
// exchanges the code and writes what the configuration then reads. The written App then
// authenticates against the same simulator (it accepts JWTs signed with the key it issued).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { createGitHubPort, startSimulator, type Simulator } from '../../src/github/index.js';
import { runGitHubAppSetup } from '../../src/cli/run-github-app-setup.js';

describe('steering setup github-app', () => {
  let sim: Simulator;
  const dataDir = mkdtempSync(join(tmpdir(), 'steering-setup-'));
  before(async () => {
    sim = await startSimulator();
    sim.addInstallation('acme', { id: 42 });
  });
  after(async () => {
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the manifest form, exchanges the code and writes a config the port authenticates with', async () => {
    let onListening!: (url: string) => void;
    const listening = new Promise<string>((resolve) => (onListening = resolve));
    const setup = runGitHubAppSetup({
      githubUrl: 'https://github.example',
      apiUrl: sim.url,
      org: 'acme',
      webhookUrl: 'https://steering.acme.example/webhooks/github',
      port: 0,
      dataDir,
      manifestPath: 'webhooks/app-manifest.json',
      onListening: (url) => onListening(url),
    });
    const local = await listening;

    // The browser opens the page: an auto-submitting form to GitHub's "new App" page for the org.
    const html = await (await fetch(`${local}/`)).text();
    const action = /action="([^"]+)"/.exec(html)![1]!.replace(/&#38;/g, '&');
    const state = new URL(action).searchParams.get('state')!;
    assert.match(
      action,
      /^https:\/\/github\.example\/organizations\/acme\/settings\/apps\/new\?state=/,
    );
    const manifest = JSON.parse(
      /name="manifest" value="([^"]+)"/
        .exec(html)![1]!
        .replace(/&#(\d+);/g, (_m, c: string) => String.fromCharCode(Number(c))),
    ) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.equal(manifest.redirect_url, `${local}/callback`);
    assert.deepEqual(manifest.hook_attributes, {
      url: 'https://steering.acme.example/webhooks/github',
      active: true,
    });
    assert.deepEqual(
      manifest.default_events,
      JSON.parse(readFileSync('webhooks/app-manifest.json', 'utf8')).default_events,
    );

    // A redirect that does not carry this setup's state is refused, and the setup goes on waiting.
    const forged = await fetch(`${local}/callback?code=abc&state=nope`);
    assert.equal(forged.status, 400);

    // The person creates the App on GitHub; GitHub redirects back with a code.
    const created = await fetch(`${sim.url}/__simulator/app-manifests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ manifest }),
    });
    const { code } = (await created.json()) as { code: string };
    const back = await fetch(`${local}/callback?code=${code}&state=${state}`);
    assert.equal(back.status, 200, await back.text());
    const result = await setup;

    const file = join(dataDir, 'github-app.json');
    assert.equal(result.file, file);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    assert.match(saved.privateKey!, /BEGIN RSA PRIVATE KEY/);
    assert.match(saved.webhookSecret!, /^[0-9a-f]{40}$/);

    // The configuration reads it (no GITHUB_* variables), and the App authenticates.
    const config = loadConfig({ STEERING_DATA_DIR: dataDir, GITHUB_API_URL: sim.url });
    assert.equal(config.github.auth.kind, 'app');
    assert.equal(config.github.webhookSecret, saved.webhookSecret);
    const installations = await createGitHubPort(config).listInstallations();
    assert.deepEqual(
      installations.map((i) => i.id),
      [42],
    );

    // A code works once.
    const again = await fetch(`${sim.url}/app-manifests/${code}/conversions`, { method: 'POST' });
    assert.equal(again.status, 404);
  });

  it('a broken github-app.json is a configuration error naming the file and what to do', () => {
    const dir = mkdtempSync(join(tmpdir(), 'steering-setup-bad-'));
    try {
      const file = join(dir, 'github-app.json');
      writeFileSync(file, '{"appId": 1}');
      assert.throws(
        () => loadConfig({ STEERING_DATA_DIR: dir }),
        /github-app\.json: appId and privateKey are required \(run `steering setup github-app` again/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
