// Before / during / after: availability and latency percentiles per probe and window.

import { formatPercent, trimNumber } from '../../measure/format.js';
import type { Report, WindowName } from '../types.js';
import { esc } from './escape.js';

const ORDER: WindowName[] = ['before', 'during', 'after', 'run'];

/** The SLO table, or '' when nothing was measured per window. */
export function sloSection(r: Report): string {
  const slos = [...r.measurements.slos].sort(
    (a, b) => a.probe.localeCompare(b.probe) || ORDER.indexOf(a.window) - ORDER.indexOf(b.window),
  );
  if (slos.length === 0) return '';
  const ms = (v: number | undefined): string => (v === undefined ? '—' : `${trimNumber(v, 1)} ms`);
  const rows = slos
    .map(
      (s) =>
        `<tr data-window="${esc(s.window)}"><td>${esc(s.probe)}</td><td>${esc(s.window)}</td><td class="num">${s.samples}</td><td class="num">${s.availability === null ? '—' : esc(formatPercent(s.availability))}</td><td class="num">${ms(s.latency?.p50)}</td><td class="num">${ms(s.latency?.p95)}</td><td class="num">${ms(s.latency?.p99)}</td><td class="num">${ms(s.latency?.max)}</td></tr>`,
    )
    .join('');
  return `<section id="slos"><h2>SLOs before, during and after the fault</h2>
<table class="slos"><thead><tr><th>Probe</th><th>Window</th><th>Samples</th><th>Availability</th><th>p50</th><th>p95</th><th>p99</th><th>Max</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}
