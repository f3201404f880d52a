/**
 * Quantiles over a stream of durations in bounded memory: whole milliseconds below 4096 ms are
 * counted exactly in an array; larger values are rounded to three significant digits (relative
 * error ≤ 0.5%) and counted in a map, which holds at most 900 keys per decade. One sketch is about
 * 16 KB plus 900 entries per decade above 4 s, whatever the number of samples. JMeter's elapsed
 * times are whole milliseconds, so below 4096 ms the figures are exact.
 */
const EXACT = 4096;

export class QuantileSketch {
  private readonly small = new Uint32Array(EXACT);
  private readonly large = new Map<number, number>();
  count = 0;
  max = -Infinity;
  sum = 0;

  add(value: number): void {
    this.count++;
    this.sum += value;
    if (value > this.max) this.max = value;
    const r = Math.round(value);
    if (r >= 0 && r < EXACT) this.small[r]!++;
    else {
      const key = roundSignificant(value);
      this.large.set(key, (this.large.get(key) ?? 0) + 1);
    }
  }

  /** Adds every value another sketch holds (the overall figures are the labels' sketches merged). */
  merge(other: QuantileSketch): void {
    for (let i = 0; i < EXACT; i++) this.small[i]! += other.small[i]!;
    for (const [k, c] of other.large) this.large.set(k, (this.large.get(k) ?? 0) + c);
    this.count += other.count;
    this.sum += other.sum;
    if (other.max > this.max) this.max = other.max;
  }

  /** Nearest-rank quantile (q in 0..1), as JMeter and Locust report percentiles. */
  quantile(q: number): number | undefined {
    if (this.count === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < EXACT; i++) {
      seen += this.small[i]!;
      if (seen >= rank) return i;
    }
    const keys = [...this.large.keys()].sort((a, b) => a - b);
    for (const k of keys) {
      seen += this.large.get(k)!;
      if (seen >= rank) return k;
    }
    return keys[keys.length - 1];
  }

  /** Distinct counters held beyond the fixed array (the part of memory that grows). */
  get size(): number {
    return this.large.size;
  }
}

function roundSignificant(v: number): number {
  if (v <= 0 || !Number.isFinite(v)) return 0;
  const exp = Math.floor(Math.log10(v)) - 2;
  const step = 10 ** exp;
  return Math.round(v / step) * step;
}
