// The top of the page: verdict, run facts, key measurements and the objectives table.

import { formatMeasuredMs } from '../../measure/format.js';
import { formatDuration } from '../../util/duration.js';
import type { ObjectiveResult, Report } from '../types.js';
import { esc } from './escape.js';
import { relativeMs } from './data.js';

function figure(label: string, value: string, sub = ''): string {
  return `<div class="figure"><div class="label">${esc(label)}</div><div class="value">${esc(value)}</div>${sub ? `<div class="sub">${esc(sub)}</div>` : ''}</div>`;
}

function figures(r: Report): string {
  const out: string[] = [];
  const rto = r.measurements.rto;
  if (rto) {
    const v =
      rto.status === 'no-impact'
        ? 'no impact'
        : rto.ms === null
          ? `not recovered (${formatDuration(rto.observedMs)})`
          : `${formatDuration(rto.ms)} ± ${formatDuration(rto.errorBoundMs)}`;
    out.push(figure('RTO', v, `probe ${rto.probe}`));
    if (rto.detectMs !== null) out.push(figure('Time to detect', formatMeasuredMs(rto.detectMs)));
  }
  const rpo = r.measurements.rpo;
  if (rpo) {
    const lost = rpo.lostWrites === null ? 'restore drill' : `${rpo.lostWrites} lost writes`;
    out.push(figure('RPO', formatMeasuredMs(rpo.seconds * 1000), lost));
  }
  const restore = r.measurements.restore;
  if (restore?.durationMs !== null && restore?.durationMs !== undefined) {
    out.push(
      figure(
        'Restore',
        formatDuration(restore.durationMs),
        `${restore.validations.passed}/${restore.validations.total} validations`,
      ),
    );
  }
  const run = r.measurements.slos.find((s) => s.window === 'during') ?? r.measurements.slos[0];
  if (run && run.availability !== null) {
    out.push(
      figure('Availability', `${run.availability.toFixed(3).replace(/\.?0+$/, '')}%`, `${run.probe}, ${run.window}`),
    );
  }
  return out.length ? `<div class="figures">${out.join('')}</div>` : '';
}

/** Why an objective's samples cannot tell a pass from a fail (statistical honesty), under its value. */
function caveat(o: ObjectiveResult): string {
  const e = o.evidence;
  return e && !e.conclusive && e.note ? `<div class="caveat">too few samples: ${esc(e.note)}</div>` : '';
}

/** Header, key figures and the objectives table. */
export function summarySection(r: Report): string {
  const duration = relativeMs(r, r.endedAt);
  const objectives =
    r.objectives.length === 0
      ? '<p class="caption">No objectives were defined.</p>'
      : `<table class="objectives"><thead><tr><th>Objective</th><th>Target</th><th>Actual</th><th>Result</th></tr></thead><tbody>${r.objectives
          .map(
            (o) =>
              `<tr class="${o.pass ? 'pass' : 'fail'}"><td>${esc(o.name)}</td><td>${esc(o.target)}</td><td>${esc(o.actual)}${caveat(o)}</td><td><span class="badge ${o.pass ? 'pass' : 'fail'}">${o.pass ? 'PASS' : 'FAIL'}</span></td></tr>`,
          )
          .join('')}</tbody></table>`;
  return `<header><h1><span class="badge ${esc(r.verdict)}" id="verdict">${esc(r.verdict.toUpperCase())}</span> ${esc(r.scenario)}</h1>
<p class="facts">run <code>${esc(r.runId)}</code>${r.seed === undefined ? '' : ` · seed <code>${r.seed}</code>`} · started ${esc(r.startedAt)} · ${duration === null ? '' : `duration ${esc(formatDuration(duration))}`}${r.reason ? ` · <strong>${esc(r.reason)}</strong>` : ''}</p></header>
${figures(r)}
<section id="objectives"><h2>Objectives</h2>${objectives}</section>`;
}
