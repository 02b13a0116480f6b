// The RTO bench (bench/rto-outage.js) against its ground-truth outage server: a deliberately biased
// estimator must come out as "MISSES GOAL", so the bench's "meets goal" means something.

import { describe, expect, it } from 'vitest';
import { benchRtoOutages, judgeRto, midpointEstimate, type RtoEstimator } from '../bench/rto-outage.js';

describe('bench/rto-outage.js', () => {
  it('reports "misses" for an estimator that is late by three probe intervals', async () => {
    const late: RtoEstimator = (samples, o) => {
      const ms = midpointEstimate(samples, o);
      return ms === null ? null : ms + 3 * o.intervalMs;
    };
    const rows = await benchRtoOutages({ outages: 3, intervalsMs: [100, 50], estimators: { late } });
    for (const intervalMs of [100, 50]) {
      const r = judgeRto(rows['late']?.[intervalMs] ?? [], intervalMs);
      expect(r.outages).toBe(3);
      expect(r.verdict).toBe('MISSES GOAL');
      expect(r.meanAbsMs).toBeGreaterThan(r.meanGoalMs);
    }
  }, 60_000);

  it('judges rows against interval/4 + 10 ms (mean) and interval/2 + 10 ms (max)', () => {
    const row = (err: number) => ({ outage: 1, trueMs: 1000, measuredMs: 1000 + err });
    expect(judgeRto([row(20), row(-30)], 100).verdict).toBe('meets goal');
    expect(judgeRto([row(5), row(61)], 100).verdict).toBe('MISSES GOAL');
    expect(judgeRto([{ outage: 1, trueMs: 1000, measuredMs: null }], 100).verdict).toBe('MISSES GOAL');
  });
});
