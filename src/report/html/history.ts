// One page for many runs of a scenario (`gameday history --html` renders through this): a trend chart of
// RTO, p95 and availability, and a table linking each run's own report.html.

import { formatDuration } from '../../util/duration.js';
import { formatPercent, trimNumber } from '../../measure/format.js';
import type { Report } from '../types.js';
import { esc } from './escape.js';
import { page } from './page.js';

export interface RunsPageEntry {
  report: Report;
  /** Link to the run's report.html, relative to where the page is written. */
  href?: string;
}

export interface RunPoint {
  runId: string;
  startedAt: string;
  verdict: string;
  rtoMs: number | null;
  p95Ms: number | null;
  availability: number | null;
  restoreMs: number | null;
}

/** The numbers one run contributes to a trend. */
export function runPoint(r: Report): RunPoint {
  const p95 = r.objectives.find((o) => /p95/.test(o.name) && o.unit === 'ms')?.actualValue ?? null;
  const slo = r.measurements.slos.find((s) => s.window === 'during') ?? r.measurements.slos[0];
  return {
    runId: r.runId,
    startedAt: r.startedAt,
    verdict: r.verdict,
    rtoMs: r.measurements.rto?.status === 'no-impact' ? 0 : (r.measurements.rto?.ms ?? null),
    p95Ms: p95 ?? slo?.latency?.p95 ?? null,
    availability: slo?.availability ?? null,
    restoreMs: r.measurements.restore?.durationMs ?? null,
  };
}

/** A self-contained page for a list of runs (oldest first in the chart, newest first in the table). */
export function renderRunsHtml(entries: readonly RunsPageEntry[], opts: { title?: string } = {}): string {
  const sorted = [...entries].sort((a, b) => Date.parse(a.report.startedAt) - Date.parse(b.report.startedAt));
  const points = sorted.map((e) => runPoint(e.report));
  const scenarios = [...new Set(sorted.map((e) => e.report.scenario))];
  const title = opts.title ?? `History: ${scenarios.join(', ') || 'no runs'}`;
  const cell = (v: number | null, f: (n: number) => string): string => (v === null ? '—' : esc(f(v)));
  const rows = [...sorted]
    .reverse()
    .map((e) => {
      const p = runPoint(e.report);
      const id = e.href ? `<a href="${esc(e.href)}">${esc(p.runId)}</a>` : esc(p.runId);
      return `<tr><td><span class="badge ${esc(p.verdict)}">${esc(p.verdict.toUpperCase())}</span></td><td>${id}</td><td>${esc(e.report.scenario)}</td><td>${esc(p.startedAt)}</td><td class="num">${cell(p.rtoMs, formatDuration)}</td><td class="num">${cell(p.p95Ms, (v) => `${trimNumber(v, 1)} ms`)}</td><td class="num">${cell(p.availability, (v) => formatPercent(v))}</td><td class="num">${cell(p.restoreMs, formatDuration)}</td></tr>`;
    })
    .join('');
  const body = `<header><h1>${esc(title)}</h1><p class="facts">${entries.length} run(s)</p></header>
<section id="trend"><h2>Trend</h2><div class="chart" data-chart="history" data-runs="${points.length}"></div></section>
<section id="runs"><h2>Runs</h2><table class="runs"><thead><tr><th>Verdict</th><th>Run</th><th>Scenario</th><th>Started</th><th>RTO</th><th>p95</th><th>Availability</th><th>Restore</th></tr></thead><tbody>${rows}</tbody></table></section>`;
  return page({ title, body, data: { runs: points }, scripts: [HISTORY_CLIENT] });
}

const HISTORY_CLIENT = String.raw`
GD.charts.history = function (el, data) {
  var runs = data.runs || [];
  el.setAttribute('data-points', String(runs.length));
  if (runs.length === 0) { el.textContent = 'No runs yet.'; return null; }
  var xs = runs.map(function (r) { return Date.parse(r.startedAt) / 1000; });
  var col = function (k, f) { return runs.map(function (r) { return r[k] === null ? null : f(r[k]); }); };
  return new uPlot({
    width: GD.width(el), height: 260,
    scales: { ms: {}, pct: { range: [0, 100] } },
    axes: [{}, { scale: 'ms', label: 'seconds / ms', size: 60 }, { scale: 'pct', side: 1, label: '%', grid: { show: false } }],
    series: [{}, { label: 'RTO s', scale: 'ms', stroke: GD.css('--s1'), width: 2, points: { show: true } },
      { label: 'p95 ms', scale: 'ms', stroke: GD.css('--s3'), width: 2, points: { show: true } },
      { label: 'availability %', scale: 'pct', stroke: GD.css('--s2'), width: 2, points: { show: true } }]
  }, [xs, col('rtoMs', function (v) { return v / 1000; }), col('p95Ms', function (v) { return v; }), col('availability', function (v) { return v; })], el);
};
`;
