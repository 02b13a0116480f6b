import { describe, expect, it } from 'vitest';
import { summarizeLatency } from './latency.js';

describe('summarizeLatency', () => {
  it('returns null for no values', () => {
    expect(summarizeLatency([])).toBeNull();
    expect(summarizeLatency([Number.NaN, -1, Infinity])).toBeNull();
  });

  it('summarizes 1..1000 ms within the histogram resolution', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i + 1);
    const s = summarizeLatency(values);
    expect(s).not.toBeNull();
    if (s === null) return;
    expect(s.count).toBe(1000);
    expect(s.min).toBe(1);
    expect(s.max).toBe(1000);
    expect(s.mean).toBe(500.5);
    for (const [p, want] of [
      [s.p50, 500],
      [s.p90, 900],
      [s.p95, 950],
      [s.p99, 990],
    ] as const) {
      expect(Math.abs(p - want) / want).toBeLessThan(0.001);
    }
  });

  it('keeps sub-millisecond resolution and 3 decimals', () => {
    const s = summarizeLatency(new Float64Array([0.25, 0.5, 0.75]));
    expect(s).toMatchObject({ count: 3, min: 0.25, max: 0.75, mean: 0.5, p50: 0.5 });
    expect(summarizeLatency([1.23456])?.p99).toBe(1.235);
  });

  it('never reports a percentile above the largest value', () => {
    const s = summarizeLatency([123_456.789]);
    expect(s?.p99).toBeLessThanOrEqual(123_456.789);
    expect(s?.max).toBe(123_456.789);
  });

  it('skips invalid values and clamps huge ones to an hour', () => {
    const s = summarizeLatency([10, Number.NaN, -5, 7_200_000]);
    expect(s).toMatchObject({ count: 2, min: 10, max: 3_600_000 });
  });

  it('counts zero latencies', () => {
    expect(summarizeLatency([0, 0])).toMatchObject({ count: 2, min: 0, p50: 0, max: 0 });
  });
});
