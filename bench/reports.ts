/**
 * `npm run bench:reports`: a generated JMeter JTL (JMeter 5's default CSV columns, 12 labels, one
 * sample in 200 failed) read with steering's streaming JTL parser beside a plain streaming CSV parse
 * of the same file with the same parser library (csv-parse, every record read, nothing computed),
 * best of several runs each; prints MB/s, the ratio and the memory held. Default 20 MB so it ends
 * in seconds; `--mb 200` for the issue's long-test size.
 * Usage: npm run bench:reports [-- --mb 20 --runs 3]
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'csv-parse';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseReportStream } from '../src/measurements/index.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const MB = arg('mb', 20);
const RUNS = arg('runs', 3);

const HEADER =
  'timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n';
const LABELS = Array.from(
  { length: 12 },
  (_, i) => `${['GET', 'POST', 'PUT'][i % 3]} /api/resource-${i}`,
);

async function generate(file: string, bytes: number): Promise<number> {
  const out = createWriteStream(file);
  out.write(HEADER);
  let written = HEADER.length;
  let rows = 0;
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  let t = 1_700_000_000_000;
  while (written < bytes) {
    const lines: string[] = [];
    for (let k = 0; k < 2000; k++) {
      const label = LABELS[rows % LABELS.length]!;
      const elapsed = Math.round(5 + rand() ** 3 * 1500);
      const ok = rows % 200 !== 0;
      t += 3;
      lines.push(
        `${t},${elapsed},${label},${ok ? 200 : 500},${ok ? 'OK' : '"Internal Server Error, retry"'},Users 1-${rows % 50},text,${ok},${ok ? '' : 'Test failed'},${300 + (rows % 700)},${120 + (rows % 90)},50,50,http://service.internal:8080/api/resource-${rows % 12},${elapsed - 1},0,${rows % 3}\n`,
      );
      rows++;
    }
    const chunk = lines.join('');
    written += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return rows;
}

/** The same tokenizer with the same options and the same sink, counting records: the floor. */
async function plainParse(file: string): Promise<number> {
  let n = 0;
  await pipeline(
    createReadStream(file),
    parse({
      bom: true,
      relax_quotes: true,
      skip_empty_lines: true,
      on_record: () => {
        n++;
        return null;
      },
    }),
    new Writable({ objectMode: true, write: (_c, _e, cb) => cb() }),
  );
  return n;
}

/** Runs a and b alternately RUNS times (so machine load hits both alike); best time of each. */
async function alternate(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
): Promise<[number, number]> {
  const best = [Infinity, Infinity];
  for (let i = 0; i < RUNS; i++) {
    for (const [k, fn] of [a, b].entries()) {
      const t0 = performance.now();
      await fn();
      best[k] = Math.min(best[k]!, performance.now() - t0);
    }
  }
  return [best[0]!, best[1]!];
}

/** Peak RSS while fn runs once with a cold start of measurement. */
async function peakRss(fn: () => Promise<unknown>): Promise<number> {
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  await fn();
  clearInterval(timer);
  return (peak - before) / 1024 / 1024;
}

const dir = mkdtempSync(join(tmpdir(), 'steering-bench-reports-'));
try {
  const file = join(dir, 'results.jtl');
  const rows = await generate(file, MB * 1024 * 1024);
  const size = statSync(file).size / 1024 / 1024;
  console.log(
    `bench:reports — generated JTL: ${size.toFixed(0)} MB, ${rows.toLocaleString('en')} samples, ${LABELS.length} labels; best of ${RUNS} alternating runs`,
  );
  let figures: Awaited<ReturnType<typeof parseReportStream>> | undefined;
  const runOurs = async () =>
    (figures = await parseReportStream('results.jtl', createReadStream(file)));
  const [plainMs, oursMs] = await alternate(() => plainParse(file), runOurs);
  const plain = { ms: plainMs, rssMb: await peakRss(() => plainParse(file)) };
  const ours = { ms: oursMs, rssMb: await peakRss(runOurs) };
  const rate = (ms: number) => (size / (ms / 1000)).toFixed(1);
  console.log(
    `  plain csv-parse stream (same options, records counted): ${plain.ms.toFixed(0)} ms (${rate(plain.ms)} MB/s)`,
  );
  console.log(
    `  steering JTL parser (figures per label): ${ours.ms.toFixed(0)} ms (${rate(ours.ms)} MB/s)`,
  );
  console.log(`  ratio: ${(ours.ms / plain.ms).toFixed(2)}x (goal <= 1.5x)`);
  console.log(
    `  peak RSS growth while parsing: plain ${plain.rssMb.toFixed(0)} MB, steering ${ours.rssMb.toFixed(0)} MB (file ${size.toFixed(0)} MB)`,
  );
  console.log(
    `  overall: ${figures!.overall.requests} samples, p95 ${figures!.overall.p95} ms, error rate ${figures!.overall.errorRate.toFixed(2)}%`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
