import { describe, expect, it } from 'vitest';
import type { ProbeSample } from '../probes/types.js';
import { computeRto, rtoToMeasurement, toTimeline } from './rto.js';

/** Samples every 100 ms from `from` to `to` (inclusive) with the given health. */
function run(from: number, to: number, ok: boolean, step = 100): ProbeSample[] {
  const out: ProbeSample[] = [];
  for (let t = from; t <= to; t += step)
    out.push({ probe: 'api', t, wallTime: 1_700_000_000_000 + t, ok, latencyMs: 0 });
  return out;
}
const opts = { t0: 1000, stableForMs: 500, intervalMs: 100, endT: 10_000 };

describe('computeRto', () => {
  it('measures impact, detection and recovery', () => {
    const samples = [...run(0, 1100, true), ...run(1200, 2900, false), ...run(3000, 10_000, true)];
    // True recovery lies between the last failing sample (2900) and the first healthy one (3000).
    expect(computeRto(samples, opts)).toEqual({
      status: 'recovered',
      ms: 1950,
      errorBoundMs: 50,
      detectMs: 200,
      impactT: 1200,
      recoveredT: 2950,
      lastFailingT: 2900,
      firstHealthyT: 3000,
      observedMs: 9000,
    });
  });

  it('reports no impact (RTO 0) when nothing fails at or after t0', () => {
    const r = computeRto(run(0, 10_000, true), opts);
    expect(r).toEqual({
      status: 'no-impact',
      ms: 0,
      errorBoundMs: 100,
      detectMs: null,
      impactT: null,
      recoveredT: null,
      lastFailingT: null,
      firstHealthyT: null,
      observedMs: 9000,
    });
  });

  it('ignores failures before t0 when the probe is healthy from t0 on', () => {
    const r = computeRto([...run(0, 900, false), ...run(1000, 10_000, true)], opts);
    expect(r.status).toBe('no-impact');
  });

  it('starts recovery later when the probe flaps inside stableFor', () => {
    const samples = [
      ...run(0, 1000, true),
      ...run(1100, 1900, false),
      ...run(2000, 2300, true), // healthy for 300 ms only
      ...run(2400, 2400, false),
      ...run(2500, 10_000, true),
    ];
    const r = computeRto(samples, opts);
    expect(r.status).toBe('recovered');
    expect(r.firstHealthyT).toBe(2500);
    expect(r.ms).toBe(1450);
    expect(r.detectMs).toBe(100);
  });

  it('requires a healthy sample at or after the end of stableFor', () => {
    // Healthy 2000..2400, failing at 2500 = 2000 + 500: the window [2000, 2500] is not all healthy.
    const samples = [
      ...run(0, 900, true),
      ...run(1000, 1900, false),
      ...run(2000, 2400, true),
      ...run(2500, 2500, false),
    ];
    const more = [...samples, ...run(2600, 10_000, true)];
    expect(computeRto(more, opts).firstHealthyT).toBe(2600);
  });

  it('accepts the window when the sample exactly at s + stableFor is healthy', () => {
    const samples = [...run(1000, 1900, false), ...run(2000, 2500, true), ...run(2600, 2600, false)];
    const r = computeRto(samples, opts);
    expect(r.status).toBe('recovered');
    expect(r.firstHealthyT).toBe(2000);
  });

  it('reports not recovered when the probe never comes back', () => {
    const r = computeRto([...run(0, 900, true), ...run(1000, 10_000, false)], opts);
    expect(r).toEqual({
      status: 'not-recovered',
      ms: null,
      errorBoundMs: 100,
      detectMs: 0,
      impactT: 1000,
      recoveredT: null,
      lastFailingT: null,
      firstHealthyT: null,
      observedMs: 9000,
    });
  });

  it('counts a failing sample exactly at t0 as impact with detection time 0', () => {
    const r = computeRto([...run(0, 900, true), ...run(1000, 1000, false), ...run(1100, 2000, true)], {
      ...opts,
      endT: 2000,
    });
    expect(r).toMatchObject({
      status: 'recovered',
      detectMs: 0,
      impactT: 1000,
      ms: 50,
      errorBoundMs: 50,
      recoveredT: 1050,
    });
  });

  it('measures from t0 when the probe was already failing before it', () => {
    const r = computeRto([...run(0, 1500, false), ...run(1600, 3000, true)], opts);
    expect(r).toMatchObject({ status: 'recovered', detectMs: 0, impactT: 1000, ms: 550 });
  });

  it('trusts endT for a final healthy run only when the probe ends healthy', () => {
    const samples = [...run(1000, 1500, false), ...run(1600, 1800, true)];
    expect(computeRto(samples, { ...opts, endT: 2100 })).toMatchObject({ status: 'recovered', ms: 550 });
    // The run ended before stableFor elapsed: not recovered.
    expect(computeRto(samples, { ...opts, endT: 2000 })).toMatchObject({
      status: 'not-recovered',
      ms: null,
      observedMs: 1000,
    });
  });

  it('does not trust endT when the last sample failed', () => {
    const samples = [...run(1000, 1500, false), ...run(1600, 1800, true), ...run(1900, 1900, false)];
    expect(computeRto(samples, { ...opts, endT: 5000 }).status).toBe('not-recovered');
  });

  it('handles empty samples as no impact', () => {
    expect(computeRto([], opts)).toMatchObject({ status: 'no-impact', ms: 0, detectMs: null, observedMs: 9000 });
  });

  it('sorts unsorted input', () => {
    const samples = [...run(0, 1100, true), ...run(1200, 2900, false), ...run(3000, 10_000, true)];
    const shuffled = samples.map((s, i) => ({ s, k: (i * 7919) % 101 })).sort((a, b) => a.k - b.k);
    expect(
      computeRto(
        shuffled.map((x) => x.s),
        opts,
      ),
    ).toEqual(computeRto(samples, opts));
  });

  it('lets a failing sample win over a healthy one at the same instant', () => {
    const samples = [
      ...run(1000, 1400, false),
      ...run(1500, 3000, true),
      { probe: 'api', t: 1500, wallTime: 0, ok: false, latencyMs: 1 },
    ];
    expect(computeRto(samples, opts).firstHealthyT).toBe(1600);
  });

  it('recovers at the first healthy sample with stableFor 0', () => {
    const samples = [...run(1000, 1400, false), ...run(1500, 1500, true), ...run(1600, 1700, false)];
    expect(computeRto(samples, { ...opts, stableForMs: 0 })).toMatchObject({ status: 'recovered', ms: 450 });
  });

  it('bounds the estimate by half of an uneven gap (a late or skipped sample)', () => {
    const samples = [...run(1000, 1400, false), ...run(1700, 3000, true)];
    expect(computeRto(samples, opts)).toMatchObject({ ms: 550, errorBoundMs: 150, lastFailingT: 1400 });
  });

  it('counts each sample at the middle of its check, a hung one at most half an interval in', () => {
    const slow = (from: number, to: number, ok: boolean, latencyMs: number): ProbeSample[] =>
      run(from, to, ok).map((x) => ({ ...x, latencyMs }));
    // Answers took 20 ms: the system was seen 10 ms after each check started.
    const r = computeRto([...slow(1000, 1400, false, 20), ...slow(1500, 3000, true, 20)], opts);
    expect(r).toMatchObject({ lastFailingT: 1410, firstHealthyT: 1510, ms: 460, errorBoundMs: 50, detectMs: 10 });
    // A failing check that timed out after 1 s counts 50 ms (half the 100 ms interval) after its start.
    const hung = computeRto([...slow(1000, 1400, false, 1000), ...slow(1500, 3000, true, 0)], opts);
    expect(hung).toMatchObject({ lastFailingT: 1450, firstHealthyT: 1500, ms: 475, errorBoundMs: 25 });
  });

  it('never reports observedMs below zero', () => {
    expect(computeRto([], { ...opts, endT: 500 }).observedMs).toBe(0);
  });
});

describe('toTimeline', () => {
  it('sorts stably and merges equal times', () => {
    const s = (t: number, ok: boolean): ProbeSample => ({ probe: 'p', t, wallTime: 0, ok, latencyMs: 0 });
    expect(toTimeline([s(2, true), s(1, true), s(2, false), s(Number.NaN, false)])).toEqual([
      { t: 1, ok: true },
      { t: 2, ok: false },
    ]);
  });
});

describe('rtoToMeasurement', () => {
  it('maps run-clock times to ISO strings', () => {
    const samples = [...run(0, 1100, true), ...run(1200, 2900, false), ...run(3000, 10_000, true)];
    const m = rtoToMeasurement(computeRto(samples, opts), {
      probe: 'api',
      t0: 1000,
      stableForMs: 500,
      wall: (t) => Date.UTC(2024, 0, 1) + t,
    });
    expect(m).toEqual({
      probe: 'api',
      status: 'recovered',
      ms: 1950,
      errorBoundMs: 50,
      stableForMs: 500,
      detectMs: 200,
      faultAt: '2024-01-01T00:00:01.000Z',
      impactAt: '2024-01-01T00:00:01.200Z',
      recoveredAt: '2024-01-01T00:00:02.950Z',
      lastFailingAt: '2024-01-01T00:00:02.900Z',
      firstHealthyAt: '2024-01-01T00:00:03.000Z',
      lastFailingMs: 1900,
      firstHealthyMs: 2000,
      observedMs: 9000,
    });
  });

  it('keeps nulls for no impact', () => {
    const m = rtoToMeasurement(computeRto([], opts), { probe: 'api', t0: 1000, stableForMs: 500, wall: (t) => t });
    expect(m).toMatchObject({ status: 'no-impact', ms: 0, impactAt: null, recoveredAt: null });
  });
});
