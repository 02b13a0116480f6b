import { describe, expect, it } from 'vitest';
import { summarizeLatency } from '../measure/latency.js';
import { binOf, binValue, MetricBuckets, summarizeHistogram } from './buckets.js';
import { LoadSeries, type LoadBucketLine } from './series.js';

describe('MetricBuckets', () => {
  it('puts values in 100 ms buckets from the origin and merges any range', () => {
    const b = new MetricBuckets(1000, false);
    b.add(1000, 1);
    b.add(1099.9, 0);
    b.add(1100, 1);
    b.add(1350, 5);
    expect(b.indexOf(1099.9)).toBe(0);
    expect(b.merge(0, 0).stats).toEqual({ count: 2, sum: 1, min: 0, max: 1, nonzero: 1 });
    expect(b.merge(0, 3).stats).toMatchObject({ count: 4, sum: 7, max: 5, nonzero: 3 });
    expect(b.span()).toEqual({ first: 0, last: 3 });
  });

  it('keeps counting a value whose bucket was already closed', () => {
    const b = new MetricBuckets(0, true);
    b.add(50, 10);
    b.closeBefore(5);
    b.add(60, 30);
    const { stats, histogram } = b.merge(0, 0);
    expect(stats).toMatchObject({ count: 2, sum: 40, min: 10, max: 30 });
    expect([...histogram.values()].reduce((a, n) => a + n, 0)).toBe(2);
  });

  it('selects the buckets whose start lies in a window, open or closed at its end', () => {
    const b = new MetricBuckets(0, false);
    expect(b.range(0, 1000, false)).toEqual([0, 9]);
    expect(b.range(0, 1000, true)).toEqual([0, 10]);
    expect(b.range(150, 1000, false)).toEqual([2, 9]);
  });

  it('gives percentiles within 1 % of the exact ones', () => {
    const b = new MetricBuckets(0, true);
    const values: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const v = 0.2 + ((i * 7919) % 1000) * 0.37 + (i % 7 === 0 ? 900 : 0);
      values.push(v);
      b.add(i % 1000, v);
    }
    const { stats, histogram } = b.merge(0, 9);
    const got = summarizeHistogram(histogram, stats);
    const exact = summarizeLatency(values);
    for (const p of ['p50', 'p90', 'p95', 'p99'] as const) {
      expect(Math.abs((got?.[p] ?? 0) - (exact?.[p] ?? 0)) / (exact?.[p] ?? 1)).toBeLessThan(0.011);
    }
    expect(got?.min).toBeCloseTo(exact?.min ?? 0, 3);
    expect(got?.max).toBeCloseTo(exact?.max ?? 0, 3);
  });

  it('maps a value into a bin whose representative is within 1 %', () => {
    for (const v of [0.01, 1, 42.5, 999, 60_000]) expect(Math.abs(binValue(binOf(v)) - v) / v).toBeLessThan(0.0101);
  });
});

describe('LoadSeries', () => {
  it('emits one line per 100 ms bucket from the load start, empty ones without percentiles', () => {
    const lines: LoadBucketLine[] = [];
    const s = new LoadSeries(1000, 1200, (l) => lines.push(l));
    s.request(1210, false, 4);
    s.request(1250, true, 8);
    s.request(1420, false, NaN);
    s.closeBefore(1500);
    // Percentiles come from 2 %-wide bins (within 1 %, and never outside the exact min and max).
    expect(lines).toEqual([
      { t: 200, n: 2, errors: 1, p50: expect.closeTo(4, 1), p95: 8, p99: 8, max: 8 },
      { t: 300, n: 0, errors: 0 },
      { t: 400, n: 1, errors: 0 },
    ]);
  });

  it('summarizes the requests of a window', () => {
    const s = new LoadSeries(0, 0);
    for (let t = 0; t < 1000; t += 10) s.request(t, t >= 500 && t < 600, 5);
    expect(s.window(500, 600, false)).toMatchObject({ requests: 10, errors: 10 });
    expect(s.window(0, 1000, true)).toMatchObject({ requests: 100, errors: 10, latency: { count: 100, p50: 5 } });
    expect(s.window(2000, 3000, false)).toEqual({ requests: 0, errors: 0, latency: null });
  });
});
