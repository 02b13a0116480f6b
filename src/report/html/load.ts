// The load in numbers: requests, errors and latency per window (what load objectives were judged on) and,
// for k6 runs, how k6 ended, its thresholds with k6's own verdict, and its metrics per window.

import { formatPercent, trimNumber } from '../../measure/format.js';
import type { K6Report, LatencySummary, Report } from '../types.js';
import { esc } from './escape.js';

const ms = (v: number | undefined): string => (v === undefined ? '—' : `${trimNumber(v, 1)} ms`);

function latencyCells(l: LatencySummary | null | undefined): string {
  return [l?.p50, l?.p95, l?.p99, l?.max].map((v) => `<td class="num">${ms(v)}</td>`).join('');
}

/** The load per window, or '' when the run measured none. */
export function loadWindowsTable(r: Report): string {
  const w = r.measurements.load;
  if (!w || w.length === 0) return '';
  const rows = w
    .map(
      (x) =>
        `<tr data-window="${esc(x.window)}"><td>${esc(x.window)}</td><td class="num">${x.requests}</td><td class="num">${x.errors}</td><td class="num">${x.errorRate === null ? '—' : esc(formatPercent(x.errorRate, 'up'))}</td>${latencyCells(x.latency)}</tr>`,
    )
    .join('');
  return `<h3>Load per window</h3>
<table class="load-windows"><thead><tr><th>Window</th><th>Requests</th><th>Errors</th><th>Error rate</th><th>p50</th><th>p95</th><th>p99</th><th>Max</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function metricValue(m: K6Report['metrics'][number]): string {
  if (m.value === null) return '—';
  return m.type === 'rate' ? formatPercent(m.value) : trimNumber(m.value, 3);
}

/** k6's run: script, how it ended, thresholds and metrics; '' for runs without k6. */
export function k6Section(r: Report): string {
  const k = r.load?.k6;
  if (!k) return '';
  const thresholds =
    k.thresholds.length === 0
      ? '<p class="caption">The script defines no thresholds.</p>'
      : `<table class="k6-thresholds"><thead><tr><th>Metric</th><th>Threshold</th><th>Value</th><th>k6 verdict</th></tr></thead><tbody>${k.thresholds
          .map(
            (t) =>
              `<tr class="${t.ok ? 'pass' : 'fail'}"><td><code>${esc(t.metric)}</code></td><td><code>${esc(t.expression)}</code></td><td class="num">${t.value === null ? '—' : esc(trimNumber(t.value, 3))}</td><td><span class="badge ${t.ok ? 'pass' : 'fail'}">${t.ok ? 'PASS' : 'FAIL'}</span></td></tr>`,
          )
          .join('')}</tbody></table>`;
  const metrics =
    k.metrics.length === 0
      ? ''
      : `<h3>k6 metrics per window</h3><table class="k6-metrics"><thead><tr><th>Metric</th><th>Type</th><th>Window</th><th>Samples</th><th>Value</th><th>p95</th></tr></thead><tbody>${k.metrics
          .map(
            (m) =>
              `<tr><td><code>${esc(m.metric)}</code></td><td>${esc(m.type)}</td><td>${esc(m.window)}</td><td class="num">${m.count}</td><td class="num">${esc(metricValue(m))}</td><td class="num">${ms(m.latency?.p95)}</td></tr>`,
          )
          .join('')}</tbody></table>`;
  const ended = `${k.status}${k.exitCode === null ? '' : ` (exit ${k.exitCode})`}`;
  return `<section id="k6"><h2>k6</h2>
<p class="facts">script <code>${esc(k.script)}</code> · k6 ${esc(k.version ?? 'unknown')} · ended ${esc(ended)} · ${k.linesRead} output lines read</p>
<h3>Thresholds</h3>${thresholds}${metrics}</section>`;
}
