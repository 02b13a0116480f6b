import { describe, expect, it } from 'vitest';
import type { ProbeSample } from '../probes/types.js';
import { abortReason } from './abort.js';

const cond = { probe: 'api', availabilityBelow: 50, forMs: 1000 };
const series = (oks: boolean[], every = 100): ProbeSample[] =>
  oks.map((ok, i) => ({ probe: 'api', t: i * every, wallTime: i * every, ok, latencyMs: 1 }));

describe('abort conditions', () => {
  it('aborts when availability over the window drops below the bound', () => {
    const samples = series([...Array(10).fill(true), ...Array(11).fill(false)]);
    expect(abortReason(cond, samples, 2000, 0)).toMatch(/availability 0\.0% over the last 1s is below 50%/);
  });

  it('does not judge before a full window has been observed', () => {
    expect(abortReason(cond, series(Array(5).fill(false)), 500, 0)).toBeUndefined();
  });

  it('holds while availability stays at or above the bound', () => {
    const samples = series(Array.from({ length: 21 }, (_, i) => i % 2 === 0));
    expect(abortReason(cond, samples, 2000, 0)).toBeUndefined();
  });

  it('looks only at the last window, not at older failures', () => {
    const samples = series([...Array(10).fill(false), ...Array(11).fill(true)]);
    expect(abortReason(cond, samples, 2000, 0)).toBeUndefined();
  });
});
