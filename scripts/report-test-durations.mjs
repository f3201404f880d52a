// A node:test reporter that prints, after the run, how long each test file's tests took (the sum of
// its top-level tests' durations; loading the file is not counted), slowest first.
// Used by `node scripts/run-tests.mjs --durations`.
import { relative } from 'node:path';

export default async function* reportDurations(source) {
  const files = new Map();
  for await (const event of source) {
    const file = event.data?.file;
    if (!file) continue;
    const f = files.get(file) ?? { tests: 0, ms: 0, failed: 0 };
    if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data.nesting === 0) {
      f.tests += 1;
      f.ms += event.data.details?.duration_ms ?? 0;
      if (event.type === 'test:fail') f.failed += 1;
    }
    files.set(file, f);
  }
  const rows = [...files].sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((s, [, f]) => s + f.ms, 0);
  yield `\nper-file durations (sum of each file's top-level tests), slowest first\n`;
  for (const [file, f] of rows) {
    const secs = (f.ms / 1000).toFixed(1).padStart(7);
    yield `${secs} s  ${String(f.tests).padStart(3)} tests${f.failed ? ` (${f.failed} failed)` : ''}  ${relative(process.cwd(), file)}\n`;
  }
  yield `${(total / 1000).toFixed(1).padStart(7)} s in ${rows.length} files\n`;
}
