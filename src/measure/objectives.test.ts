import { describe, expect, it } from 'vitest';
import type { LoadReport, RpoMeasurement, RtoMeasurement, SloMeasurement } from '../report/types.js';
import type { ResolvedObjectives } from '../scenario/types.js';
import { allObjectivesPass, evaluateObjectives, formatLatencyMs, type Measurements } from './objectives.js';

const rto = (over: Partial<RtoMeasurement> = {}): RtoMeasurement => ({
  probe: 'fleet',
  status: 'recovered',
  ms: 6420,
  errorBoundMs: 100,
  stableForMs: 5000,
  detectMs: 300,
  faultAt: '2024-01-01T00:00:01.000Z',
  impactAt: '2024-01-01T00:00:01.300Z',
  recoveredAt: '2024-01-01T00:00:07.420Z',
  lastFailingAt: '2024-01-01T00:00:07.370Z',
  firstHealthyAt: '2024-01-01T00:00:07.470Z',
  lastFailingMs: 6370,
  firstHealthyMs: 6470,
  observedMs: 120_000,
  ...over,
});
const rpo = (over: Partial<RpoMeasurement> = {}): RpoMeasurement => ({
  seconds: 0,
  lostWrites: 0,
  acknowledged: 100,
  surviving: 100,
  newestSurvivingAt: '2024-01-01T00:00:01.000Z',
  newestAcknowledgedBeforeFaultAt: '2024-01-01T00:00:01.000Z',
  ...over,
});
const latency = { count: 100, min: 1, mean: 50, p50: 40, p90: 90, p95: 120.04, p99: 480, max: 600 };
const slo = (over: Partial<SloMeasurement> = {}): SloMeasurement => ({
  probe: 'api',
  window: 'during',
  samples: 600,
  good: 599,
  availability: (599 / 600) * 100,
  latency,
  ...over,
});
const load = (over: Partial<LoadReport> = {}): LoadReport => ({
  engine: 'builtin',
  targetRatePerSec: 200,
  achievedRatePerSec: 199.5,
  durationMs: 60_000,
  requests: 1000,
  completed: 1000,
  errors: 12,
  errorRate: 1.2,
  statusCounts: { '200': 988, '503': 12 },
  latency,
  dropped: 0,
  ...over,
});
const none: ResolvedObjectives = { availability: [], latency: [] };
const empty: Measurements = { rto: null, rpo: null, slos: [], load: null };
const only = (results: ReturnType<typeof evaluateObjectives>) => {
  expect(results).toHaveLength(1);
  return results[0];
};

describe('evaluateObjectives: rto', () => {
  const objectives: ResolvedObjectives = { ...none, rto: { probe: 'fleet', maxMs: 30_000, stableForMs: 5000 } };

  it('passes a recovery within the bound', () => {
    expect(only(evaluateObjectives(objectives, { ...empty, rto: rto() }))).toEqual({
      name: 'rto',
      target: '<= 30s',
      actual: '6.42s ± 100ms',
      pass: true,
      targetValue: 30_000,
      actualValue: 6420,
      unit: 'ms',
    });
  });

  it('fails a recovery over the bound and passes one exactly at it', () => {
    expect(only(evaluateObjectives(objectives, { ...empty, rto: rto({ ms: 30_001 }) }))?.pass).toBe(false);
    expect(only(evaluateObjectives(objectives, { ...empty, rto: rto({ ms: 30_000 }) }))?.pass).toBe(true);
  });

  it('fails when not recovered, saying how long it watched', () => {
    const r = only(evaluateObjectives(objectives, { ...empty, rto: rto({ status: 'not-recovered', ms: null }) }));
    expect(r).toMatchObject({ actual: 'not recovered within 2m 00s', pass: false, actualValue: null });
  });

  it('passes no impact as 0s', () => {
    const r = only(evaluateObjectives(objectives, { ...empty, rto: rto({ status: 'no-impact', ms: 0 }) }));
    expect(r).toMatchObject({ actual: 'no impact (0s)', pass: true, actualValue: 0 });
  });

  it('fails when not measured, with the reason', () => {
    expect(only(evaluateObjectives(objectives, empty))).toMatchObject({
      actual: 'not measured: no fault was injected',
      pass: false,
      actualValue: null,
    });
    const why = { ...empty, notMeasured: { rto: 'the run aborted before the fault' } };
    expect(only(evaluateObjectives(objectives, why))?.actual).toBe('not measured: the run aborted before the fault');
  });
});

describe('evaluateObjectives: rpo', () => {
  const objectives: ResolvedObjectives = { ...none, rpo: { maxMs: 0, maxLostWrites: 0 } };

  it('passes 0 s and no lost writes', () => {
    expect(evaluateObjectives(objectives, { ...empty, rpo: rpo() })).toEqual([
      { name: 'rpo', target: '<= 0s', actual: '0s', pass: true, targetValue: 0, actualValue: 0, unit: 's' },
      {
        name: 'rpo lost writes',
        target: '<= 0',
        actual: '0 of 100 acknowledged',
        pass: true,
        targetValue: 0,
        actualValue: 0,
        unit: 'count',
      },
    ]);
  });

  it('fails data loss', () => {
    const [r, lw] = evaluateObjectives(objectives, { ...empty, rpo: rpo({ seconds: 1.5, lostWrites: 15 }) });
    expect(r).toMatchObject({ actual: '1.50s', pass: false, actualValue: 1.5 });
    expect(lw).toMatchObject({ actual: '15 of 100 acknowledged', pass: false, actualValue: 15 });
  });

  it('omits lost writes when no bound is set and compares seconds with the bound', () => {
    const r = evaluateObjectives({ ...none, rpo: { maxMs: 900_000 } }, { ...empty, rpo: rpo({ seconds: 12.3 }) });
    expect(r).toEqual([
      { name: 'rpo', target: '<= 15m', actual: '12.3s', pass: true, targetValue: 900, actualValue: 12.3, unit: 's' },
    ]);
  });

  it('fails both when no markers were configured', () => {
    const r = evaluateObjectives(objectives, empty);
    expect(r.map((x) => [x.name, x.actual, x.pass])).toEqual([
      ['rpo', 'not measured: no markers configured', false],
      ['rpo lost writes', 'not measured: no markers configured', false],
    ]);
  });

  it('fails when no marker was acknowledged before the fault, or none of them survived', () => {
    const before = evaluateObjectives(objectives, {
      ...empty,
      rpo: rpo({ newestAcknowledgedBeforeFaultAt: null, newestSurvivingAt: null }),
    })[0];
    expect(before).toMatchObject({ actual: 'not measured: no marker was acknowledged before the fault', pass: false });
    const lost = evaluateObjectives(
      { ...none, rpo: { maxMs: 60_000 } },
      { ...empty, rpo: rpo({ seconds: 4.9, newestSurvivingAt: null }) },
    )[0];
    expect(lost).toMatchObject({ actual: '>= 4.90s (no marker written before the fault survived)', pass: false });
  });
});

describe('evaluateObjectives: availability and latency', () => {
  const objectives: ResolvedObjectives = {
    availability: [{ probe: 'api', window: 'during', min: 99.5 }],
    latency: [{ probe: 'api', window: 'during', percentiles: { p99: 500, p95: 120 } }],
  };

  it('checks availability and one result per percentile, in p50..p99 order', () => {
    const r = evaluateObjectives(objectives, { ...empty, slos: [slo()] });
    expect(r).toEqual([
      {
        name: 'availability(api, during)',
        target: '>= 99.5%',
        actual: '99.833% (599/600 good)',
        pass: true,
        targetValue: 99.5,
        actualValue: (599 / 600) * 100,
        unit: 'percent',
        evidence: {
          samples: 600,
          interval95: { low: 99.062, high: 99.971 },
          conclusive: false,
          note: expect.any(String),
        },
      },
      {
        name: 'latency p95(api, during)',
        target: '<= 120ms',
        actual: '120.1ms',
        pass: false,
        targetValue: 120,
        actualValue: 120.04,
        unit: 'ms',
        evidence: { samples: 100, conclusive: true },
      },
      {
        name: 'latency p99(api, during)',
        target: '<= 500ms',
        actual: '480ms',
        pass: true,
        targetValue: 500,
        actualValue: 480,
        unit: 'ms',
        evidence: { samples: 100, conclusive: true },
      },
    ]);
  });

  it('never shows an availability that reads as meeting a bound it missed', () => {
    const r = evaluateObjectives(objectives, { ...empty, slos: [slo({ availability: 99.4999 })] })[0];
    expect(r).toMatchObject({ actual: '99.499% (599/600 good)', pass: false });
  });

  it('fails objectives whose window has no samples or no measurement', () => {
    const r = evaluateObjectives(objectives, {
      ...empty,
      slos: [slo({ samples: 0, good: 0, availability: null, latency: null })],
    });
    expect(r.map((x) => [x.actual, x.pass])).toEqual([
      ['not measured: no samples from api in the during window', false],
      ['not measured: no samples from api in the during window', false],
      ['not measured: no samples from api in the during window', false],
    ]);
    expect(evaluateObjectives(objectives, empty)[0]?.actual).toBe(
      'not measured: no SLO measurement for api in the during window',
    );
  });

  it('matches SLOs by probe and window', () => {
    const r = evaluateObjectives(objectives, { ...empty, slos: [slo({ window: 'run', availability: 10 })] });
    expect(r[0]?.pass).toBe(false);
  });
});

describe('evaluateObjectives: load', () => {
  const objectives: ResolvedObjectives = { ...none, load: { maxErrorRate: 5, p95Ms: 500, p99Ms: 450 } };

  it('checks error rate, p95 and p99', () => {
    const r = evaluateObjectives(objectives, { ...empty, load: load() });
    expect(r.map((x) => [x.name, x.target, x.actual, x.pass, x.unit])).toEqual([
      ['load error rate', '<= 5%', '1.2% (12/1000)', true, 'percent'],
      ['load p95', '<= 500ms', '120.1ms', true, 'ms'],
      ['load p99', '<= 450ms', '480ms', false, 'ms'],
    ]);
  });

  it('fails when no load ran or nothing completed', () => {
    expect(evaluateObjectives(objectives, empty).map((x) => x.actual)).toEqual([
      'not measured: no load configured',
      'not measured: no load configured',
      'not measured: no load configured',
    ]);
    const r = evaluateObjectives(objectives, { ...empty, load: load({ completed: 0, latency: null }) });
    expect(r.every((x) => x.actual === 'not measured: no load request completed' && !x.pass)).toBe(true);
  });
});

describe('evaluateObjectives: order and verdict', () => {
  it('returns nothing for no objectives', () => {
    expect(evaluateObjectives(none, empty)).toEqual([]);
    expect(allObjectivesPass([])).toBe(true);
  });

  it('orders rto, rpo, availability, latency, load', () => {
    const objectives: ResolvedObjectives = {
      rto: { probe: 'fleet', maxMs: 60_000, stableForMs: 5000 },
      rpo: { maxMs: 0 },
      availability: [{ probe: 'api', window: 'during', min: 99 }],
      latency: [{ probe: 'api', window: 'during', percentiles: { p50: 100 } }],
      load: { maxErrorRate: 5 },
    };
    const r = evaluateObjectives(objectives, { rto: rto(), rpo: rpo(), slos: [slo()], load: load() });
    expect(r.map((x) => x.name)).toEqual([
      'rto',
      'rpo',
      'availability(api, during)',
      'latency p50(api, during)',
      'load error rate',
    ]);
    expect(allObjectivesPass(r)).toBe(true);
    expect(allObjectivesPass([...r, { ...r[0]!, pass: false }])).toBe(false);
  });
});

describe('formatLatencyMs', () => {
  it('rounds up at 0.1 ms and switches to seconds', () => {
    expect(formatLatencyMs(500)).toBe('500ms');
    expect(formatLatencyMs(500.01)).toBe('500.1ms');
    expect(formatLatencyMs(0.04)).toBe('0.1ms');
    expect(formatLatencyMs(1234.5)).toBe('1.235s');
  });
});
