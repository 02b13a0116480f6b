import { describe, expect, it } from 'vitest';
import type { ProbeSample } from '../probes/types.js';
import type { ResolvedSlo } from '../scenario/types.js';
import { burnRate, eventBudget, probeBudget } from './budget.js';
import { windowBounds } from './windows.js';

const DAY = 86_400_000;
const slo: ResolvedSlo = { name: 'api', objective: 99.9, periodMs: 30 * DAY, sli: { kind: 'probe', probe: 'api' } };
const sample = (t: number, ok: boolean): ProbeSample => ({ probe: 'api', t, wallTime: t, ok, latencyMs: 1 });

describe('error budgets', () => {
  it('allows 43.2 minutes of bad time for 99.9 % over 30 days', () => {
    const b = probeBudget(
      slo,
      [],
      100,
      windowBounds({ runStartT: 0, t0: null, recoveredT: null, faultEndT: null, endT: 1 }),
    );
    expect(b.budgetMs).toBe(43.2 * 60_000);
    expect(b.consumedPercent).toBeNull();
  });

  it('counts a failing probe sample as one interval of bad time', () => {
    // 60 s at 100 ms; failing for 2.6 s (26 samples) from t0 = 10 s.
    const samples = Array.from({ length: 600 }, (_, i) => sample(i * 100, !(i >= 100 && i < 126)));
    const bounds = windowBounds({ runStartT: 0, t0: 10_000, recoveredT: 12_600, faultEndT: null, endT: 59_950 });
    const b = probeBudget(slo, samples, 100, bounds);
    expect(b.badMs).toBe(2600);
    expect(b.observedMs).toBe(60_000);
    expect(b.consumedPercent).toBeCloseTo((2600 / 2_592_000) * 100, 4);
    // During the fault every sample failed: bad fraction 1 ÷ 0.001.
    expect(b.burnRate.during).toBe(1000);
    expect(b.burnRate.run).toBeCloseTo(26 / 600 / 0.001, 3);
  });

  it('extrapolates event-based SLIs to the period', () => {
    // 1 % bad over a 10-minute run: burn rate 10; 10 min of a 30-day period at 10× burns 0.2315 % of the budget.
    const b = eventBudget(slo, { good: 9900, total: 10_000 }, { good: 0, total: 100 }, 600_000);
    expect(b.events).toEqual({ good: 9900, total: 10_000, bad: 100 });
    expect(b.burnRate).toEqual({ run: 10, during: 1000 });
    expect(b.consumedPercent).toBeCloseTo(((10 * 600_000) / (30 * DAY)) * 100, 4);
    expect(burnRate(1, 0, 99.9)).toBeNull();
  });
});
