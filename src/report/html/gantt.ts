// A Gantt chart as inline SVG (no script needed): one row per item, bars on a run-relative time axis.
// Used by the runbook steps, the per-pod rescheduling and readiness, and a drill's restore phases.

import { formatOffset } from '../markdown.js';
import { esc } from './escape.js';

export interface GanttBar {
  start: number;
  end: number;
  /** CSS class: ok, failed, pending, sched, ready, phase… */
  cls: string;
  title: string;
}

export interface GanttRow {
  label: string;
  bars: GanttBar[];
}

const WIDTH = 960;
const LABEL = 220;
const ROW = 22;
const AXIS = 24;

function ticks(min: number, max: number): { step: number; values: number[] } {
  const span = Math.max(1, max - min);
  const steps = [100, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000];
  const step = steps.find((s) => span / s <= 8) ?? Math.ceil(span / 8 / 600_000) * 600_000;
  const values: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max; v += step) values.push(v);
  return { step, values };
}

/** A run-relative tick label: "+1:05", or "+1:05.250" when ticks are less than a second apart. */
function tickLabel(ms: number, step: number): string {
  const text = formatOffset(ms);
  return step < 1000 ? text : text.replace(/\.\d{3}$/, '');
}

/** An SVG Gantt chart; `name` goes into data-gantt so tests and scripts can find it. */
export function ganttSvg(name: string, rows: readonly GanttRow[]): string {
  const bars = rows.flatMap((r) => r.bars);
  if (bars.length === 0) return '';
  const min = Math.min(...bars.map((b) => b.start));
  const max = Math.max(...bars.map((b) => b.end), min + 1);
  const plot = WIDTH - LABEL - 40;
  const x = (v: number): number => LABEL + ((v - min) / (max - min)) * plot;
  const height = AXIS + rows.length * ROW + 6;
  const parts: string[] = [];
  const { step, values } = ticks(min, max);
  for (const v of values) {
    const px = x(v).toFixed(1);
    parts.push(`<line class="tick" x1="${px}" x2="${px}" y1="${AXIS - 4}" y2="${height}"/>`);
    parts.push(`<text class="axis" x="${px}" y="${AXIS - 8}" text-anchor="middle">${esc(tickLabel(v, step))}</text>`);
  }
  rows.forEach((row, i) => {
    const y = AXIS + i * ROW;
    parts.push(`<text class="label" x="${LABEL - 8}" y="${y + 15}" text-anchor="end">${esc(row.label)}</text>`);
    for (const b of row.bars) {
      const w = Math.max(2, x(b.end) - x(b.start));
      parts.push(
        `<rect class="bar ${esc(b.cls)}" x="${x(b.start).toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW - 6}" rx="2"><title>${esc(b.title)}</title></rect>`,
      );
    }
  });
  return `<svg class="gantt" data-gantt="${esc(name)}" data-bars="${bars.length}" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="${esc(name)} chart">${parts.join('')}</svg>`;
}
