/**
 * Quantiles over a stream of durations in bounded memory: counts per value rounded to three
 * significant digits (relative error ≤ 0.5%), so one endpoint holds at most a few thousand
 * counters whatever the sample count. JMeter's elapsed times are whole milliseconds, so below
 * 1000 ms the figures are exact.
 */
export class QuantileSketch {
  private readonly counts = new Map<number, number>();
  count = 0;
  max = -Infinity;
  sum = 0;

  add(value: number): void {
    const key = roundSignificant(value);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.count++;
    this.sum += value;
    if (value > this.max) this.max = value;
  }

  /** Nearest-rank quantile (q in 0..1), as JMeter and Locust report percentiles. */
  quantile(q: number): number | undefined {
    if (this.count === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * this.count));
    const keys = [...this.counts.keys()].sort((a, b) => a - b);
    let seen = 0;
    for (const k of keys) {
      seen += this.counts.get(k)!;
      if (seen >= rank) return k;
    }
    return keys[keys.length - 1];
  }

  /** Distinct counters held (the memory bound). */
  get size(): number {
    return this.counts.size;
  }
}

function roundSignificant(v: number): number {
  if (v <= 0 || !Number.isFinite(v)) return 0;
  if (v < 1000) return Math.round(v);
  const exp = Math.floor(Math.log10(v)) - 2;
  const step = 10 ** exp;
  return Math.round(v / step) * step;
}
