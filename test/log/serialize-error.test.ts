import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { SteeringError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('logged errors have one shape', () => {
  it('keeps type, message, code, status, stack and cause; never request options or bodies', () => {
    const out = capture();
    const log = createLogger({ destination: out.stream });
    const libraryError = Object.assign(new Error('Bad credentials'), {
      status: 401,
      request: { headers: { authorization: 'token ghs_secret' }, body: '{"x":1}' },
      response: { data: { message: 'Bad credentials' } },
    });
    const err = new SteeringError('GITHUB_FORBIDDEN', 'GitHub refused the credentials', {
      cause: libraryError,
    });
    log.warn({ err, repo: 'acme/payments' }, 'distribute failed');
    const [line] = out.lines();
    assert.ok(line);
    const logged = line.err as Record<string, unknown>;
    assert.equal(logged.type, 'SteeringError');
    assert.equal(logged.message, 'GitHub refused the credentials');
    assert.equal(logged.code, 'GITHUB_FORBIDDEN');
    assert.match(String(logged.stack), /serialize-error\.test\.ts/);
    const cause = logged.cause as Record<string, unknown>;
    assert.equal(cause.status, 401);
    assert.equal(cause.message, 'Bad credentials');
    const text = JSON.stringify(line);
    assert.doesNotMatch(text, /ghs_secret/);
    assert.doesNotMatch(text, /"request"|"response"/);
  });

  it('logs thrown non-errors as a message', () => {
    const out = capture();
    createLogger({ destination: out.stream }).error({ err: 'plain string' }, 'odd throw');
    assert.deepEqual(out.lines()[0]?.err, { message: 'plain string' });
  });
});
