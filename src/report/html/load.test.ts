// The load's numbers on report.html: per window, k6's thresholds with k6's verdict, and the caveat of an
// objective judged on too few samples.

import { describe, expect, it } from 'vitest';
import type { LoadReport, Report } from '../types.js';
import { k6Section, loadWindowsTable } from './load.js';
import { renderReportHtml } from './report-page.js';

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

function report(over: Partial<Report> = {}): Report {
  return {
    schemaVersion: 1,
    scenario: 's',
    runId: 'r1',
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:10.000Z',
    verdict: 'fail',
    measurements: { rto: null, rpo: null, slos: [] },
    objectives: [],
    timeline: [],
    probes: [],
    load: null,
    rollback: { complete: true, undone: 0, failed: [] },
    ...over,
  };
}

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
