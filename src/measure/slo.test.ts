import { describe, expect, it } from 'vitest';
import type { ProbeSample } from '../probes/types.js';
import type { ResolvedObjectives } from '../scenario/types.js';
import { computeSlos, sloForWindow, sloWindowsFor } from './slo.js';
import { windowBounds } from './windows.js';

const sample = (probe: string, t: number, ok: boolean, latencyMs = 10): ProbeSample => ({
  probe,
  t,
  wallTime: t,
  ok,
  latencyMs,
});
const bounds = windowBounds({ runStartT: 0, t0: 1000, recoveredT: 2000, faultEndT: null, endT: 3000 });
const samples: ProbeSample[] = [
  sample('api', 0, true),
  sample('api', 500, true),
  sample('api', 1000, false, 1000),
  sample('api', 1500, true, 200),
  sample('api', 2000, true),
  sample('api', 3000, true),
  sample('db', 1200, false),
];

describe('sloForWindow', () => {
  it('computes availability and latency over the window, including failing samples', () => {
    const s = sloForWindow('api', samples, 'during', bounds);
    expect(s).toMatchObject({ probe: 'api', window: 'during', samples: 2, good: 1, availability: 50 });
    expect(s.latency).toMatchObject({ count: 2, min: 200, max: 1000 });
  });

  it('covers the whole run and only the named probe', () => {
    expect(sloForWindow('api', samples, 'run', bounds)).toMatchObject({ samples: 6, good: 5 });
    expect(sloForWindow('api', samples, 'after', bounds)).toMatchObject({ samples: 2, good: 2, availability: 100 });
    expect(sloForWindow('api', samples, 'before', bounds)).toMatchObject({ samples: 2, availability: 100 });
  });

  it('reports null availability and latency for an empty window', () => {
    expect(sloForWindow('nope', samples, 'run', bounds)).toEqual({
      probe: 'nope',
      window: 'run',
      samples: 0,
      good: 0,
      availability: null,
      latency: null,
    });
  });
});

describe('sloWindowsFor / computeSlos', () => {
  const objectives: ResolvedObjectives = {
    availability: [
      { probe: 'api', window: 'during', min: 99 },
      { probe: 'api', window: 'run', min: 99 },
    ],
    latency: [
      { probe: 'api', window: 'run', percentiles: { p95: 500 } },
      { probe: 'db', window: 'after', percentiles: { p50: 5 } },
    ],
  };

  it('lists each probe/window once', () => {
    expect(sloWindowsFor(objectives)).toEqual([
      { probe: 'api', window: 'during' },
      { probe: 'api', window: 'run' },
      { probe: 'db', window: 'after' },
    ]);
  });

  it('measures each pair', () => {
    const slos = computeSlos(objectives, samples, bounds);
    expect(slos.map((s) => [s.probe, s.window, s.samples])).toEqual([
      ['api', 'during', 2],
      ['api', 'run', 6],
      ['db', 'after', 0],
    ]);
  });
});
