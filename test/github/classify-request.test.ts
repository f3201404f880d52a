// Which requests count against which of GitHub's secondary limits: one answer for steering's write
// limiter and the simulator (src/github/classify-request.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyRequest, pathBelow } from '../../src/github/classify-request.js';

describe('classifyRequest', () => {
  it('reads and the installation-token exchange are not content-creating', () => {
    assert.equal(classifyRequest('GET', '/repos/acme/svc/pulls'), 'read');
    assert.equal(classifyRequest('HEAD', '/repos/acme/svc'), 'read');
    assert.equal(classifyRequest('POST', '/app/installations/7/access_tokens'), 'read');
  });

  it('what steering writes: pull requests and comments notify, git objects and labels do not', () => {
    assert.equal(classifyRequest('POST', '/repos/acme/svc/pulls'), 'notifying');
    assert.equal(classifyRequest('post', '/repos/acme/svc/issues/12/comments'), 'notifying');
    assert.equal(classifyRequest('POST', '/repos/acme/svc/issues'), 'notifying');
    assert.equal(classifyRequest('POST', '/repos/acme/svc/git/trees'), 'content');
    assert.equal(classifyRequest('POST', '/repos/acme/svc/git/commits'), 'content');
    assert.equal(classifyRequest('PATCH', '/repos/acme/svc/git/refs/heads/steering'), 'content');
    assert.equal(classifyRequest('POST', '/repos/acme/svc/issues/12/labels'), 'content');
    assert.equal(classifyRequest('PATCH', '/repos/acme/svc/pulls/12'), 'content');
    assert.equal(classifyRequest('POST', '/repos/acme/svc/check-runs'), 'content');
  });

  it('paths below a GitHub Enterprise Server base URL', () => {
    const path = pathBelow(
      'https://ghe.example/api/v3/repos/a/b/pulls?x=1',
      'https://ghe.example/api/v3/',
    );
    assert.equal(path, '/repos/a/b/pulls');
    assert.equal(classifyRequest('POST', path), 'notifying');
    assert.equal(
      pathBelow('https://api.github.com/repos/a/b/pulls', 'https://api.github.com'),
      '/repos/a/b/pulls',
    );
  });
});
