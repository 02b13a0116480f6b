// Per-100 ms buckets of one metric over a run: count, sum, min, max, non-zero count and, for timings, a
// compact log-spaced histogram. Memory stays bounded at any request rate (a few hundred bytes per bucket),
// and any window of the run can be summarized afterwards by merging its buckets.

import type { LatencySummary } from '../report/types.js';

/** Width of a bucket in ms; evidence files and windows are resolved to this. */
export const BUCKET_MS = 100;

/** Histogram bins are GAMMA apart (2 %), from 1 µs: a percentile is off by at most 1 % of its value. */
const GAMMA = 1.02;
const LOG_GAMMA = Math.log(GAMMA);
const LOWEST_MS = 0.001;
const MAX_BIN = 65_535;

/** The histogram bin of a value in ms. */
export function binOf(ms: number): number {
  if (!(ms > LOWEST_MS)) return 0;
  return Math.min(MAX_BIN, Math.floor(Math.log(ms / LOWEST_MS) / LOG_GAMMA));
}

/** The representative value of a bin: its geometric middle. */
export function binValue(bin: number): number {
  return LOWEST_MS * GAMMA ** (bin + 0.5);
}

/** Summary statistics of merged buckets. */
export interface BucketStats {
  count: number;
  sum: number;
  min: number;
  max: number;
  /** Values that were not 0 (for rates: the "true" ones; for http_req_failed: the failures). */
  nonzero: number;
}

interface OpenBucket {
  count: number;
  sum: number;
  min: number;
  max: number;
  nonzero: number;
  bins: Map<number, number> | undefined;
}

/** A bin → count histogram, merged over buckets. */
export type Histogram = Map<number, number>;

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/** Percentiles, min, mean and max of a histogram whose exact min, max and sum are known. */
export function summarizeHistogram(h: Histogram, stats: BucketStats): LatencySummary | null {
  let total = 0;
  for (const n of h.values()) total += n;
  if (total === 0) return null;
  const sorted = [...h.entries()].sort((a, b) => a[0] - b[0]);
  const at = (q: number): number => {
    const rank = Math.max(1, Math.ceil(q * total));
    // The largest value is known exactly; a percentile that lands on it is it.
    if (rank >= total) return round3(stats.max);
    let seen = 0;
    for (const [bin, n] of sorted) {
      seen += n;
      if (seen >= rank) return round3(Math.min(stats.max, Math.max(stats.min, binValue(bin))));
    }
    return round3(stats.max);
  };
  return {
    count: total,
    min: round3(stats.min),
    mean: round3(stats.sum / stats.count),
    p50: at(0.5),
    p90: at(0.9),
    p95: at(0.95),
    p99: at(0.99),
    max: round3(stats.max),
  };
}

/**
 * One metric's values in buckets of BUCKET_MS from `originT` (run-clock ms). Values are added in roughly
 * increasing time; buckets older than the newest time minus `lagMs` are closed (their histogram packed)
 * and handed to `onClose`. A value for a closed bucket still counts (it re-opens the bucket's histogram).
 */
export class MetricBuckets {
  private first = Infinity;
  private last = -Infinity;
  private readonly open = new Map<number, OpenBucket>();
  private readonly closed = new Map<number, { stats: BucketStats; bins: Uint16Array; counts: Uint32Array }>();

  constructor(
    readonly originT: number,
    /** Keep a histogram of the values (timings). */
    readonly withHistogram: boolean,
  ) {}

  /** Bucket index of a run-clock time. */
  indexOf(t: number): number {
    return Math.floor((t - this.originT + 1e-6) / BUCKET_MS);
  }

  add(t: number, value: number): void {
    if (!Number.isFinite(value) || !Number.isFinite(t)) return;
    const k = this.indexOf(t);
    if (k < this.first) this.first = k;
    if (k > this.last) this.last = k;
    let b = this.open.get(k);
    if (b === undefined) {
      b = this.reopen(k);
      this.open.set(k, b);
    }
    b.count++;
    b.sum += value;
    if (value < b.min) b.min = value;
    if (value > b.max) b.max = value;
    if (value !== 0) b.nonzero++;
    if (b.bins !== undefined) {
      const bin = binOf(value);
      b.bins.set(bin, (b.bins.get(bin) ?? 0) + 1);
    }
  }

  /** A late value's bucket was closed already: unpack it so it can take more values. */
  private reopen(k: number): OpenBucket {
    const packed = this.closed.get(k);
    const b: OpenBucket = packed
      ? { ...packed.stats, bins: undefined }
      : { count: 0, sum: 0, min: Infinity, max: -Infinity, nonzero: 0, bins: undefined };
    if (this.withHistogram) {
      b.bins = new Map();
      if (packed) packed.bins.forEach((bin, i) => b.bins?.set(bin, packed.counts[i] as number));
    }
    this.closed.delete(k);
    return b;
  }

  /** Close the buckets with index < k. */
  closeBefore(k: number): void {
    for (const [i, b] of this.open) {
      if (i >= k) continue;
      this.open.delete(i);
      const entries = b.bins ? [...b.bins.entries()] : [];
      this.closed.set(i, {
        stats: { count: b.count, sum: b.sum, min: b.min, max: b.max, nonzero: b.nonzero },
        bins: Uint16Array.from(entries, ([bin]) => bin),
        counts: Uint32Array.from(entries, ([, n]) => n),
      });
    }
  }

  /** The first and last bucket index that has values, or null when none. */
  span(): { first: number; last: number } | null {
    return this.first === Infinity ? null : { first: this.first, last: this.last };
  }

  /** Stats and histogram of buckets first..last (inclusive), open or closed. */
  merge(first: number, last: number): { stats: BucketStats; histogram: Histogram } {
    const stats: BucketStats = { count: 0, sum: 0, min: Infinity, max: -Infinity, nonzero: 0 };
    const histogram: Histogram = new Map();
    const take = (s: BucketStats): void => {
      stats.count += s.count;
      stats.sum += s.sum;
      stats.nonzero += s.nonzero;
      if (s.min < stats.min) stats.min = s.min;
      if (s.max > stats.max) stats.max = s.max;
    };
    const visit = (k: number): void => {
      const c = this.closed.get(k);
      if (c) {
        take(c.stats);
        c.bins.forEach((bin, i) => histogram.set(bin, (histogram.get(bin) ?? 0) + (c.counts[i] as number)));
        return;
      }
      const o = this.open.get(k);
      if (o) {
        take(o);
        o.bins?.forEach((n, bin) => histogram.set(bin, (histogram.get(bin) ?? 0) + n));
      }
    };
    // Few buckets hold values at low rates: walk whichever is shorter, the range or the stored buckets.
    if (last - first + 1 <= this.closed.size + this.open.size) {
      for (let k = first; k <= last; k++) visit(k);
    } else {
      for (const k of [...this.closed.keys(), ...this.open.keys()]) if (k >= first && k <= last) visit(k);
    }
    return { stats, histogram };
  }

  /** Index range [first, last] of the buckets whose start lies in [fromT, toT) (or [fromT, toT] when closed). */
  range(fromT: number, toT: number, closedEnd: boolean): [number, number] {
    const first = Math.ceil((fromT - this.originT - 1e-6) / BUCKET_MS);
    const endK = (toT - this.originT) / BUCKET_MS;
    const last = closedEnd ? Math.floor(endK + 1e-6) : Math.ceil(endK - 1e-6) - 1;
    return [first + 0, last + 0];
  }
}
