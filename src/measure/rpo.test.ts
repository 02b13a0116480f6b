import { describe, expect, it } from 'vitest';
import { computeRestoreRpo, computeRpo } from './rpo.js';

const T = Date.UTC(2024, 0, 1);
/** Markers 1..n written every 100 ms from T. */
const markers = (n: number) => Array.from({ length: n }, (_, i) => ({ seq: i + 1, writtenAt: T + i * 100 }));
const seqs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const iso = (ms: number) => new Date(ms).toISOString();

describe('computeRpo', () => {
  it('reports 0 s and no lost writes when everything survived', () => {
    expect(computeRpo({ acknowledged: markers(50), surviving: seqs(1, 50), faultAt: T + 4950 })).toEqual({
      seconds: 0,
      lostWrites: 0,
      acknowledged: 50,
      surviving: 50,
      newestSurvivingAt: iso(T + 4900),
      newestAcknowledgedBeforeFaultAt: iso(T + 4900),
    });
  });

  it('measures tail loss', () => {
    // Markers 41..50 (written 4.0 s .. 4.9 s) were acknowledged but lost.
    const r = computeRpo({ acknowledged: markers(50), surviving: seqs(1, 40), faultAt: T + 5000 });
    expect(r).toMatchObject({ seconds: 1, lostWrites: 10, surviving: 40, newestSurvivingAt: iso(T + 3900) });
  });

  it('counts a hole in the middle as lost writes; RPO follows the newest surviving marker', () => {
    const surviving = seqs(1, 50).filter((s) => s !== 20 && s !== 21);
    const r = computeRpo({ acknowledged: markers(50), surviving, faultAt: T + 5000 });
    expect(r).toMatchObject({ seconds: 0, lostWrites: 2, surviving: 48 });
  });

  it('handles nothing surviving: RPO from the writer start, or at least the oldest marker', () => {
    const base = { acknowledged: markers(50), surviving: [], faultAt: T + 5000 };
    expect(computeRpo(base)).toMatchObject({ seconds: 4.9, lostWrites: 50, surviving: 0, newestSurvivingAt: null });
    expect(computeRpo({ ...base, writerStartedAt: T - 1000 }).seconds).toBe(5.9);
  });

  it('ignores markers written after the fault for RPO but counts them as lost writes', () => {
    // Fault at 2.45 s: markers 1..25 were written before it; 26..50 after. 1..25 survive, 26..30 lost, 31..50 survive.
    const surviving = [...seqs(1, 25), ...seqs(31, 50)];
    const r = computeRpo({ acknowledged: markers(50), surviving, faultAt: T + 2450 });
    expect(r).toMatchObject({
      seconds: 0,
      lostWrites: 5,
      acknowledged: 50,
      surviving: 45,
      newestAcknowledgedBeforeFaultAt: iso(T + 2400),
      newestSurvivingAt: iso(T + 2400),
    });
  });

  it('does not let post-fault survivors hide pre-fault loss', () => {
    const surviving = [...seqs(1, 20), ...seqs(26, 50)];
    const r = computeRpo({ acknowledged: markers(50), surviving, faultAt: T + 2450 });
    expect(r).toMatchObject({ seconds: 0.5, lostWrites: 5, newestSurvivingAt: iso(T + 1900) });
  });

  it('counts a marker written at the fault instant as before the fault', () => {
    const r = computeRpo({ acknowledged: markers(10), surviving: seqs(1, 9), faultAt: T + 900 });
    expect(r.seconds).toBe(0.1);
  });

  it('handles no acknowledged markers and unacknowledged survivors', () => {
    expect(computeRpo({ acknowledged: [], surviving: [1, 2, 3], faultAt: T })).toEqual({
      seconds: 0,
      lostWrites: 0,
      acknowledged: 0,
      surviving: 0,
      newestSurvivingAt: null,
      newestAcknowledgedBeforeFaultAt: null,
    });
  });

  it('treats a seq acknowledged twice as one write', () => {
    const acknowledged = [...markers(3), { seq: 3, writtenAt: T + 500 }];
    expect(computeRpo({ acknowledged, surviving: new Set([1, 2]), faultAt: T + 1000 })).toMatchObject({
      acknowledged: 3,
      lostWrites: 1,
      seconds: 0.1,
    });
  });
});

describe('computeRestoreRpo', () => {
  it('is drill start minus the newest restored marker, never negative', () => {
    expect(computeRestoreRpo({ drillStartAt: T + 900_000, newestMarkerAt: T })).toBe(900);
    expect(computeRestoreRpo({ drillStartAt: T, newestMarkerAt: T + 5 })).toBe(0);
    expect(computeRestoreRpo({ drillStartAt: T + 1234, newestMarkerAt: T })).toBe(1.234);
  });
});
