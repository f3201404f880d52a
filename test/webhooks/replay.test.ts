// `steering webhooks replay` signs and posts the recorded samples to a running receiver; the
// manifest subscribes to the events the samples carry.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { classifyDelivery } from '../../src/scans/index.js';
import { createWorld, SECRET, type World } from '../scans/world.js';
import { cli } from '../support/run-cli.js';

const SAMPLES = new URL('../../webhooks/samples/', import.meta.url).pathname;

describe('webhooks replay', { timeout: 60_000 }, () => {
  let w: World;
  let server: Server;
  let url: string;

  before(async () => {
    w = await createWorld({ publish: false });
    server = w.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/github`;
  });
  after(async () => {
    await new Promise((r) => server?.close(r));
    await w?.close();
  });

  it('every sample is a delivery steering acts on, for an event the manifest subscribes to', () => {
    const manifest = JSON.parse(
      readFileSync(new URL('../../webhooks/app-manifest.json', import.meta.url), 'utf8'),
    ) as { default_events: string[]; default_permissions: Record<string, string> };
    assert.deepEqual(manifest.default_permissions, {
      contents: 'write',
      pull_requests: 'write',
      checks: 'write',
      metadata: 'read',
    });
    const always = ['installation', 'installation_repositories'];
    for (const f of readdirSync(SAMPLES)) {
      const s = JSON.parse(readFileSync(SAMPLES + f, 'utf8')) as {
        event: string;
        payload: unknown;
      };
      assert.notEqual(classifyDelivery(s.event, s.payload).kind, 'ignore', f);
      assert.ok([...manifest.default_events, ...always].includes(s.event), f);
    }
  });

  it('signs and posts a sample; a wrong secret exits 1 with the 401', async () => {
    const file = SAMPLES + 'push-default-branch.json';
    const ok = await cli([
      'webhooks',
      'replay',
      file,
      '--url',
      url,
      '--secret',
      SECRET,
      '--delivery',
      'replay-1',
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^202 delivery replay-1/);
    assert.match(ok.stdout, /"status":"recorded"/);
    assert.equal(await w.count(`webhook_deliveries WHERE delivery_id = 'replay-1'`), 1);
    const refused = await cli(['webhooks', 'replay', file, '--url', url, '--secret', 'nope']);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stdout, /^401/);
  });
});
