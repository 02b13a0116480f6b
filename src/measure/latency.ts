// Latency summaries (count, min, mean, percentiles, max) from an HDR histogram.

import { build } from 'hdr-histogram-js';
import type { LatencySummary } from '../report/types.js';

/** Values are recorded in microseconds; an hour is the most a single latency can be. */
const HIGHEST_TRACKABLE_US = 3_600_000_000;

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/** Summarize latencies given in milliseconds; null when there is no finite, non-negative value. */
export function summarizeLatency(valuesMs: ArrayLike<number>): LatencySummary | null {
  const histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
  try {
    let count = 0;
    let sumUs = 0;
    let minUs = Infinity;
    let maxUs = -Infinity;
    for (let i = 0; i < valuesMs.length; i++) {
      const ms = valuesMs[i];
      if (ms === undefined || !Number.isFinite(ms) || ms < 0) continue;
      const us = Math.min(Math.round(ms * 1000), HIGHEST_TRACKABLE_US);
      histogram.recordValue(us);
      count++;
      sumUs += us;
      if (us < minUs) minUs = us;
      if (us > maxUs) maxUs = us;
    }
    if (count === 0) return null;
    // Why: min, max and mean are exact; percentiles come from the histogram (3 significant digits),
    // capped at the exact max so a percentile never exceeds the largest value seen.
    const pct = (p: number): number => round3(Math.min(histogram.getValueAtPercentile(p), maxUs) / 1000);
    return {
      count,
      min: round3(minUs / 1000),
      mean: round3(sumUs / count / 1000),
      p50: pct(50),
      p90: pct(90),
      p95: pct(95),
      p99: pct(99),
      max: round3(maxUs / 1000),
    };
  } finally {
    histogram.destroy();
  }
}
