// Probe latency over time: every sample's latency per probe (failing samples as red points), with the
// timeline's marks. Needs samples.ndjson; older runs have only the SLO table's percentiles.

import type { PagePayload } from './data.js';
import { esc } from './escape.js';

/** The latency section, or a note saying why there is no chart. */
export function latencySection(payload: PagePayload): string {
  const withSamples = payload.probes.filter((p) => p.source === 'samples');
  if (payload.probes.length === 0) return '';
  if (withSamples.length === 0) {
    return `<section id="latency"><h2>Probe latency</h2><p class="caption">This run directory has no samples.ndjson, so per-sample latency cannot be drawn; the SLO table below has the percentiles.</p></section>`;
  }
  const counts = Object.fromEntries(withSamples.map((p) => [p.name, p.samples]));
  return `<section id="latency"><h2>Probe latency</h2>
<p class="caption">Each sample’s latency (ms); red points are failing samples.</p>
<div class="chart" data-chart="latency" data-expected-samples="${esc(JSON.stringify(counts))}"></div></section>`;
}

export const LATENCY_CLIENT = String.raw`
GD.charts.latency = function (el, data) {
  var probes = data.probes.filter(function (p) { return p.t; });
  var palette = ['--s1', '--s2', '--s3', '--s4', '--s5'];
  var tables = [], series = [{}], points = {};
  probes.forEach(function (p, k) {
    var t = GD.undelta(p.t), xs = new Array(t.length), ok = new Array(t.length), bad = new Array(t.length);
    var idx = 0, state = true, left = p.okRuns[0];
    for (var i = 0; i < t.length; i++) {
      while (left === 0 && idx < p.okRuns.length - 1) { idx++; left = p.okRuns[idx]; state = !state; }
      left--;
      xs[i] = t[i] / 1000; ok[i] = state ? p.ms[i] : null; bad[i] = state ? null : p.ms[i];
    }
    points[p.name] = t.length;
    tables.push([xs, ok, bad]);
    series.push({ label: p.name + ' ms', stroke: GD.css(palette[k % palette.length]), width: 1, spanGaps: false,
      points: { show: false } });
    series.push({ label: p.name + ' failing', stroke: GD.css('--fail'), fill: GD.css('--fail'), paths: function () { return null; },
      points: { show: true, size: 4, fill: GD.css('--fail') } });
  });
  el.setAttribute('data-points', JSON.stringify(points));
  var joined = tables.length === 1 ? tables[0] : uPlot.join(tables);
  return GD.timeChart(el, 260, 'ms', series, joined);
};
`;
