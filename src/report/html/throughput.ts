// Load over time from load.ndjson's 100 ms buckets: requests and errors per second (1 s sliding window)
// and, when the buckets carry them, the load's latency percentiles.

import { formatPercent, trimNumber } from '../../measure/format.js';
import type { Report } from '../types.js';
import type { PagePayload } from './data.js';
import { esc } from './escape.js';
import { loadWindowsTable } from './load.js';

function totals(report: Report): string {
  const l = report.load;
  if (!l) return '';
  return `<p class="caption">${esc(l.engine)} load: ${esc(trimNumber(l.achievedRatePerSec, 1))}/s${l.targetRatePerSec === null ? '' : ` of ${esc(trimNumber(l.targetRatePerSec, 1))}/s`}, ${l.requests} requests, ${l.errors} errors (${esc(formatPercent(l.errorRate, 'up'))}), ${l.dropped} dropped.</p>`;
}

/** The throughput section: charts when load.ndjson exists, the totals from report.json always. */
export function throughputSection(report: Report, payload: PagePayload): string {
  const load = payload.load;
  if (!load && !report.load) return '';
  if (!load) {
    return `<section id="throughput"><h2>Throughput</h2>${totals(report)}<p class="caption">This run directory has no load.ndjson, so the load cannot be drawn over time.</p>${loadWindowsTable(report)}</section>`;
  }
  const requests = load.n.reduce((a, b) => a + b, 0);
  const latency = load.p95 || load.p50 || load.p99;
  return `<section id="throughput"><h2>Throughput</h2>${totals(report)}
<div class="chart" data-chart="throughput" data-expected-buckets="${load.buckets}" data-expected-requests="${requests}"></div>
${latency ? '<h3>Load latency</h3><div class="chart" data-chart="load-latency"></div>' : ''}${loadWindowsTable(report)}</section>`;
}

export const THROUGHPUT_CLIENT = String.raw`
GD.loadColumns = function (load) {
  var t = GD.undelta(load.t), xs = new Array(t.length);
  for (var i = 0; i < t.length; i++) xs[i] = t[i] / 1000;
  return xs;
};
GD.charts.throughput = function (el, data) {
  var load = data.load, xs = GD.loadColumns(load), per = Math.max(1, Math.round(1000 / load.bucketMs));
  var rps = new Array(xs.length), eps = new Array(xs.length), sumN = 0, sumE = 0, total = 0;
  for (var i = 0; i < xs.length; i++) {
    sumN += load.n[i]; sumE += load.errors[i]; total += load.n[i];
    if (i >= per) { sumN -= load.n[i - per]; sumE -= load.errors[i - per]; }
    var span = Math.min(i + 1, per) * load.bucketMs / 1000;
    rps[i] = sumN / span; eps[i] = sumE / span;
  }
  el.setAttribute('data-buckets', String(xs.length));
  el.setAttribute('data-requests', String(total));
  return GD.timeChart(el, 220, 'per second', [{}, { label: 'requests/s', stroke: GD.css('--s1'), width: 1 },
      { label: 'errors/s', stroke: GD.css('--fail'), fill: GD.css('--fail-fill'), width: 1 }], [xs, rps, eps]);
};
GD.charts['load-latency'] = function (el, data) {
  var load = data.load, xs = GD.loadColumns(load), series = [{}], cols = [xs];
  [['p50', '--s2'], ['p95', '--s1'], ['p99', '--s3']].forEach(function (k) {
    if (!load[k[0]]) return;
    cols.push(load[k[0]]);
    series.push({ label: k[0] + ' ms', stroke: GD.css(k[1]), width: 1, spanGaps: true });
  });
  el.setAttribute('data-series', String(series.length - 1));
  return GD.timeChart(el, 220, 'ms', series, cols);
};
`;
