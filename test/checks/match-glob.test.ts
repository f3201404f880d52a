import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import picomatch from 'picomatch';
import { globMatcher } from '../../src/checks/match-glob.js';

const PATHS = [
  'a.py',
  '.py',
  'src/app/main.py',
  'src/app/main.pyc',
  'src/app/main.py/x',
  '.github/workflows/ci.yml',
  'deploy/values.yaml',
  'Dockerfile',
  'svc/Dockerfile',
  'svc/Dockerfile.prod',
  'svc/my-Dockerfile',
  'web/app.min.js',
  'web/app.mjs',
  'x.ts.bak',
];
const GLOBS = [
  ['**/*.py'],
  ['**/*.{yml,yaml}'],
  ['**/Dockerfile'],
  ['**/*.{js,mjs,cjs,ts}', '**/Dockerfile*'],
  ['**/*.min.js'],
  ['.github/workflows/*.yml', '**/*.py'],
];

describe('globMatcher', () => {
  it('answers the common shapes from the file name exactly as picomatch does', () => {
    for (const globs of GLOBS) {
      const fast = globMatcher(globs);
      const slow = picomatch(globs, { dot: true });
      for (const p of PATHS) assert.equal(fast(p), slow(p), `${globs.join(' ')} on ${p}`);
    }
  });

  it('matches nothing with no globs', () => {
    assert.equal(globMatcher([])('a.py'), false);
  });
});
