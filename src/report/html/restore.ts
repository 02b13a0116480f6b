// A restore drill's phases (select, fetch, target, restore, validate, cleanup) as a Gantt chart, and its
// validations. Phase times come from the drill's timeline; durations from measurements.restore otherwise.

import { formatDuration } from '../../util/duration.js';
import type { Report } from '../types.js';
import { relativeMs } from './data.js';
import { esc } from './escape.js';
import { ganttSvg, type GanttRow } from './gantt.js';

function phasesFromTimeline(r: Report): GanttRow[] {
  const open = new Map<string, number>();
  const rows: GanttRow[] = [];
  for (const e of r.timeline) {
    // The drill notes its phases as kind "drill": "fetch start: …", "fetch done: …".
    const m = e.kind === 'drill' ? /^(\w+) (start|done|failed)\b/.exec(e.message) : null;
    if (!m) continue;
    const phase = m[1] as string;
    if (m[2] === 'start') open.set(phase, e.t);
    else {
      const start = open.get(phase) ?? e.t;
      const ok = m[2] === 'done';
      rows.push({
        label: phase,
        bars: [
          {
            start,
            end: e.t,
            cls: ok ? 'phase' : 'failed',
            title: `${phase}: ${formatDuration(e.t - start)} — ${e.message}`,
          },
        ],
      });
    }
  }
  return rows;
}

function phasesFromMeasurement(r: Report): GanttRow[] {
  const m = r.measurements.restore;
  const start = relativeMs(r, m?.startedAt);
  if (!m || start === null || m.durationMs === null) return [];
  const rows: GanttRow[] = [];
  let t = start - (m.source.fetchMs ?? 0) - (m.source.backupMs ?? 0);
  for (const [label, ms] of [
    ['backup', m.source.backupMs],
    ['fetch', m.source.fetchMs],
  ] as const) {
    if (ms === null) continue;
    rows.push({ label, bars: [{ start: t, end: t + ms, cls: 'phase', title: `${label}: ${formatDuration(ms)}` }] });
    t += ms;
  }
  rows.push({
    label: 'restore',
    bars: [{ start, end: start + m.durationMs, cls: 'phase', title: `restore: ${formatDuration(m.durationMs)}` }],
  });
  return rows;
}

/** The restore section, or '' for runs that are not drills. */
export function restoreSection(r: Report): string {
  const m = r.measurements.restore;
  if (!m) return '';
  const fromTimeline = phasesFromTimeline(r);
  const rows = fromTimeline.length > 0 ? fromTimeline : phasesFromMeasurement(r);
  const facts = [
    `source ${m.source.kind}${m.source.name ? ` ${m.source.name}` : ''}`,
    m.durationMs === null ? 'no restore' : `restore ${formatDuration(m.durationMs)}${m.jobs ? ` (-j ${m.jobs})` : ''}`,
    m.toolMs === null ? '' : `restore tool ${formatDuration(m.toolMs)}`,
    m.source.ageSeconds === null ? '' : `source age ${formatDuration(m.source.ageSeconds * 1000)}`,
    `validations ${m.validations.passed}/${m.validations.total}`,
    `cleanup ${m.cleanupComplete ? 'complete' : 'INCOMPLETE'}`,
  ].filter(Boolean);
  const vs = r.measurements.validations ?? [];
  const table = vs.length
    ? `<table class="validations"><thead><tr><th>Validation</th><th>Expected</th><th>Actual</th><th>Result</th></tr></thead><tbody>${vs
        .map(
          (v) =>
            `<tr class="${v.pass ? 'pass' : 'fail'}"><td>${esc(v.name)}</td><td>${esc(String(v.expected))}</td><td>${esc(String(v.actual))}</td><td><span class="badge ${v.pass ? 'pass' : 'fail'}">${v.pass ? 'PASS' : 'FAIL'}</span></td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  return `<section id="restore"><h2>Restore phases</h2><p class="caption">${esc(facts.join(' · '))}</p>
${ganttSvg('restore', rows)}${table}</section>`;
}
