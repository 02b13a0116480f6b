// The page's shared script (plain browser JavaScript, inlined after uPlot): decodes the embedded data, keeps
// the registry of chart renderers that each section adds, draws every [data-chart] element and records
// on <body> that rendering finished (data-rendered; data-render-ms: the scripts' own time; data-ready-ms: since navigation) for people's tools and for tests.

export const CLIENT_PRELUDE = String.raw`
var GD = (function () {
  var t0 = performance.now();
  var node = document.getElementById('gameday-data');
  var data = node ? JSON.parse(node.textContent) : {};
  function undelta(a) {
    var out = new Array(a.length), acc = 0;
    for (var i = 0; i < a.length; i++) { acc += a[i]; out[i] = acc; }
    return out;
  }
  function pad(n, w) { n = String(n); while (n.length < w) n = '0' + n; return n; }
  function offset(ms) {
    var sign = ms < 0 ? '-' : '+', a = Math.round(Math.abs(ms));
    var h = Math.floor(a / 3600000), m = Math.floor((a % 3600000) / 60000), s = Math.floor((a % 60000) / 1000);
    return h > 0 ? sign + h + ':' + pad(m, 2) + ':' + pad(s, 2) : sign + m + ':' + pad(s, 2) + '.' + pad(a % 1000, 3);
  }
  function axisOffset(sec) {
    var a = Math.round(Math.abs(sec)), h = Math.floor(a / 3600), m = Math.floor((a % 3600) / 60), s = a % 60;
    return (sec < 0 ? '-' : '') + (h > 0 ? h + ':' + pad(m, 2) + ':' + pad(s, 2) : m + ':' + pad(s, 2));
  }
  function css(name) { return getComputedStyle(document.body).getPropertyValue(name).trim() || '#888'; }
  // Vertical marks shared by every time chart: t0, detection, the recovery band and recovery.
  function marksPlugin() {
    var mk = data.marks || {};
    return { hooks: { draw: [function (u) {
      var ctx = u.ctx, top = u.bbox.top, h = u.bbox.height;
      function line(ms, color, dash) {
        if (ms === null || ms === undefined) return;
        var x = u.valToPos(ms / 1000, 'x', true);
        ctx.save(); ctx.strokeStyle = color; ctx.lineWidth = 2 * devicePixelRatio;
        ctx.setLineDash(dash || []); ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + h); ctx.stroke(); ctx.restore();
      }
      if (mk.band) {
        var a = u.valToPos(mk.band[0] / 1000, 'x', true), b = u.valToPos(mk.band[1] / 1000, 'x', true);
        ctx.save(); ctx.fillStyle = css('--band'); ctx.fillRect(a, top, Math.max(2, b - a), h); ctx.restore();
      }
      (mk.faults || []).forEach(function (f) { line(f.t, css('--fault'), [4, 3]); });
      line(mk.t0, css('--t0'));
      line(mk.detect, css('--detect'), [2, 3]);
      line(mk.recovered, css('--recovered'));
    }] } };
  }
  function width(el) { return Math.max(320, (el.clientWidth || 900) - 4); }
  // A chart over run time (x: seconds since the start, labelled +m:ss) with the timeline's marks.
  function timeChart(el, height, yLabel, series, columns) {
    return new uPlot({
      width: width(el), height: height,
      scales: { x: { time: false } },
      axes: [{ values: function (u, vals) { return vals.map(axisOffset); } }, { label: yLabel, size: 60 }],
      series: series,
      plugins: [marksPlugin()]
    }, columns, el);
  }
  var charts = {}, plots = [];
  function render() {
    var els = document.querySelectorAll('[data-chart]');
    for (var i = 0; i < els.length; i++) {
      var el = els[i], fn = charts[el.getAttribute('data-chart')];
      if (!fn) continue;
      try {
        var plot = fn(el, data);
        if (plot) plots.push({ el: el, plot: plot });
        el.setAttribute('data-rendered', 'true');
      } catch (e) {
        el.setAttribute('data-rendered', 'error');
        el.textContent = 'This chart could not be drawn: ' + e.message;
        console.error('gameday chart ' + el.getAttribute('data-chart') + ': ' + (e && e.stack || e));
      }
    }
    window.addEventListener('resize', function () {
      plots.forEach(function (p) { p.plot.setSize({ width: width(p.el), height: p.plot.height }); });
    });
    document.body.setAttribute('data-render-ms', String(Math.round(performance.now() - t0)));
    document.body.setAttribute('data-ready-ms', String(Math.round(performance.now())));
    document.body.setAttribute('data-rendered', 'true');
  }
  return { data: data, charts: charts, undelta: undelta, offset: offset, axisOffset: axisOffset,
    css: css, marksPlugin: marksPlugin, width: width, timeChart: timeChart, render: render };
})();
`;

export const CLIENT_START = String.raw`
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', GD.render); else GD.render();
`;
