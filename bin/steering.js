#!/usr/bin/env node
// The steering CLI. Runs the compiled JavaScript bundle in dist/ (`npm run build`; `npm ci` builds it
// through the `prepare` script). STEERING_FROM_SOURCE=1 runs the TypeScript sources through tsx
// instead (development and tests: no build step, never stale).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/bundle/main.js', import.meta.url);
if (process.env.STEERING_FROM_SOURCE === '1') {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
} else if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  process.stderr.write(
    'steering: dist/ is missing: run `npm run build` (or `npm ci`, which builds), or set STEERING_FROM_SOURCE=1 to run the sources with tsx\n',
  );
  process.exitCode = 2;
}
