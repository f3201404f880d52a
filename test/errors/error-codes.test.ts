import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SteeringError, describeError, errorTitle, type ErrorCode } from '../../src/errors.js';
import { translateGitHubError } from '../../src/github/translate-error.js';

const CODES: ErrorCode[] = [
  'USAGE',
  'NOT_FOUND',
  'INVALID_INPUT',
  'INVALID_DOCUMENT',
  'CONFIG_INVALID',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'CONFLICT',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'GITHUB_ERROR',
  'GITHUB_NOT_FOUND',
  'GITHUB_FORBIDDEN',
  'GITHUB_UNAVAILABLE',
  'DATABASE_ERROR',
  'QUEUE_UNAVAILABLE',
  'INTERNAL',
];

describe('error codes', () => {
  it('every code has its own words and an HTTP status in one table', () => {
    const titles = CODES.map(errorTitle);
    for (const [i, title] of titles.entries()) {
      assert.ok(title.length > 3, `${CODES[i]} has a title`);
      assert.notEqual(title, CODES[i], 'a title is words, not the code');
    }
    assert.equal(new Set(titles).size, titles.length, 'titles are distinct');
    for (const code of CODES) {
      const { status } = describeError(new SteeringError(code, 'x'));
      assert.ok(status >= 400 && status < 600, `${code} → ${status}`);
    }
  });

  it("GitHub's answers become typed fields: the upstream status and how long to wait", () => {
    const refused = translateGitHubError(
      Object.assign(new Error('Validation Failed'), {
        status: 422,
        response: { headers: {}, data: { message: 'Validation Failed' } },
      }),
      'create pull request',
    );
    assert.equal(refused.code, 'GITHUB_ERROR');
    assert.equal(refused.upstreamStatus, 422);
    const limited = translateGitHubError(
      Object.assign(new Error('secondary rate limit'), {
        status: 403,
        response: {
          headers: { 'retry-after': '7' },
          data: { message: 'You have exceeded a secondary rate limit' },
        },
      }),
      'create commit',
    );
    assert.equal(limited.code, 'RATE_LIMITED');
    assert.equal(limited.upstreamStatus, 403);
    assert.equal(limited.retryAfterMs, 7000);
  });
});
