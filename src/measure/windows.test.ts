import { describe, expect, it } from 'vitest';
import { inWindow, windowBounds } from './windows.js';

describe('windowBounds', () => {
  it('splits the run at t0 and at recovery', () => {
    const b = windowBounds({ runStartT: 0, t0: 1000, recoveredT: 3000, faultEndT: 5000, endT: 9000 });
    expect(b).toEqual({
      before: { from: 0, to: 1000, closed: false },
      during: { from: 1000, to: 3000, closed: false },
      after: { from: 3000, to: 9000, closed: true },
      run: { from: 0, to: 9000, closed: true },
    });
  });

  it('falls back to the fault end, then to the run end', () => {
    expect(windowBounds({ runStartT: 0, t0: 1000, recoveredT: null, faultEndT: 5000, endT: 9000 }).during.to).toBe(
      5000,
    );
    const b = windowBounds({ runStartT: 0, t0: 1000, recoveredT: null, faultEndT: null, endT: 9000 });
    expect(b.during).toEqual({ from: 1000, to: 9000, closed: false });
    expect(b.after).toEqual({ from: 9000, to: 9000, closed: true });
  });

  it('makes before the whole run and during/after empty without a fault', () => {
    const b = windowBounds({ runStartT: 100, t0: null, recoveredT: null, faultEndT: null, endT: 900 });
    expect(b.before).toEqual({ from: 100, to: 900, closed: true });
    expect(b.run).toEqual(b.before);
    for (const w of [b.during, b.after]) {
      for (const t of [100, 500, 900]) expect(inWindow(t, w)).toBe(false);
    }
  });

  it('clamps times outside the run', () => {
    const b = windowBounds({ runStartT: 0, t0: -50, recoveredT: 20_000, faultEndT: null, endT: 9000 });
    expect(b.before).toEqual({ from: 0, to: 0, closed: false });
    expect(b.during).toEqual({ from: 0, to: 9000, closed: false });
  });

  it('assigns each sample time to exactly one of before, during, after', () => {
    const b = windowBounds({ runStartT: 0, t0: 1000, recoveredT: 3000, faultEndT: null, endT: 9000 });
    for (const t of [0, 999, 1000, 2999, 3000, 9000]) {
      const hits = [b.before, b.during, b.after].filter((w) => inWindow(t, w)).length;
      expect(hits, `t=${t}`).toBe(1);
      expect(inWindow(t, b.run)).toBe(true);
    }
    expect(inWindow(9001, b.run)).toBe(false);
    expect(inWindow(-1, b.run)).toBe(false);
  });
});
