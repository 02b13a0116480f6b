import { describe, expect, it } from 'vitest';
import { percentileEvidence, proportionEvidence, samplesForPercentile, wilson } from './confidence.js';

describe('statistical honesty', () => {
  it('gives the Wilson score interval of a proportion', () => {
    // 16 of 16: anything from about 80.6 % up is consistent with what was seen.
    expect(wilson(16, 16)).toEqual({ low: 80.639, high: 100 });
    expect(wilson(50, 100).low).toBeCloseTo(40.383, 2);
    expect(wilson(0, 0)).toEqual({ low: 0, high: 100 });
  });

  it('says 16 good samples cannot tell 99 % availability from less', () => {
    const e = proportionEvidence(16, 16, 99, 'min');
    expect(e.conclusive).toBe(false);
    expect(e.note).toBe('16 samples: the 95% interval 80.64%–100% contains 99%, too few to tell a pass from a fail');
    // 16 good of 16 does tell 50 % from less.
    expect(proportionEvidence(16, 16, 50, 'min')).toMatchObject({ conclusive: true, samples: 16 });
  });

  it('judges error rates the other way round', () => {
    expect(proportionEvidence(0, 10_000, 5, 'max').conclusive).toBe(true);
    expect(proportionEvidence(1, 20, 5, 'max').note).toMatch(/too few to tell an error rate under the bound/);
  });

  it('says a percentile of too few samples is only their maximum', () => {
    expect(samplesForPercentile(99)).toBe(100);
    expect(samplesForPercentile(95)).toBe(20);
    expect(percentileEvidence(99, 16)).toEqual({
      samples: 16,
      conclusive: false,
      note: 'p99 of 16 samples is their maximum, not a p99 (it needs at least 100)',
    });
    expect(percentileEvidence(99, 100)).toEqual({ samples: 100, conclusive: true });
  });
});
