import { describe, expect, it } from 'vitest';
import { FAILED, LoadOutcomes, OK, errorRateBetween, latencyBetween } from './outcomes.js';

describe('LoadOutcomes windows', () => {
  it('computes error rate and latency over intended-start windows, dropped arrivals included', () => {
    const outcomes = new LoadOutcomes();
    // 3000 requests, one every ms; those in [1000, 2000) fail, with latency 100 ms; the rest 5 ms.
    for (let t = 0; t < 3000; t++) {
      const i = outcomes.add(t, t);
      const bad = t >= 1000 && t < 2000;
      outcomes.state[i] = bad ? FAILED : OK;
      outcomes.latencyMs[i] = bad ? 100 : 5;
    }
    outcomes.addDropped(1500, 500);
    const result = { outcomes };
    expect(errorRateBetween(result, 0, 1000)).toBe(0);
    expect(errorRateBetween(result, 1000, 2000)).toBe(100);
    expect(errorRateBetween(result, 0, 3000)).toBeCloseTo((1500 / 3500) * 100, 6);
    expect(latencyBetween(result, 2000, 3000)).toMatchObject({ count: 1000, p50: 5, max: 5 });
    expect(latencyBetween(result, 1000, 2000)?.p99).toBe(100);
    expect(errorRateBetween(result, 5000, 6000)).toBeNull();
    expect(latencyBetween(result, 5000, 6000)).toBeNull();
  });

  it('grows past its initial capacity and merges drops within 10 ms', () => {
    const outcomes = new LoadOutcomes();
    for (let i = 0; i < 5000; i++) outcomes.add(i, i);
    expect(outcomes.length).toBe(5000);
    expect(outcomes.intendedT[4999]).toBe(4999);
    outcomes.addDropped(0, 1);
    outcomes.addDropped(5, 2);
    outcomes.addDropped(20, 3);
    expect(outcomes.droppedLength).toBe(2);
    expect(outcomes.droppedBetween(0, 10)).toBe(3);
    expect(JSON.parse(JSON.stringify({ outcomes }))).toEqual({ outcomes: { requests: 5000, droppedBatches: 2 } });
  });
});
