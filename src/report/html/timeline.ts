// The timeline chart: a health lane per probe (healthy / failing stretches), the steps as a lane, faults,
// t0, detection, recovery with the band where true recovery lies, the RTO, notes and checkpoints.

import { formatDuration } from '../../util/duration.js';
import type { Report } from '../types.js';
import type { PagePayload } from './data.js';
import { esc } from './escape.js';

function rtoCaption(report: Report): string {
  const rto = report.measurements.rto;
  if (!rto) return 'No RTO objective: the lanes show each probe’s health over the run.';
  if (rto.status === 'no-impact') return `RTO (${esc(rto.probe)}): no impact — no failing sample after t0.`;
  if (rto.status === 'not-recovered' || rto.ms === null) {
    return `RTO (${esc(rto.probe)}): not recovered within ${esc(formatDuration(rto.observedMs))}.`;
  }
  return `RTO (${esc(rto.probe)}): ${esc(formatDuration(rto.ms))} ± ${esc(formatDuration(rto.errorBoundMs))}; the shaded band is where true recovery lies.`;
}

/** The timeline section; its chart is drawn by TIMELINE_CLIENT. */
export function timelineSection(report: Report, payload: PagePayload): string {
  if (payload.probes.length === 0 && payload.marks.steps.length === 0 && payload.marks.notes.length === 0) {
    return `<section id="timeline"><h2>Timeline</h2><p class="caption">No probe sampled this run and no step ran; every event is listed below.</p></section>`;
  }
  const counts = Object.fromEntries(payload.probes.map((p) => [p.name, p.samples]));
  const legend = [
    ['ok', 'healthy'],
    ['fail', 'failing'],
    ['t0', 't0 (fault)'],
    ['detect', 'detection'],
    ['recovered', 'recovery'],
    ['band', 'recovery bound'],
    ['note', 'note / checkpoint'],
  ]
    .map(([cls, label]) => `<span class="key ${cls}"></span>${label}`)
    .join(' ');
  return `<section id="timeline"><h2>Timeline</h2>
<p class="caption">${rtoCaption(report)}</p>
<div class="chart" data-chart="timeline" data-expected-samples="${esc(JSON.stringify(counts))}"></div>
<div class="hover" id="timeline-hover">Point at a lane to read it.</div>
<p class="legend">${legend}</p></section>`;
}

export const TIMELINE_CLIENT = String.raw`
GD.charts.timeline = function (el, data) {
  var lanes = data.probes.map(function (p) { return { name: p.name, probe: p }; });
  var steps = data.marks.steps || [];
  if (steps.length) lanes.push({ name: 'steps', steps: steps });
  var n = Math.max(1, lanes.length), dur = Math.max(1, data.durationMs) / 1000;
  var notes = data.marks.notes || [];
  var laneTop = function (i) { return n - i - 0.12; }, laneBottom = function (i) { return n - i - 0.88; };
  var counts = {}, segs = {};
  data.probes.forEach(function (p) {
    counts[p.name] = p.t ? GD.undelta(p.t).length : p.samples;
    segs[p.name] = p.segments.length;
  });
  el.setAttribute('data-lanes', lanes.map(function (l) { return l.name; }).join(','));
  el.setAttribute('data-samples', JSON.stringify(counts));
  el.setAttribute('data-segments', JSON.stringify(segs));
  el.setAttribute('data-notes', String(notes.length));
  function draw(u) {
    var ctx = u.ctx;
    function x(ms) { return u.valToPos(ms / 1000, 'x', true); }
    function y(v) { return u.valToPos(v, 'y', true); }
    lanes.forEach(function (lane, i) {
      var top = y(laneTop(i)), bottom = y(laneBottom(i));
      ctx.fillStyle = GD.css('--lane'); ctx.fillRect(u.bbox.left, top, u.bbox.width, bottom - top);
      if (lane.probe) lane.probe.segments.forEach(function (s) {
        ctx.fillStyle = s[2] ? GD.css('--ok') : GD.css('--fail');
        ctx.fillRect(x(s[0]), top, Math.max(1, x(s[1]) - x(s[0])), bottom - top);
      });
      if (lane.steps) lane.steps.forEach(function (s) {
        ctx.fillStyle = s.status === 'ok' ? GD.css('--step') : GD.css('--fail');
        ctx.fillRect(x(s.start), top, Math.max(2, x(s.end) - x(s.start)), bottom - top);
      });
    });
    var mk = data.marks;
    if (mk.t0 !== null && mk.recovered !== null) {
      var yy = u.bbox.top + 6 * devicePixelRatio, a = x(mk.t0), b = x(mk.recovered);
      ctx.save(); ctx.strokeStyle = GD.css('--recovered'); ctx.lineWidth = 2 * devicePixelRatio;
      ctx.beginPath(); ctx.moveTo(a, yy); ctx.lineTo(b, yy); ctx.stroke();
      ctx.fillStyle = GD.css('--text'); ctx.font = (11 * devicePixelRatio) + 'px sans-serif';
      ctx.fillText('RTO', a + 4, yy + 12 * devicePixelRatio); ctx.restore();
    }
    notes.forEach(function (m, i) {
      var px = x(m.t), py = u.bbox.top + u.bbox.height - 8 * devicePixelRatio, r = 5 * devicePixelRatio;
      ctx.save(); ctx.fillStyle = GD.css('--note'); ctx.beginPath();
      ctx.moveTo(px, py - r); ctx.lineTo(px + r, py); ctx.lineTo(px, py + r); ctx.lineTo(px - r, py); ctx.fill();
      ctx.fillStyle = GD.css('--text'); ctx.font = (10 * devicePixelRatio) + 'px sans-serif';
      ctx.fillText(String(i + 1), px + r + 2, py + 3 * devicePixelRatio); ctx.restore();
    });
  }
  var hover = document.getElementById('timeline-hover');
  function onCursor(u) {
    var left = u.cursor.left, top = u.cursor.top;
    if (left == null || left < 0 || !hover) return;
    var ms = u.posToVal(left, 'x') * 1000, lane = n - 1 - Math.floor(u.posToVal(top, 'y'));
    var l = lanes[lane], text = GD.offset(ms);
    if (l && l.probe) {
      var s = l.probe.segments.find(function (s) { return ms >= s[0] && ms < s[1]; });
      if (s) text += '  ' + l.name + ': ' + (s[2] ? 'healthy' : 'failing') + ' from ' + GD.offset(s[0]) + ' to ' +
        GD.offset(s[1]) + (s[3] >= 0 ? ' — ' + data.details[s[3]] : '');
    } else if (l && l.steps) {
      var st = l.steps.find(function (s) { return ms >= s.start && ms <= s.end; });
      if (st) text += '  step ' + st.name + ' (' + st.status + ') ' + GD.offset(st.start) + ' – ' + GD.offset(st.end);
    }
    hover.textContent = text;
  }
  return new uPlot({
    width: GD.width(el), height: 60 + 38 * n,
    legend: { show: false }, cursor: { y: false, drag: { x: true, y: false } },
    scales: { x: { time: false, range: [0, dur] }, y: { range: [0, n] } },
    axes: [
      { values: function (u, vals) { return vals.map(GD.axisOffset); } },
      { size: 90, splits: function () { return lanes.map(function (_, i) { return n - i - 0.5; }); },
        values: function () { return lanes.map(function (l) { return l.name; }); }, grid: { show: false } }
    ],
    series: [{}, { show: false }],
    plugins: [GD.marksPlugin()],
    hooks: { draw: [draw], setCursor: [onCursor] }
  }, [[0, dur], [null, null]], el);
};
`;
