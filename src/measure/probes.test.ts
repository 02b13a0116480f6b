import { describe, expect, it } from 'vitest';
import type { ProbeSample } from '../probes/types.js';
import { summarizeProbe } from './probes.js';

const s = (t: number, ok: boolean, detail?: string, probe = 'api'): ProbeSample => ({
  probe,
  t,
  wallTime: t,
  ok,
  latencyMs: 1,
  ...(detail === undefined ? {} : { detail }),
});

describe('summarizeProbe', () => {
  it('records the initial state and each change', () => {
    const samples = [
      s(0, true, '200'),
      s(100, true),
      s(200, false, '503'),
      s(300, false),
      s(400, true, '200'),
      s(50, false, 'x', 'db'),
    ];
    const r = summarizeProbe({ name: 'api', kind: 'http', intervalMs: 100 }, samples, (t) => Date.UTC(2024, 0, 1) + t);
    expect(r).toEqual({
      name: 'api',
      kind: 'http',
      intervalMs: 100,
      samples: 5,
      failures: 2,
      transitions: [
        { t: 0, at: '2024-01-01T00:00:00.000Z', ok: true, detail: '200' },
        { t: 200, at: '2024-01-01T00:00:00.200Z', ok: false, detail: '503' },
        { t: 400, at: '2024-01-01T00:00:00.400Z', ok: true, detail: '200' },
      ],
    });
  });

  it('handles no samples', () => {
    expect(summarizeProbe({ name: 'api', kind: 'http', intervalMs: 100 }, [], (t) => t)).toMatchObject({
      samples: 0,
      failures: 0,
      transitions: [],
    });
  });
});
