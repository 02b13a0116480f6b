// Kubernetes: each disrupted pod, from deletion to its replacement being scheduled and then Ready.

import { formatDuration } from '../../util/duration.js';
import type { Report } from '../types.js';
import { relativeMs } from './data.js';
import { esc } from './escape.js';
import { ganttSvg, type GanttRow } from './gantt.js';

/** The pods section, or '' for runs without per-pod timings. */
export function podsSection(r: Report): string {
  const m = r.measurements.pods;
  if (!m || m.pods.length === 0) return '';
  const rows: GanttRow[] = m.pods.map((p) => {
    const deleted = relativeMs(r, p.deletedAt) ?? 0;
    const bars = [];
    const sched = p.rescheduledMs === null ? null : deleted + p.rescheduledMs;
    const ready = p.readyMs === null ? null : deleted + p.readyMs;
    const who = `${p.pod} → ${p.replacement ?? 'no replacement'}${p.node ? ` on ${p.node}` : ''}`;
    bars.push({
      start: deleted,
      end: sched ?? ready ?? deleted + 1,
      cls: sched === null ? 'failed' : 'sched',
      title: `${who}: ${sched === null ? 'not rescheduled' : `scheduled after ${formatDuration(p.rescheduledMs ?? 0)}`}`,
    });
    if (ready !== null && sched !== null && ready > sched) {
      bars.push({
        start: sched,
        end: ready,
        cls: 'ready',
        title: `${who}: Ready after ${formatDuration(p.readyMs ?? 0)}`,
      });
    }
    return { label: `${p.namespace}/${p.pod}`, bars };
  });
  const dist = (d: typeof m.rescheduling): string =>
    d === null ? '—' : `p50 ${formatDuration(d.p50)}, p95 ${formatDuration(d.p95)}, max ${formatDuration(d.max)}`;
  return `<section id="pods"><h2>Pods: rescheduling and readiness</h2>
<p class="caption">${m.disrupted} disrupted · scheduled ${esc(dist(m.rescheduling))} · Ready ${esc(dist(m.readiness))}${m.notReady ? ` · <strong>${m.notReady} not Ready</strong>` : ''}. <span class="key sched"></span>deleted → scheduled <span class="key ready"></span>scheduled → Ready</p>
${ganttSvg('pods', rows)}</section>`;
}
