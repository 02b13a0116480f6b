import { describe, expect, it } from 'vitest';
import { FAILED, LoadOutcomes, OK } from './outcomes.js';
import type { LoadResult } from './run.js';
import type { LoadBucketLine } from './series.js';
import { loadReportOf, loadWindowStats, writeBuiltinBuckets } from './windows.js';

/** A built-in run of 10 requests a second for 3 s from t = 1000, failing from 2000 to 2500, and a drop batch. */
function builtinRun(): LoadResult {
  const outcomes = new LoadOutcomes();
  for (let t = 1000; t < 4000; t += 100) {
    const i = outcomes.add(t, t);
    const failed = t >= 2000 && t < 2500;
    outcomes.state[i] = failed ? FAILED : OK;
    outcomes.latencyMs[i] = failed ? NaN : 5;
  }
  outcomes.addDropped(3050, 3);
  return {
    engine: 'builtin',
    targetRatePerSec: 10,
    achievedRatePerSec: 10,
    durationMs: 3000,
    requests: 33,
    completed: 33,
    errors: 8,
    errorRate: (8 / 33) * 100,
    statusCounts: {},
    latency: null,
    dropped: 3,
    startT: 1000,
    endT: 4000,
    series: [],
    sentPerSecond: [10, 10, 10],
    outcomes,
  };
}

describe('the built-in load per window and in buckets', () => {
  it('counts requests by intended start, exactly, in open and closed windows', () => {
    const r = builtinRun();
    expect(loadWindowStats(r, { from: 2000, to: 2500, closed: false })).toMatchObject({
      requests: 5,
      errors: 5,
      latency: null,
    });
    expect(loadWindowStats(r, { from: 2500, to: 3900, closed: false })).toMatchObject({ requests: 17, errors: 3 });
    expect(loadWindowStats(r, { from: 2500, to: 3900, closed: true })).toMatchObject({ requests: 18, errors: 3 });
    expect(loadWindowStats(r, { from: 0, to: 10_000, closed: true }).latency).toMatchObject({ count: 25, p50: 5 });
  });

  it('writes one line per 100 ms bucket from the load start, dropped arrivals as errors', () => {
    const lines: LoadBucketLine[] = [];
    writeBuiltinBuckets(builtinRun(), 0, (l) => lines.push(l));
    expect(lines[0]).toEqual({ t: 1000, n: 1, errors: 0, p50: 5, p95: 5, p99: 5, max: 5 });
    expect(lines.find((l) => l.t === 2000)).toEqual({ t: 2000, n: 1, errors: 1 });
    expect(lines.find((l) => l.t === 3000)).toMatchObject({ n: 4, errors: 3 });
    expect(lines.reduce((n, l) => n + l.n, 0)).toBe(33);
    expect(lines.at(-1)?.t).toBe(4000);
  });

  it('keeps the per-request log out of the report', () => {
    const report = loadReportOf(builtinRun()) as unknown as Record<string, unknown>;
    expect(Object.keys(report)).not.toContain('outcomes');
    expect(Object.keys(report)).not.toContain('startT');
    expect(report['requests']).toBe(33);
  });
});
