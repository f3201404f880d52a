/**
 * JMeter's JTL results in CSV (the default `jmeter -n -t plan.jmx -l results.jtl`), read as a
 * stream: one sample per row, columns named by the header line (`timeStamp`, `elapsed`, `label`,
 * `success`, `allThreads`, …). Memory is bounded by the number of distinct labels × the quantile
 * sketch (a few thousand counters each), not by the file: a 200 MB JTL is read in one pass.
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { compact, errorRate } from './figures.js';
import { QuantileSketch } from './quantile-sketch.js';
import { ReportFormatError, type EndpointFigures, type ReportFigures } from './types.js';

const REQUIRED = ['timeStamp', 'elapsed', 'label', 'success'];

interface LabelStats {
  sketch: QuantileSketch;
  failures: number;
}

/** Whether a text starts like a JTL CSV header. */
export function looksLikeJtl(head: string): boolean {
  const first = head.split(/\r?\n/, 1)[0] ?? '';
  return REQUIRED.every((c) => first.split(',').includes(c));
}

interface Columns {
  ts: number;
  elapsed: number;
  label: number;
  success: number;
  threads: number;
}

function readHeader(source: string, record: string[]): Columns {
  const missing = REQUIRED.filter((c) => !record.includes(c));
  if (missing.length)
    throw new ReportFormatError(
      source,
      `not a JMeter CSV JTL: header lacks ${missing.join(', ')} (save results as CSV with a header line)`,
      { line: 1 },
    );
  return {
    ts: record.indexOf('timeStamp'),
    elapsed: record.indexOf('elapsed'),
    label: record.indexOf('label'),
    success: record.indexOf('success'),
    threads: record.indexOf('allThreads'),
  };
}

/** The running figures of one JTL: a sketch per label, the time span and the most threads seen. */
class JtlFigures {
  cols: Columns | null = null;
  readonly labels = new Map<string, LabelStats>();
  first = Infinity;
  last = -Infinity;
  load = 0;
  private lastThreads: string | undefined;

  constructor(private readonly source: string) {}

  /** Folds one record in (the first is the header); null, so csv-parse passes nothing on. */
  take(record: string[], line: number): null {
    const cols = this.cols;
    if (!cols) {
      this.cols = readHeader(this.source, record);
      return null;
    }
    const elapsed = Number(record[cols.elapsed]);
    const ts = Number(record[cols.ts]);
    if (!Number.isFinite(elapsed) || !Number.isFinite(ts) || record[cols.elapsed] === '') {
      const field = Number.isFinite(ts) ? 'elapsed' : 'timeStamp';
      throw new ReportFormatError(
        this.source,
        `expected a number, got ${JSON.stringify(record[field === 'elapsed' ? cols.elapsed : cols.ts] ?? '')}`,
        { line, field },
      );
    }
    const label = record[cols.label] ?? '';
    let s = this.labels.get(label);
    if (!s) this.labels.set(label, (s = { sketch: new QuantileSketch(), failures: 0 }));
    s.sketch.add(elapsed);
    if (record[cols.success] !== 'true') s.failures++;
    if (ts < this.first) this.first = ts;
    if (ts + elapsed > this.last) this.last = ts + elapsed;
    // allThreads changes rarely: parse it only when its text does
    if (cols.threads >= 0 && record[cols.threads] !== this.lastThreads) {
      this.lastThreads = record[cols.threads];
      const t = Number(this.lastThreads);
      if (t > this.load) this.load = t;
    }
    return null;
  }

  result(): ReportFigures {
    if (!this.cols) throw new ReportFormatError(this.source, 'empty file', { line: 1 });
    const overall: LabelStats = { sketch: new QuantileSketch(), failures: 0 };
    for (const s of this.labels.values()) {
      overall.sketch.merge(s.sketch);
      overall.failures += s.failures;
    }
    const seconds = this.last > this.first ? (this.last - this.first) / 1000 : undefined;
    return {
      format: 'jmeter-jtl',
      source: this.source,
      ...(seconds !== undefined ? { durationSeconds: seconds } : {}),
      ...(this.load > 0 ? { load: this.load } : {}),
      overall: figures('Aggregated', overall, seconds),
      endpoints: [...this.labels].map(([label, s]) => figures(label, s, seconds)),
    };
  }
}

export async function parseJmeterJtl(
  source: string,
  input: Readable | string | Buffer,
): Promise<ReportFigures> {
  const stream =
    typeof input === 'string' || Buffer.isBuffer(input) ? Readable.from([input]) : input;
  const jtl = new JtlFigures(source);
  // Each record is folded into the figures inside csv-parse's synchronous on_record hook and
  // dropped (null), so no record object travels down the stream: cheaper than iterating them.
  const parser = parse({
    bom: true,
    relax_quotes: true,
    skip_empty_lines: true,
    on_record: (record: string[], context: { lines: number }) => jtl.take(record, context.lines),
  });
  try {
    await pipeline(stream, parser, new Writable({ objectMode: true, write: (_c, _e, cb) => cb() }));
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    if (err instanceof ReportFormatError) throw err;
    if (cause instanceof ReportFormatError) throw cause;
    const e = err as { lines?: number; message: string };
    throw new ReportFormatError(source, e.message, e.lines ? { line: e.lines } : {});
  }
  return jtl.result();
}

function figures(name: string, s: LabelStats, seconds: number | undefined): EndpointFigures {
  const n = s.sketch.count;
  return compact({
    name,
    requests: n,
    failures: s.failures,
    errorRate: errorRate(n, s.failures),
    p50: s.sketch.quantile(0.5),
    p90: s.sketch.quantile(0.9),
    p95: s.sketch.quantile(0.95),
    p99: s.sketch.quantile(0.99),
    max: n ? s.sketch.max : undefined,
    mean: n ? s.sketch.sum / n : undefined,
    throughput: seconds ? n / seconds : undefined,
  });
}
