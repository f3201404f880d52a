/** loadConfig: every problem at once, secrets never echoed, GitHub auth from variables or the App file. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, GITHUB_APP_FILE, loadConfig } from '../../src/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  it('lists every bad variable at once, with the value unless it is a secret', () => {
    const problems = problemsOf({
      PORT: 'x',
      DB_POOL_MAX: '0',
      GITHUB_TOKEN: '',
      GITHUB_APP_ID: 'abc',
    });
    assert.equal(problems.length, 3);
    assert.match(problems.find((p) => p.startsWith('PORT:')) ?? '', /\(got "x"\)$/);
    assert.match(problems.find((p) => p.startsWith('DB_POOL_MAX:')) ?? '', /\(got "0"\)$/);
    assert.match(problems.find((p) => p.startsWith('GITHUB_APP_ID:')) ?? '', /numeric App id/);
  });

  it('treats empty values as unset, except STEERING_PR_LABEL', () => {
    const config = loadConfig({ PORT: '', STEERING_PR_LABEL: '', STEERING_ORGS: ' a, b ,' });
    assert.equal(config.http.port, 3000);
    assert.equal(config.rollout.prLabel, '');
    assert.deepEqual(config.rollout.orgs, ['a', 'b']);
    assert.ok(Object.isFrozen(config.rollout.orgs));
  });

  it('names the GitHub variables that go together', () => {
    assert.deepEqual(problemsOf({ GITHUB_APP_ID: '12' }), [
      'GITHUB_PRIVATE_KEY: required with GITHUB_APP_ID (or set GITHUB_PRIVATE_KEY_PATH)',
    ]);
    assert.deepEqual(problemsOf({ GITHUB_PRIVATE_KEY: 'k', GITHUB_WEBHOOK_SECRET_PREVIOUS: 's' }), [
      'GITHUB_APP_ID: required when a GitHub App private key is given',
      'GITHUB_WEBHOOK_SECRET_PREVIOUS_UNTIL: required with GITHUB_WEBHOOK_SECRET_PREVIOUS (ISO time the old secret stops working)',
    ]);
    const [unreadable] = problemsOf({
      GITHUB_APP_ID: '12',
      GITHUB_PRIVATE_KEY_PATH: '/nonexistent/key.pem',
    });
    assert.match(unreadable ?? '', /^GITHUB_PRIVATE_KEY_PATH: cannot read \/nonexistent\/key\.pem/);
  });

  it('picks App auth, then a token, then the App file, then none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'steering-config-'));
    try {
      const app = loadConfig({
        GITHUB_APP_ID: '12',
        GITHUB_PRIVATE_KEY: 'a\\nb',
        GITHUB_TOKEN: 't',
      });
      assert.deepEqual(app.github.auth, { kind: 'app', appId: '12', privateKey: 'a\nb' });
      assert.deepEqual(loadConfig({ GITHUB_TOKEN: 't' }).github.auth, {
        kind: 'token',
        token: 't',
      });
      assert.deepEqual(loadConfig({ STEERING_DATA_DIR: dir }).github.auth, { kind: 'none' });

      writeFileSync(
        join(dir, GITHUB_APP_FILE),
        JSON.stringify({ appId: '7', privateKey: 'pk', webhookSecret: 'ws' }),
      );
      const fromFile = loadConfig({ STEERING_DATA_DIR: dir });
      assert.deepEqual(fromFile.github.auth, { kind: 'app', appId: '7', privateKey: 'pk' });
      assert.equal(fromFile.github.webhookSecret, 'ws');
      assert.equal(
        loadConfig({ STEERING_DATA_DIR: dir, GITHUB_WEBHOOK_SECRET: 'env' }).github.webhookSecret,
        'env',
      );
      assert.deepEqual(
        loadConfig({ STEERING_DATA_DIR: dir, GITHUB_TOKEN: 't' }).github.auth.kind,
        'token',
      );

      writeFileSync(join(dir, GITHUB_APP_FILE), JSON.stringify({ appId: 7 }));
      const [bad] = problemsOf({ STEERING_DATA_DIR: dir });
      assert.match(
        bad ?? '',
        /github-app\.json: appId and privateKey are required \(run `steering setup github-app` again/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('strips trailing slashes from URLs and dates the previous webhook secret', () => {
    const config = loadConfig({
      GITHUB_API_URL: 'https://ghe.example.com/api/v3/',
      STEERING_URL: 'https://steering.example.com//',
      GITHUB_WEBHOOK_SECRET_PREVIOUS: 'old',
      GITHUB_WEBHOOK_SECRET_PREVIOUS_UNTIL: '2030-01-01T00:00:00Z',
    });
    assert.equal(config.github.apiUrl, 'https://ghe.example.com/api/v3');
    assert.equal(config.server.url, 'https://steering.example.com');
    assert.deepEqual(config.github.previousWebhookSecret, {
      secret: 'old',
      until: new Date('2030-01-01T00:00:00Z'),
    });
  });
});
