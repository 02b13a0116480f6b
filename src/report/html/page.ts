// The page shell every HTML report shares: styles, the inlined charting library, the embedded data and
// the scripts. One file, no network: it opens from disk, from a CI artifact, offline.

import { chartAssets } from './assets.js';
import { CLIENT_PRELUDE, CLIENT_START } from './client.js';
import { esc, scriptJson, scriptText } from './escape.js';

const STYLE = `
:root { --text:#1d2330; --muted:#5b6475; --line:#dde1e8; --lane:#eef0f4; --ok:#3aa366; --fail:#d64545;
  --fail-fill:rgba(214,69,69,.25); --t0:#1d2330; --detect:#e08a1e; --recovered:#2f6fd6; --band:rgba(47,111,214,.18);
  --fault:#a33a3a; --note:#8a4bd6; --step:#7f8ca3; --s1:#2f6fd6; --s2:#3aa366; --s3:#e08a1e; --s4:#8a4bd6; --s5:#5b6475; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--text); margin: 0 auto; padding: 16px 24px 48px; max-width: 1120px; }
h1 { font-size: 22px; margin: 8px 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 14px; margin: 16px 0 6px; }
.facts, .caption, .legend, .hover, footer { color: var(--muted); }
.hover { min-height: 1.5em; font-family: ui-monospace, monospace; font-size: 12px; }
code { font-family: ui-monospace, monospace; font-size: 12px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 4px; font-weight: 700; font-size: 12px; color: #fff; background: var(--muted); }
.badge.pass { background: var(--ok); } .badge.fail, .badge.error { background: var(--fail); } .badge.aborted { background: var(--detect); }
h1 .badge { font-size: 16px; vertical-align: 2px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; background: #f6f7f9; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.fail td { background: #fdf1f1; }
.figures { display: flex; flex-wrap: wrap; gap: 12px; margin: 14px 0; }
.figure { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 150px; }
.figure .label { color: var(--muted); font-size: 12px; } .figure .value { font-size: 20px; font-weight: 600; } .figure .sub { color: var(--muted); font-size: 12px; }
.chart { width: 100%; min-height: 60px; }
.key { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin: 0 4px 0 10px; vertical-align: -1px; }
.key.ok { background: var(--ok); } .key.fail { background: var(--fail); } .key.t0 { background: var(--t0); } .key.detect { background: var(--detect); }
.key.recovered { background: var(--recovered); } .key.band { background: var(--band); } .key.note { background: var(--note); }
.key.sched { background: var(--s3); } .key.ready { background: var(--ok); }
svg.gantt { display: block; margin: 6px 0; font-size: 12px; }
svg.gantt .label { fill: var(--text); } svg.gantt .axis { fill: var(--muted); font-size: 11px; } svg.gantt .tick { stroke: var(--line); }
svg.gantt .bar.ok, svg.gantt .bar.ready { fill: var(--ok); } svg.gantt .bar.failed { fill: var(--fail); } svg.gantt .bar.pending { fill: var(--step); }
svg.gantt .bar.sched { fill: var(--s3); } svg.gantt .bar.phase { fill: var(--s1); }
.meter { height: 6px; background: var(--lane); border-radius: 3px; margin-top: 3px; } .meter div { height: 6px; background: var(--fail); border-radius: 3px; }
ol.notes li { margin: 2px 0; } .notes .t, td.t { font-family: ui-monospace, monospace; font-size: 12px; color: var(--muted); white-space: nowrap; }
.notes .kind { color: var(--note); font-weight: 600; }
.alert { color: var(--fail); }
.caveat { color: var(--detect); font-size: 12px; }
footer { margin-top: 36px; font-size: 12px; }
@media print { .hover { display: none; } details { display: none; } }
`;

export interface PageParts {
  title: string;
  body: string;
  /** Embedded as JSON for the scripts (GD.data). */
  data: unknown;
  /** Chart renderers (each registers GD.charts[name]). */
  scripts: string[];
}

/** A whole, self-contained HTML document. */
export function page(parts: PageParts): string {
  const assets = chartAssets();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="gameday">
<title>${esc(parts.title)}</title>
<style>${assets.css}</style><style>${STYLE}</style></head>
<body>
${parts.body}
<footer>Written by gameday. Charts: ${esc(assets.credit)}, inlined; this file needs no network.</footer>
<script type="application/json" id="gameday-data">${scriptJson(parts.data)}</script>
<script>${scriptText(assets.js)}</script>
<script>${scriptText([CLIENT_PRELUDE, ...parts.scripts, CLIENT_START].join('\n'))}</script>
</body></html>
`;
}
