// The load run as 100 ms buckets (requests, errors, latency), fed by either engine: the built-in
// generator after its run, k6 while it runs. The buckets give load.ndjson (streamed out as they close)
// and the load measurements of any window.

import type { LoadBucketLine } from '../report/evidence.js';
import type { LatencySummary } from '../report/types.js';

export type { LoadBucketLine } from '../report/evidence.js';
import { BUCKET_MS, MetricBuckets, summarizeHistogram } from './buckets.js';

/** Requests, errors and latency of the requests in one window. */
export interface LoadWindowStats {
  requests: number;
  errors: number;
  latency: LatencySummary | null;
}

const round2 = (v: number): number => Math.round(v * 100) / 100;

export class LoadSeries {
  /** One value per finished request: 1 when it failed, 0 when not. */
  readonly outcomes: MetricBuckets;
  /** One value per request with a latency, in ms. */
  readonly latency: MetricBuckets;
  private next: number;

  /**
   * @param originT run-clock ms of the run's start (startedAt): bucket k starts at originT + k·100.
   * @param loadStartT run-clock ms the load started: load.ndjson begins with its bucket.
   * @param sink receives each bucket's line once it is closed, in time order.
   */
  constructor(
    readonly originT: number,
    loadStartT: number,
    private readonly sink?: (line: LoadBucketLine) => void,
  ) {
    this.outcomes = new MetricBuckets(originT, false);
    this.latency = new MetricBuckets(originT, true);
    this.next = Math.max(0, this.outcomes.indexOf(loadStartT));
  }

  /** A finished request at run-clock t; latency NaN when there is none to report. */
  request(t: number, failed: boolean, latencyMs: number): void {
    this.outcomes.add(t, failed ? 1 : 0);
    if (Number.isFinite(latencyMs)) this.latency.add(t, latencyMs);
  }

  /** Close and emit every bucket that ends at or before `t` (run-clock ms). */
  closeBefore(t: number): void {
    const k = Math.floor((t - this.originT + 1e-6) / BUCKET_MS);
    this.outcomes.closeBefore(k);
    this.latency.closeBefore(k);
    for (; this.next < k; this.next++) this.sink?.(this.line(this.next));
  }

  private line(k: number): LoadBucketLine {
    const { stats } = this.outcomes.merge(k, k);
    const line: LoadBucketLine = { t: k * BUCKET_MS, n: stats.count, errors: stats.nonzero };
    if (stats.count === 0) return line;
    const l = this.latency.merge(k, k);
    const summary = summarizeHistogram(l.histogram, l.stats);
    if (summary !== null) {
      line.p50 = round2(summary.p50);
      line.p95 = round2(summary.p95);
      line.p99 = round2(summary.p99);
      line.max = round2(summary.max);
    }
    return line;
  }

  /** Requests whose bucket starts in [fromT, toT) — or [fromT, toT] with `closedEnd` — summarized. */
  window(fromT: number, toT: number, closedEnd: boolean): LoadWindowStats {
    const [first, last] = this.outcomes.range(fromT, toT, closedEnd);
    if (last < first) return { requests: 0, errors: 0, latency: null };
    const o = this.outcomes.merge(first, last).stats;
    const l = this.latency.merge(first, last);
    return { requests: o.count, errors: o.nonzero, latency: summarizeHistogram(l.histogram, l.stats) };
  }
}
