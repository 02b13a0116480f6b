// Statistical honesty: what the samples behind an objective can tell. A p99 of 16 samples is their
// maximum, not a p99; 16 good samples out of 16 cannot tell 94 % availability from 100 %.

import type { ObjectiveEvidence } from '../report/types.js';
import { trimNumber } from './format.js';

/** z for a two-sided 95 % interval. */
const Z = 1.959964;

/** Wilson score interval (95 %) of `k` successes in `n` trials, in percent. */
export function wilson(k: number, n: number): { low: number; high: number } {
  if (n <= 0) return { low: 0, high: 100 };
  const p = k / n;
  const z2 = Z * Z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  const r = (v: number): number => Math.round(Math.min(1, Math.max(0, v)) * 100_000) / 1000;
  return { low: r(centre - half), high: r(centre + half) };
}

/**
 * Evidence for a share bound: `good` of `n` against "at least `bound` %" (`min`) or, for error rates,
 * "at most `bound` %" (`max`). Inconclusive when the 95 % interval contains the bound.
 */
export function proportionEvidence(k: number, n: number, bound: number, direction: 'min' | 'max'): ObjectiveEvidence {
  const interval95 = wilson(k, n);
  const conclusive = n > 0 && (interval95.low > bound || interval95.high < bound);
  const evidence: ObjectiveEvidence = { samples: n, interval95, conclusive };
  if (!conclusive) {
    const what = direction === 'min' ? 'a pass from a fail' : 'an error rate under the bound from one over it';
    evidence.note = `${n} sample${n === 1 ? '' : 's'}: the 95% interval ${trimNumber(interval95.low, 2)}%–${trimNumber(interval95.high, 2)}% contains ${trimNumber(bound, 3)}%, too few to tell ${what}`;
  }
  return evidence;
}

/** Samples a percentile needs before it is more than the largest sample: p99 needs 100. */
export function samplesForPercentile(p: number): number {
  return Math.ceil(1 / (1 - p / 100) - 1e-9);
}

/** Evidence for a percentile computed from `n` samples. */
export function percentileEvidence(p: number, n: number): ObjectiveEvidence {
  const needed = samplesForPercentile(p);
  if (n >= needed) return { samples: n, conclusive: true };
  return {
    samples: n,
    conclusive: false,
    note: `p${p} of ${n} sample${n === 1 ? ' is that sample' : 's is their maximum'}, not a p${p} (it needs at least ${needed})`,
  };
}
