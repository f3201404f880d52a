import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appliesTo, isCanary, planWaves, skipReason } from '../../src/fleet/index.js';

const sel = { orgs: [], topicsInclude: [], topicsExclude: [], canaryRepos: [] };
const repo = (
  over: Partial<{
    owner: string;
    name: string;
    archived: boolean;
    fork: boolean;
    topics: string[];
  }> = {},
) => ({
  owner: 'acme',
  name: 'svc',
  archived: false,
  fork: false,
  topics: [] as string[],
  ...over,
});

describe('repository selectors', () => {
  it('skips archived, forks and the opt-out topic whatever the configuration', () => {
    assert.equal(skipReason(repo(), sel), null);
    assert.equal(skipReason(repo({ archived: true }), sel), 'archived');
    assert.equal(skipReason(repo({ fork: true }), sel), 'fork');
    assert.match(skipReason(repo({ topics: ['Steering-Opt-Out'] }), sel) ?? '', /opt-out/);
  });

  it('applies the org allowlist and topic include/exclude', () => {
    assert.match(
      skipReason(repo({ owner: 'other' }), { ...sel, orgs: ['ACME'] }) ?? '',
      /organisation/,
    );
    assert.equal(skipReason(repo(), { ...sel, orgs: ['acme'] }), null);
    assert.equal(
      skipReason(repo({ topics: ['java'] }), { ...sel, topicsInclude: ['java', 'go'] }),
      null,
    );
    assert.equal(
      skipReason(repo({ topics: ['rust'] }), { ...sel, topicsInclude: ['java'] }),
      'no included topic',
    );
    assert.match(
      skipReason(repo({ topics: ['legacy'] }), { ...sel, topicsExclude: ['legacy'] }) ?? '',
      /legacy/,
    );
  });

  it('narrows by applies_to (topics, repos, orgs; unknown keys do not narrow)', () => {
    assert.equal(appliesTo(repo(), null), true);
    assert.equal(appliesTo(repo({ topics: ['java'] }), { topics: ['java'] }), true);
    assert.equal(appliesTo(repo({ topics: ['go'] }), { topics: ['java'] }), false);
    assert.equal(appliesTo(repo(), { repos: ['acme/svc'] }), true);
    assert.equal(appliesTo(repo(), { repos: ['svc'] }), true);
    assert.equal(appliesTo(repo(), { repos: ['acme/other'] }), false);
    assert.equal(appliesTo(repo(), { orgs: ['other'] }), false);
    assert.equal(appliesTo(repo(), { languages: ['java'] }), true);
  });

  it('puts canaries (topic or configured) in wave 0 and the rest in wave 1', () => {
    assert.equal(isCanary(repo({ topics: ['steering-canary'] }), sel), true);
    assert.equal(isCanary(repo(), { canaryRepos: ['ACME/svc'] }), true);
    const planned = planWaves(
      [
        repo({ name: 'a', topics: ['steering-canary'] }),
        repo({ name: 'b' }),
        repo({ name: 'c', archived: true }),
      ],
      sel,
      null,
    );
    assert.deepEqual(
      planned.map((p) => [p.repo.name, p.wave]),
      [
        ['a', 0],
        ['b', 1],
      ],
    );
  });
});
