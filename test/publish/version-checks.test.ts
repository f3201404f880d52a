/**
 * Checks are versioned with their guideline: publishing stores the checks file with the version
 * (content-addressed), a checks-only change makes a new version whose bump follows its effect, the
 * latest checks carry over when none are given, and invalid checks reject the publish.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SteeringError } from '../../src/errors.js';
import { compileGuideline } from '../../src/guidelines/index.js';
import { publishGuideline } from '../../src/publish/index.js';
import { getVersionChecks } from '../../src/store/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const DOC = `---
id: svc
title: Service rules
---
# Service rules

## Calls

- **MUST** Set timeouts on outbound calls.
- **SHOULD** Use a circuit breaker for unreliable services.
`;
const MUST = 'svc.calls.set-timeouts-outbound-calls';
const SHOULD = 'svc.calls.use-circuit-breaker-unreliable-services';

const check = (id: string, rule: string, description = 'd', pattern = 'timeout=') =>
  `  - { id: ${id}, rule: ${rule}, description: ${description}, type: file-contains, files: '**/*.py', pattern: '${pattern}' }\n`;
const checksFile = (...lines: string[]) => `guideline: svc\nchecks:\n${lines.join('')}`;

describe('checks versioned with their guideline', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
  });
  after(() => t.drop());

  const publish = (checks?: string) =>
    publishGuideline(t.db, {
      source: DOC,
      path: 'svc.md',
      publisher: 'test',
      ...(checks === undefined ? {} : { checks }),
    });

  it('stores the checks with the version; bumps follow what the checks change', async () => {
    const rules = compileGuideline(DOC, { path: 'svc.md' }).document?.rules ?? [];
    assert.equal(rules.find((r) => r.id === MUST)?.level, 'MUST');
    assert.equal(rules.find((r) => r.id === SHOULD)?.level, 'SHOULD');
    const v1 = await publish(checksFile(check('a', SHOULD)));
    assert.equal(v1.version, '1.0.0');
    const stored = await getVersionChecks(t.db, 'svc', '1.0.0');
    assert.equal(stored?.text, checksFile(check('a', SHOULD)));
    assert.match(stored?.sha256 ?? '', /^[0-9a-f]{64}$/);

    // Same document, same checks: nothing new.
    assert.equal((await publish(checksFile(check('a', SHOULD)))).bump, 'none');
    // Only the words a service owner reads: patch.
    const reworded = await publish(checksFile(check('a', SHOULD, 'reworded')));
    assert.deepEqual([reworded.version, reworded.bump], ['1.0.1', 'patch']);
    assert.deepEqual(reworded.checksChange?.reworded, ['a']);
    // A new check on a SHOULD rule: minor.
    const should = await publish(checksFile(check('a', SHOULD, 'reworded'), check('b', SHOULD)));
    assert.deepEqual([should.version, should.bump], ['1.1.0', 'minor']);
    // A new failing-capable check on a MUST rule can make a compliant repository fail: major.
    const must = await publish(
      checksFile(check('a', SHOULD, 'reworded'), check('b', SHOULD), check('c', MUST)),
    );
    assert.deepEqual([must.version, must.bump], ['2.0.0', 'major']);
    assert.deepEqual(must.checksChange?.added, ['c']);
    // Removing a check only relaxes: minor.
    const removed = await publish(checksFile(check('a', SHOULD, 'reworded'), check('c', MUST)));
    assert.deepEqual([removed.version, removed.bump], ['2.1.0', 'minor']);
    assert.deepEqual(removed.checksChange?.removed, ['b']);
    // Each version keeps the checks it was published with.
    assert.equal(
      (await getVersionChecks(t.db, 'svc', '1.0.0'))?.text,
      checksFile(check('a', SHOULD)),
    );
    assert.match((await getVersionChecks(t.db, 'svc', '2.0.0'))?.text ?? '', /id: b/);
    assert.doesNotMatch((await getVersionChecks(t.db, 'svc', '2.1.0'))?.text ?? '', /id: b/);
  });

  it('carries the latest checks over when none are given, and rejects invalid checks', async () => {
    const same = await publish();
    assert.equal(same.bump, 'none');
    await assert.rejects(
      publish(
        checksFile(`  - { id: x, rule: ${MUST}, description: d, type: file-contain, files: x }\n`),
      ),
      (err: unknown) =>
        err instanceof SteeringError &&
        err.code === 'INVALID_DOCUMENT' &&
        /svc\.checks\.yaml:\d+:\d+: error CHECKS_SCHEMA/.test(err.message),
    );
  });
});
