// A region failover's runbook as a Gantt chart: each step's start and duration, how it ended, its rollback.

import { formatDuration } from '../../util/duration.js';
import type { Report } from '../types.js';
import { relativeMs } from './data.js';
import { esc } from './escape.js';
import { ganttSvg, type GanttRow } from './gantt.js';

/** The runbook section, or '' for runs without a runbook. */
export function runbookSection(r: Report): string {
  const steps = r.measurements.runbook ?? [];
  if (steps.length === 0) return '';
  const rows: GanttRow[] = steps.map((s) => {
    const start = relativeMs(r, s.startedAt);
    const label = `${s.step} (${s.action})`;
    if (start === null || s.durationMs === null) return { label, bars: [] };
    const rolled = s.rolledBack ? `, rolled back: ${s.rolledBack}` : '';
    return {
      label,
      bars: [
        {
          start,
          end: start + s.durationMs,
          cls: s.status === 'ok' ? 'ok' : s.status === 'failed' ? 'failed' : 'pending',
          title: `${label}: ${s.status} in ${formatDuration(s.durationMs)}${rolled}`,
        },
      ],
    };
  });
  const notRun = steps.filter((s) => s.status === 'not-run').map((s) => s.step);
  return `<section id="runbook"><h2>Runbook</h2>
${ganttSvg('runbook', rows)}${notRun.length ? `<p class="caption">Not run: ${esc(notRun.join(', '))}</p>` : ''}</section>`;
}
