import { describe, expect, it } from 'vitest';
import { ArrivalSchedule } from './stages.js';

describe('ArrivalSchedule', () => {
  it('spaces a constant rate evenly, starting at 0', () => {
    const s = new ArrivalSchedule([{ fromRatePerSec: 10, toRatePerSec: 10, durationMs: 1000 }]);
    expect(s.total).toBe(10);
    expect(s.meanRatePerSec).toBeCloseTo(10);
    expect([0, 1, 9].map((n) => s.timeOf(n))).toEqual([0, 100, 900].map((v) => expect.closeTo(v, 6)));
    expect(s.dueBy(0)).toBe(1);
    expect(s.dueBy(99.9)).toBe(1);
    expect(s.dueBy(100)).toBe(2);
    expect(s.dueBy(5000)).toBe(10);
    expect(s.dueBy(-1)).toBe(0);
  });

  it('inverts a ramp: N(timeOf(n)) = n and times increase', () => {
    const s = new ArrivalSchedule([
      { fromRatePerSec: 0, toRatePerSec: 100, durationMs: 2000 },
      { fromRatePerSec: 100, toRatePerSec: 100, durationMs: 1000 },
      { fromRatePerSec: 100, toRatePerSec: 20, durationMs: 1000 },
    ]);
    expect(s.total).toBe(100 + 100 + 60);
    let prev = -1;
    for (let n = 0; n < s.total; n++) {
      const t = s.timeOf(n);
      expect(t).toBeGreaterThanOrEqual(prev);
      expect(s.integral(t)).toBeCloseTo(n, 6);
      prev = t;
    }
    expect(s.timeOf(s.total - 1)).toBeLessThan(s.totalMs);
    // Slow start: the first second of the ramp holds a quarter of its arrivals.
    expect(s.dueBy(999.999)).toBe(25);
    expect(s.rateAt(1000)).toBeCloseTo(50);
    expect(s.rateAt(5000)).toBe(0);
  });

  it('has no arrivals for a zero rate or no stages', () => {
    expect(new ArrivalSchedule([{ fromRatePerSec: 0, toRatePerSec: 0, durationMs: 1000 }]).total).toBe(0);
    const empty = new ArrivalSchedule([]);
    expect(empty.total).toBe(0);
    expect(empty.totalMs).toBe(0);
    expect(empty.dueBy(10)).toBe(0);
  });
});
