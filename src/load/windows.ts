// The load, whichever engine ran it, per measurement window and as 100 ms evidence buckets.

import type { K6MetricWindow, LoadReport, WindowName } from '../report/types.js';
import { summarizeHistogram } from './buckets.js';
import type { K6Result } from './k6-run.js';
import { countBetween, FAILED, latencyBetween, OK } from './outcomes.js';
import type { LoadResult } from './run.js';
import { LoadSeries, type LoadBucketLine, type LoadWindowStats } from './series.js';

/** What either engine returns. */
export type LoadRunResult = LoadResult | K6Result;

/** A span of run-clock ms; `to` is included only when `closed`. */
export interface LoadSpan {
  from: number;
  to: number;
  closed: boolean;
}

/** The report part of a load result: everything but the per-request log and the series. */
export function loadReportOf(r: LoadRunResult | null): LoadReport | null {
  if (r === null) return null;
  if (r.engine === 'k6') return r.report;
  const { startT: _startT, endT: _endT, series: _series, outcomes: _outcomes, ...report } = r;
  return report;
}

/** Requests, errors and latency of the requests in a window (built-in: by intended start; k6: by sample time). */
export function loadWindowStats(r: LoadRunResult, w: LoadSpan): LoadWindowStats {
  if (r.engine === 'k6') return r.ingest.series.window(w.from, w.to, w.closed);
  // An open window [from, to) is exact with the outcomes' half-open ranges; a closed one takes `to` too.
  const to = w.closed ? w.to + 1e-6 : w.to;
  const { finished, failed } = countBetween(r, w.from, to);
  return { requests: finished, errors: failed, latency: latencyBetween(r, w.from, to) };
}

/** Every k6 metric the report does not cover already (not the request metrics), per window. */
export function k6MetricWindows(r: K6Result, windows: Array<{ name: WindowName; span: LoadSpan }>): K6MetricWindow[] {
  const out: K6MetricWindow[] = [];
  for (const [metric, m] of r.ingest.metrics) {
    if (metric === 'http_req_duration' || metric === 'http_req_failed') continue;
    if (m.buckets.span() === null) continue;
    for (const { name, span } of windows) {
      const [first, last] = m.buckets.range(span.from, span.to, span.closed);
      const { stats, histogram } = m.buckets.merge(first, Math.max(first - 1, last));
      const value =
        stats.count === 0
          ? null
          : m.type === 'counter'
            ? stats.sum
            : m.type === 'gauge'
              ? stats.max
              : m.type === 'rate'
                ? (stats.nonzero / stats.count) * 100
                : stats.sum / stats.count;
      const entry: K6MetricWindow = {
        metric,
        type: m.type,
        window: name,
        count: stats.count,
        value: value === null ? null : Math.round(value * 1000) / 1000,
      };
      if (m.type === 'trend') entry.latency = summarizeHistogram(histogram, stats);
      out.push(entry);
    }
  }
  return out;
}

/** The built-in generator's requests as 100 ms buckets (load.ndjson), in time order, bounded memory. */
export function writeBuiltinBuckets(r: LoadResult, originT: number, sink: (line: LoadBucketLine) => void): void {
  const series = new LoadSeries(originT, r.startT, sink);
  const o = r.outcomes;
  let d = 0;
  let closeAt = -Infinity;
  for (let i = 0; i < o.length; i++) {
    const t = o.intendedT[i] as number;
    for (; d < o.droppedLength && (o.droppedT[d] as number) <= t; d++) dropped(series, o, d);
    const state = o.state[i];
    if (state === OK || state === FAILED) series.request(t, state === FAILED, o.latencyMs[i] as number);
    // Close buckets as time moves on, so only the newest ones are open.
    if (t - closeAt >= 1000) {
      series.closeBefore(t - 100);
      closeAt = t;
    }
  }
  for (; d < o.droppedLength; d++) dropped(series, o, d);
  series.closeBefore(Math.max(r.endT, r.startT) + 100);
}

function dropped(series: LoadSeries, o: LoadResult['outcomes'], d: number): void {
  const t = o.droppedT[d] as number;
  const n = o.droppedCount[d] as number;
  for (let k = 0; k < n; k++) series.request(t, true, NaN);
}
