// What the charts draw, computed without a browser: lanes, delta-encoded times, fallbacks, escaping; the
// load in numbers (per window, k6 thresholds with k6's verdict) and the caveat of too few samples.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LoadReport, Report } from '../types.js';
import { pagePayload } from './data.js';
import { errorBudgetSection } from './error-budget.js';
import { addSample, readEvidence, type ProbeSamples, type RunEvidence } from './evidence.js';
import { k6Section, loadWindowsTable } from './load.js';
import { renderReportHtml } from './report-page.js';
import { restoreSection } from './restore.js';

const dir = mkdtempSync(join(tmpdir(), 'gameday-html-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function report(over: Partial<Report> = {}): Report {
  return {
    schemaVersion: 1,
    scenario: 's',
    runId: 'r1',
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:02.000Z',
    verdict: 'pass',
    measurements: { rto: null, rpo: null, slos: [] },
    objectives: [],
    timeline: [],
    probes: [{ name: 'api', kind: 'http', intervalMs: 100, samples: 5, failures: 2, transitions: [] }],
    load: null,
    rollback: { complete: true, undone: 0, failed: [] },
    ...over,
  };
}

function evidenceOf(samples: Array<[number, boolean, number, string?]>): RunEvidence {
  const byProbe = new Map<string, ProbeSamples>();
  for (const [t, ok, ms, d] of samples) addSample(byProbe, { p: 'api', t, ok, ms, ...(d ? { d } : {}) });
  return { samples: byProbe, load: null, skipped: 0 };
}

describe('pagePayload', () => {
  it('turns samples into lane segments, delta-encoded times and healthy/failing run lengths', () => {
    const ev = evidenceOf([
      [0, true, 3.14],
      [100, true, 4],
      [200, false, 1, '503'],
      [300, false, 1, '502'],
      [400, true, 5],
    ]);
    const p = pagePayload(report(), ev).probes[0];
    expect(p?.source).toBe('samples');
    expect(p?.samples).toBe(5);
    expect(p?.failures).toBe(2);
    expect(p?.t).toEqual([0, 100, 100, 100, 100]);
    expect(p?.ms).toEqual([3.1, 4, 1, 1, 5]);
    expect(p?.okRuns).toEqual([2, 2, 1]);
    expect(p?.segments).toEqual([
      [0, 200, 1, -1],
      [200, 400, 0, 0],
      [400, 500, 1, -1],
    ]);
    expect(pagePayload(report(), ev).details).toEqual(['503']);
  });

  it('starts the run lengths with an empty healthy run when the first sample fails', () => {
    const p = pagePayload(
      report(),
      evidenceOf([
        [0, false, 1],
        [100, true, 1],
      ]),
    ).probes[0];
    expect(p?.okRuns).toEqual([0, 1, 1]);
  });

  it('draws older runs from report.json transitions, placed by their wall time', () => {
    const r = report({
      probes: [
        {
          name: 'fleet',
          kind: 'sandbox',
          intervalMs: 100,
          samples: 20,
          failures: 5,
          // `t` here is on another clock; `at` is what places a transition on the run's timeline.
          transitions: [
            { t: 90_000, at: '2026-01-01T00:00:00.100Z', ok: true },
            { t: 90_500, at: '2026-01-01T00:00:00.600Z', ok: false, detail: '4/6 ready' },
            { t: 91_000, at: '2026-01-01T00:00:01.100Z', ok: true },
          ],
        },
      ],
    });
    const p = pagePayload(r, { samples: null, load: null, skipped: 0 }).probes[0];
    expect(p?.source).toBe('report');
    expect(p?.samples).toBe(20);
    expect(p?.t).toBeUndefined();
    expect(p?.segments).toEqual([
      [100, 600, 1, -1],
      [600, 1100, 0, 0],
      [1100, 2000, 1, -1],
    ]);
  });

  it('marks t0, detection, recovery with its band, faults, steps and notes', () => {
    const r = report({
      measurements: {
        rto: {
          probe: 'api',
          status: 'recovered',
          ms: 900,
          errorBoundMs: 50,
          stableForMs: 1000,
          detectMs: 10,
          faultAt: '2026-01-01T00:00:00.500Z',
          impactAt: '2026-01-01T00:00:00.510Z',
          recoveredAt: '2026-01-01T00:00:01.400Z',
          lastFailingAt: '2026-01-01T00:00:01.350Z',
          firstHealthyAt: '2026-01-01T00:00:01.450Z',
          lastFailingMs: 850,
          firstHealthyMs: 950,
          observedMs: 1500,
        },
        rpo: null,
        slos: [],
      },
      timeline: [
        { t: 490, at: '', kind: 'step-start', message: 'step 1 pod-kill #1 started' },
        { t: 500, at: '', kind: 'fault-injected', message: 'fault injected: killed 2' },
        { t: 520, at: '', kind: 'step-end', message: 'step 1 pod-kill #1 FAILED: boom' },
        { t: 700, at: '', kind: 'note', message: 'we see errors' },
      ],
    });
    const m = pagePayload(r, { samples: null, load: null, skipped: 0 }).marks;
    expect(m).toMatchObject({ t0: 500, detect: 510, recovered: 1400, band: [1350, 1450] });
    expect(m.faults).toEqual([{ t: 500, label: 'fault injected: killed 2' }]);
    expect(m.steps).toEqual([{ name: '1 pod-kill #1', start: 490, end: 520, status: 'failed' }]);
    expect(m.notes).toEqual([{ t: 700, kind: 'note', label: 'we see errors' }]);
  });
});

describe('readEvidence', () => {
  it('reads both files, skips malformed lines, orders samples by time', async () => {
    const run = join(dir, 'run');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(run, { recursive: true });
    writeFileSync(
      join(run, 'samples.ndjson'),
      [
        '{"p":"api","t":200,"ok":false,"ms":1,"d":"503"}',
        '{"p":"api","t":100,"ok":true,"ms":2}',
        'not json',
        '{"p":"db","t":150,"ok":true,"ms":3}',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(run, 'load.ndjson'),
      '{"t":100,"n":5,"errors":1,"p95":12}\n{"t":0,"n":4,"errors":0}\n{"t":"x"}\n',
    );
    const ev = await readEvidence(run);
    expect(ev.skipped).toBe(2);
    expect(ev.samples?.get('api')?.t).toEqual([100, 200]);
    expect(ev.samples?.get('api')?.details.get(1)).toBe('503');
    expect(ev.load?.map((b) => b.t)).toEqual([0, 100]);
    expect(ev.load?.[1]?.p95).toBe(12);
    expect(await readEvidence(join(dir, 'none'))).toEqual({ samples: null, load: null, skipped: 0 });
  });
});

describe('renderReportHtml', () => {
  it('is self-contained and keeps text from closing its script or tags', () => {
    const r = report({
      scenario: '<img src=x onerror=alert(1)>',
      timeline: [{ t: 1, at: '', kind: 'note', message: '</script><script>alert(1)</script>' }],
    });
    const html = renderReportHtml(r);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    expect(html).not.toContain('<img src=x');
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html).toContain('uPlot');
  });

  it('draws a drill’s restore phases from its timeline', () => {
    const restore = {
      source: {
        kind: 'sandbox',
        name: null,
        location: null,
        createdAt: null,
        ageSeconds: 0,
        bytes: 1,
        format: null,
        backupMs: null,
        fetchMs: 5,
      },
      target: 'scratch-server',
      startedAt: '2026-01-01T00:00:01.000Z',
      durationMs: 900,
      toolMs: 800,
      jobs: 2,
      databaseBytes: 1,
      validations: { passed: 1, total: 1 },
      cleanupComplete: true,
    } as const;
    const r = report({
      measurements: { rto: null, rpo: null, slos: [], restore: { ...restore, source: { ...restore.source } } },
      timeline: [
        { t: 100, at: '', kind: 'drill', message: 'fetch start: fetching x' },
        { t: 300, at: '', kind: 'drill', message: 'fetch done: 10 bytes' },
        { t: 400, at: '', kind: 'drill', message: 'restore start: restoring with pg_restore -j 2' },
        { t: 1300, at: '', kind: 'drill', message: 'restore done: restored in 900 ms' },
      ],
    });
    const svg = restoreSection(r);
    expect(svg).toContain('data-gantt="restore" data-bars="2"');
    expect(svg).toMatch(/<text class="label"[^>]*>fetch<\/text>/);
    expect(svg).toMatch(/<text class="label"[^>]*>restore<\/text>/);
  });

  it('has an error-budget section only when the report carries error budgets', () => {
    expect(errorBudgetSection(report())).toBe('');
    const withBudget = report();
    withBudget.measurements.errorBudgets = [
      {
        slo: 'avail',
        objective: 99.9,
        periodMs: 30 * 86_400_000,
        sli: 'probe api',
        budgetMs: 2_592_000,
        badMs: 64_800,
        observedMs: 600_000,
        events: null,
        consumedPercent: 2.5,
        burnRate: { run: 108, during: 4 },
      },
    ];
    const html = errorBudgetSection(withBudget);
    expect(html).toContain('<td>avail</td><td>99.9%</td><td>30d</td><td class="num">1m 04s bad</td>');
    expect(html).toContain('2.5%');
    expect(html).toContain('4×');
  });
});

const k6Load: LoadReport = {
  engine: 'k6',
  targetRatePerSec: null,
  achievedRatePerSec: 40,
  durationMs: 10_000,
  requests: 400,
  completed: 400,
  errors: 12,
  errorRate: 3,
  statusCounts: { 200: 388, 503: 12 },
  latency: null,
  dropped: 0,
  k6: {
    version: '1.1.0',
    script: 'k6/connectkit.js',
    exitCode: 99,
    status: 'thresholds-failed',
    thresholds: [
      { metric: 'http_req_duration', expression: 'p(95)<500', ok: true, value: 42.5 },
      { metric: 'http_req_failed', expression: 'rate<0.01', ok: false, value: 0.03 },
    ],
    metrics: [
      {
        metric: 'http_req_duration',
        type: 'trend',
        window: 'during',
        count: 120,
        value: 30,
        latency: { count: 120, min: 1, mean: 30, p50: 20, p90: 60, p95: 80.25, p99: 120, max: 200 },
      },
      { metric: 'http_req_failed', type: 'rate', window: 'during', count: 120, value: 10 },
    ],
    linesRead: 1234,
  },
};

describe('report.html load sections', () => {
  it('shows k6 thresholds with k6 verdicts, how k6 ended, and its metrics per window', () => {
    const html = k6Section(report({ load: k6Load }));
    expect(html).toContain('<section id="k6">');
    expect(html).toContain('ended thresholds-failed (exit 99)');
    expect(html).toMatch(
      /<tr class="pass"><td><code>http_req_duration<\/code><\/td><td><code>p\(95\)&lt;500<\/code><\/td><td class="num">42\.5<\/td><td><span class="badge pass">PASS/,
    );
    expect(html).toMatch(/<tr class="fail"><td><code>http_req_failed<\/code><\/td><td><code>rate&lt;0\.01<\/code>/);
    expect(html).toContain('<td class="num">80.3 ms</td>');
    expect(html).toContain('<td class="num">10%</td>');
    expect(k6Section(report({ load: { ...k6Load, k6: undefined } as LoadReport }))).toBe('');
  });

  it('tables the load per window inside the throughput section, k6 or built-in', () => {
    const r = report({
      load: k6Load,
      measurements: {
        rto: null,
        rpo: null,
        slos: [],
        load: [
          { window: 'before', requests: 100, errors: 0, errorRate: 0, latency: null },
          {
            window: 'during',
            requests: 120,
            errors: 12,
            errorRate: 10,
            latency: { count: 120, min: 1, mean: 30, p50: 20, p90: 60, p95: 80, p99: 120, max: 200 },
          },
        ],
      },
    });
    expect(loadWindowsTable(r)).toContain(
      '<tr data-window="during"><td>during</td><td class="num">120</td><td class="num">12</td><td class="num">10%</td><td class="num">20 ms</td>',
    );
    const page = renderReportHtml(r);
    expect(page).toMatch(/<section id="throughput">[\s\S]*k6 load: 40\/s, 400 requests[\s\S]*Load per window/);
    expect(page).toContain('<section id="k6">');
    expect(loadWindowsTable(report())).toBe('');
  });

  it('says under an objective when its samples are too few to tell', () => {
    const page = renderReportHtml(
      report({
        objectives: [
          {
            name: 'latency p99(api)',
            target: '< 500ms',
            actual: '40ms',
            pass: true,
            targetValue: 500,
            actualValue: 40,
            unit: 'ms',
            evidence: { samples: 16, conclusive: false, note: 'p99 of 16 samples is their maximum, not a p99' },
          },
        ],
      }),
    );
    expect(page).toContain(
      '40ms<div class="caveat">too few samples: p99 of 16 samples is their maximum, not a p99</div>',
    );
  });
});
