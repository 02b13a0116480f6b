import { describe, expect, it } from 'vitest';
import type { ErrorBudgetMeasurement, LoadReport } from '../report/types.js';
import { evaluateObjectives, type Measurements } from './objectives.js';

const none: Measurements = { rto: null, rpo: null, slos: [], load: null };
const k6Load = (thresholds: NonNullable<LoadReport['k6']>['thresholds'], status = 'thresholds-failed'): LoadReport => ({
  engine: 'k6',
  targetRatePerSec: null,
  achievedRatePerSec: 40,
  durationMs: 10_000,
  requests: 400,
  completed: 400,
  errors: 40,
  errorRate: 10,
  statusCounts: { '200': 360, '503': 40 },
  latency: { count: 400, min: 1, mean: 5, p50: 4, p90: 9, p95: 12, p99: 30, max: 80 },
  dropped: 0,
  k6: {
    version: '1.1.0',
    script: '/s.js',
    exitCode: 99,
    status: status as 'thresholds-failed',
    thresholds,
    metrics: [],
    linesRead: 100,
  },
});

describe('objectives from k6, Prometheus and error budgets', () => {
  it("makes one objective per k6 threshold with k6's verdict", () => {
    const r = evaluateObjectives(
      { availability: [], latency: [] },
      {
        ...none,
        load: k6Load([
          { metric: 'http_req_duration', expression: 'p(95)<500', ok: true, value: 12 },
          { metric: 'http_req_failed', expression: 'rate<0.05', ok: false, value: 0.1 },
        ]),
      },
    );
    expect(r).toEqual([
      {
        name: 'k6 threshold http_req_duration',
        target: 'p(95)<500',
        actual: 'held (12)',
        pass: true,
        targetValue: 500,
        actualValue: 12,
        unit: 'ms',
      },
      {
        name: 'k6 threshold http_req_failed',
        target: 'rate<0.05',
        actual: 'crossed (0.1)',
        pass: false,
        targetValue: 0.05,
        actualValue: 0.1,
        unit: 'ratio',
      },
    ]);
  });

  it('says a threshold was not judged when k6 did not finish', () => {
    const r = evaluateObjectives(
      { availability: [], latency: [] },
      { ...none, load: k6Load([{ metric: 'checks', expression: 'rate>0.9', ok: false, value: null }], 'failed') },
    );
    expect(r[0]).toMatchObject({ actual: 'not judged: k6 did not finish', pass: false });
  });

  it("judges load objectives on their window's requests", () => {
    const r = evaluateObjectives(
      { availability: [], latency: [], load: { window: 'during', maxErrorRate: 5, p95Ms: 100 } },
      {
        ...none,
        load: k6Load([]),
        loadWindows: [
          {
            window: 'during',
            requests: 20,
            errors: 4,
            errorRate: 20,
            latency: { count: 16, min: 1, mean: 50, p50: 40, p90: 90, p95: 150, p99: 150, max: 150 },
          },
        ],
      },
    );
    expect(r).toMatchObject([
      {
        name: 'load error rate (during)',
        actual: '20% (4/20)',
        pass: false,
        evidence: { samples: 20, conclusive: true },
      },
      {
        name: 'load p95 (during)',
        pass: false,
        evidence: {
          samples: 16,
          conclusive: false,
          note: 'p95 of 16 samples is their maximum, not a p95 (it needs at least 20)',
        },
      },
    ]);
  });

  it('bounds every point of a PromQL range query', () => {
    const promql = [
      { prometheus: { url: 'http://p' }, query: 'errors', window: 'during' as const, max: 0.05, stepMs: 1000 },
      { prometheus: { url: 'http://p' }, query: 'up', window: 'run' as const, min: 1, stepMs: 1000 },
      { prometheus: { url: 'http://p' }, query: 'gone', window: 'after' as const, max: 1, stepMs: 1000 },
    ];
    const r = evaluateObjectives(
      { availability: [], latency: [], promql },
      {
        ...none,
        promql: [
          { query: 'errors', window: 'during', points: 10, min: 0, max: 0.2, stepMs: 1000 },
          { query: 'up', window: 'run', points: 30, min: 1, max: 1, stepMs: 1000 },
          null,
        ],
        notMeasured: { promql: 'Cannot reach Prometheus at http://p.' },
      },
    );
    expect(r.map((x) => [x.name, x.pass, x.actual])).toEqual([
      ['promql(during) errors', false, 'max 0.2 over 10 points (range 0–0.2)'],
      ['promql(run) up', true, 'min 1 over 30 points (range 1–1)'],
      ['promql(after) gone', false, 'not measured: Cannot reach Prometheus at http://p.'],
    ]);
  });

  it('fails a run that burns more of the error budget than allowed', () => {
    const budget: ErrorBudgetMeasurement = {
      slo: 'api',
      objective: 99.9,
      periodMs: 30 * 86_400_000,
      sli: 'probe api',
      budgetMs: 2_592_000,
      badMs: 64_800,
      observedMs: 600_000,
      events: null,
      consumedPercent: 2.5,
      burnRate: { run: 108, during: 1000 },
    };
    const r = evaluateObjectives(
      {
        availability: [],
        latency: [],
        errorBudget: [
          { slo: 'api', maxBurn: 2 },
          { slo: 'other', maxBurn: 1 },
        ],
      },
      { ...none, errorBudgets: [budget] },
    );
    expect(r).toMatchObject([
      { name: 'error budget(api)', target: '<= 2% of the budget', actual: '2.5% (1m 04s bad of 43m 12s)', pass: false },
      { name: 'error budget(other)', actual: 'not measured: nothing was observed', pass: false },
    ]);
  });
});
