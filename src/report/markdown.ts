// summary.md: a human-readable report for pull requests, CI job summaries and game-day notes.

import { formatDuration } from '../util/duration.js';
import { formatBoundMs, formatMeasuredMs, formatPercent, trimNumber, unrecoveredText } from '../measure/format.js';
import { evidenceNotes, metricSections } from './markdown-metrics.js';
import { code, escapeMarkdown, latencyCells, pct, table } from './markdown-util.js';
import type { Report, SloMeasurement } from './types.js';
import { xmlSafe } from './xml.js';
import { liveSections } from './markdown-live.js';

/** A Markdown table: a header row, the separator, one row per line (game day and gate summaries use it too). */
export { table as markdownTable };

export { escapeMarkdown } from './markdown-util.js';

/** Timelines longer than this are cut in the summary (report.json keeps every entry). */
const MAX_TIMELINE_ROWS = 500;

/** The verdict as the word people scan for. */
export function verdictLabel(verdict: Report['verdict']): string {
  return verdict.toUpperCase();
}

/** A run-relative time as "+m:ss.mmm" (or "+h:mm:ss.mmm"). */
export function formatOffset(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const total = Math.round(Math.abs(ms));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  const frac = String(total % 1000).padStart(3, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${sign}${h}:${String(m).padStart(2, '0')}:${ss}.${frac}` : `${sign}${m}:${ss}.${frac}`;
}

function header(r: Report): string[] {
  const lines = [`# ${verdictLabel(r.verdict)}: ${escapeMarkdown(r.scenario)}`, ''];
  const duration = Date.parse(r.endedAt) - Date.parse(r.startedAt);
  lines.push(`- **Verdict:** ${verdictLabel(r.verdict)}`);
  lines.push(`- **Scenario:** ${code(r.scenario)}`);
  lines.push(`- **Run:** ${code(r.runId)}`);
  lines.push(`- **Started:** ${escapeMarkdown(r.startedAt)}`);
  lines.push(`- **Ended:** ${escapeMarkdown(r.endedAt)}`);
  if (Number.isFinite(duration) && duration >= 0) lines.push(`- **Duration:** ${formatDuration(duration)}`);
  if (r.reason !== undefined) lines.push(`- **Reason:** ${escapeMarkdown(r.reason)}`);
  return lines;
}

function objectives(r: Report): string[] {
  const lines = ['## Objectives', ''];
  if (r.objectives.length === 0) return [...lines, '_No objectives were defined._'];
  const rows = r.objectives.map((o) => [
    escapeMarkdown(o.name),
    escapeMarkdown(o.target),
    escapeMarkdown(o.actual),
    o.pass ? 'PASS' : '**FAIL**',
  ]);
  return [...lines, ...table(['Objective', 'Target', 'Actual', 'Result'], rows), ...evidenceNotes(r)];
}

function rtoSection(r: Report): string[] {
  const m = r.measurements.rto;
  if (m === null) return [];
  const lines = ['### Recovery time (RTO)', ''];
  lines.push(`- **Probe:** ${code(m.probe)}, stable for ${formatBoundMs(m.stableForMs)}`);
  if (m.status === 'no-impact' && m.abortedAtMs !== undefined)
    lines.push(`- **RTO:** no impact observed before the abort at +${formatDuration(m.abortedAtMs)}`);
  else if (m.status === 'no-impact') lines.push('- **RTO:** no impact (0s)');
  else if (m.status === 'not-recovered' || m.ms === null) lines.push(`- **RTO:** ${unrecoveredText(m)}`);
  else lines.push(`- **RTO:** ${formatDuration(m.ms)} ± ${formatDuration(m.errorBoundMs)}`);
  if (m.lastFailingMs !== null && m.firstHealthyMs !== null) {
    lines.push(
      `- **Recovered between:** the last failing sample at +${formatMeasuredMs(m.lastFailingMs)} and the first healthy one at +${formatMeasuredMs(m.firstHealthyMs)} (the RTO is their midpoint)`,
    );
  }
  if (m.detectMs !== null) lines.push(`- **Time to detect:** ${formatMeasuredMs(m.detectMs)}`);
  lines.push(`- **Fault at:** ${escapeMarkdown(m.faultAt)}`);
  if (m.impactAt !== null) lines.push(`- **Impact at:** ${escapeMarkdown(m.impactAt)}`);
  if (m.recoveredAt !== null) lines.push(`- **Recovered at:** ${escapeMarkdown(m.recoveredAt)}`);
  return [...lines, ''];
}

function isRestoreRpo(m: NonNullable<Report['measurements']['rpo']>): m is Extract<typeof m, { kind: 'restore' }> {
  return 'kind' in m && m.kind === 'restore';
}

function rpoSection(r: Report): string[] {
  const m = r.measurements.rpo;
  if (m === null) return [];
  const lines = ['### Data loss (RPO)', ''];
  lines.push(`- **RPO:** ${formatMeasuredMs(m.seconds * 1000)}`);
  if (isRestoreRpo(m)) {
    lines.push('- **Measured as:** drill start − the newest marker present in the restored copy');
    lines.push(
      `- **Newest marker in the copy:** ${m.newestSurvivingAt === null ? 'none' : escapeMarkdown(m.newestSurvivingAt)}`,
    );
    return [...lines, ''];
  }
  lines.push(`- **Lost writes:** ${m.lostWrites} of ${m.acknowledged} acknowledged (${m.surviving} survived)`);
  const before = m.newestAcknowledgedBeforeFaultAt;
  lines.push(`- **Newest acknowledged before the fault:** ${before === null ? 'none' : escapeMarkdown(before)}`);
  const surviving = m.newestSurvivingAt;
  lines.push(`- **Newest surviving:** ${surviving === null ? 'none' : escapeMarkdown(surviving)}`);
  return [...lines, ''];
}

function restoreSection(r: Report): string[] {
  const m = r.measurements.restore;
  if (!m) return [];
  const mb = (b: number | null): string => (b === null ? '-' : `${(b / 1024 / 1024).toFixed(1)} MiB`);
  const lines = ['### Restore drill', ''];
  lines.push(
    `- **Source:** ${escapeMarkdown(m.source.kind)}${m.source.name ? ` \`${escapeMarkdown(m.source.name)}\`` : ''}`,
  );
  if (m.source.ageSeconds !== null) lines.push(`- **Source age:** ${formatDuration(m.source.ageSeconds * 1000)}`);
  lines.push(`- **Artifact size:** ${mb(m.source.bytes)} · **restored database:** ${mb(m.databaseBytes)}`);
  lines.push(
    `- **Restore duration:** ${m.durationMs === null ? 'no restore' : formatDuration(m.durationMs)}${m.jobs ? ` (pg_restore -j ${m.jobs})` : ''}`,
  );
  lines.push(
    `- **Validations:** ${m.validations.passed} of ${m.validations.total} passed · **cleanup:** ${m.cleanupComplete ? 'complete' : 'INCOMPLETE'}`,
  );
  const vs = r.measurements.validations ?? [];
  if (vs.length > 0) {
    lines.push('', '| Validation | Expected | Actual | Result |', '| --- | --- | --- | --- |');
    for (const v of vs) {
      lines.push(
        `| ${escapeMarkdown(v.name)} | ${escapeMarkdown(String(v.expected))} | ${escapeMarkdown(String(v.actual))} | ${v.pass ? 'PASS' : '**FAIL**'} |`,
      );
    }
  }
  return [...lines, ''];
}

function sloSection(slos: readonly SloMeasurement[]): string[] {
  if (slos.length === 0) return [];
  const rows = slos.map((s) => [
    escapeMarkdown(s.probe),
    s.window,
    String(s.samples),
    pct(s.availability),
    ...latencyCells(s.latency),
  ]);
  const head = ['Probe', 'Window', 'Samples', 'Availability', 'p50', 'p90', 'p95', 'p99', 'Max'];
  return ['### SLOs', '', ...table(head, rows), ''];
}

function loadSection(r: Report): string[] {
  const l = r.load;
  if (l === null) return [];
  const lines = ['### Load', ''];
  lines.push(
    ...table(
      [
        'Engine',
        'Target rate',
        'Achieved rate',
        'Duration',
        'Requests',
        'Completed',
        'Errors',
        'Error rate',
        'Dropped',
      ],
      [
        [
          l.engine,
          l.targetRatePerSec === null ? '—' : `${trimNumber(l.targetRatePerSec, 1)}/s`,
          `${trimNumber(l.achievedRatePerSec, 1)}/s`,
          formatDuration(l.durationMs),
          String(l.requests),
          String(l.completed),
          String(l.errors),
          formatPercent(l.errorRate, 'up'),
          String(l.dropped),
        ],
      ],
    ),
    '',
  );
  if (l.latency !== null) {
    lines.push(...table(['p50', 'p90', 'p95', 'p99', 'Max'], [latencyCells(l.latency)]), '');
  }
  if (l.sendLagMs) {
    const lag = l.sendLagMs;
    lines.push(
      `Send lag (actual send − schedule): p50 ${trimNumber(lag.p50, 1)} ms, p99 ${trimNumber(lag.p99, 1)} ms, max ${trimNumber(lag.max, 1)} ms; ${l.late ?? 0} request(s) sent more than 10 ms late`,
      '',
    );
  }
  const statuses = Object.entries(l.statusCounts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (statuses.length > 0) {
    lines.push(`Status codes: ${statuses.map(([k, v]) => `${escapeMarkdown(k)}: ${v}`).join(', ')}`, '');
  }
  return lines;
}

function runbookSection(r: Report): string[] {
  const steps = r.measurements.runbook;
  if (!steps || steps.length === 0) return [];
  const rows = steps.map(
    (s) =>
      `| ${escapeMarkdown(s.step)} | ${escapeMarkdown(s.action)} | ${s.durationMs === null ? '-' : escapeMarkdown(formatDuration(s.durationMs))} | ${s.status}${s.rolledBack ? ` (rolled back: ${s.rolledBack})` : ''} |`,
  );
  return ['### Runbook', '', '| Step | Action | Duration | Result |', '| --- | --- | --- | --- |', ...rows, ''];
}

function podsSection(r: Report): string[] {
  const m = r.measurements.pods;
  if (!m || m.disrupted === 0) return [];
  const cells = (d: typeof m.rescheduling): string =>
    d === null ? '- | - | - | -' : [d.min, d.p50, d.p95, d.max].map((v) => formatDuration(Math.round(v))).join(' | ');
  return [
    `### Pods (${m.disrupted} disrupted)`,
    '',
    '| Deleted → replacement | Min | p50 | p95 | Max |',
    '| --- | --- | --- | --- | --- |',
    `| scheduled (${m.rescheduling?.count ?? 0}) | ${cells(m.rescheduling)} |`,
    `| Ready (${m.readiness?.count ?? 0}) | ${cells(m.readiness)} |`,
    '',
    ...(m.notReady > 0 ? [`${m.notReady} replacement(s) not Ready by the end of the run.`, ''] : []),
  ];
}

function fisSection(r: Report): string[] {
  const lines: string[] = [];
  for (const e of r.measurements.fis ?? []) {
    const head = `### FIS experiment ${escapeMarkdown(e.experimentId ?? '(not started)')} (${escapeMarkdown(e.step)}): ${escapeMarkdown(e.status)}`;
    lines.push(head, '');
    if (e.reason) lines.push(`Reason: ${escapeMarkdown(e.reason)}`, '');
    const rows = e.actions.map((a) => [
      escapeMarkdown(a.name),
      escapeMarkdown(a.actionId),
      escapeMarkdown(a.startedAt ?? '-'),
      escapeMarkdown(a.endedAt ?? '-'),
      escapeMarkdown(a.status),
    ]);
    if (rows.length > 0) lines.push(...table(['Action', 'Id', 'Started', 'Ended', 'Status'], rows), '');
    const targets = e.resolvedTargets.map((t) => `${escapeMarkdown(t.targetName)}: ${escapeMarkdown(t.resource)}`);
    if (targets.length > 0) lines.push(`Resolved targets: ${targets.join(', ')}`, '');
  }
  return lines;
}

function measurements(r: Report): string[] {
  const body = [
    ...rtoSection(r),
    ...podsSection(r),
    ...rpoSection(r),
    ...runbookSection(r),
    ...fisSection(r),
    ...restoreSection(r),
    ...sloSection(r.measurements.slos),
    ...loadSection(r),
    ...metricSections(r),
  ];
  if (body.length === 0) return ['## Measurements', '', '_Nothing was measured._'];
  while (body[body.length - 1] === '') body.pop();
  return ['## Measurements', '', ...body];
}

function probes(r: Report): string[] {
  if (r.probes.length === 0) return [];
  const rows = r.probes.map((p) => [
    escapeMarkdown(p.name),
    escapeMarkdown(p.kind),
    formatBoundMs(p.intervalMs),
    String(p.samples),
    String(p.failures),
  ]);
  return ['## Probes', '', ...table(['Probe', 'Kind', 'Interval', 'Samples', 'Failures'], rows)];
}

/** The plan as the run noted it (targets, probes, steps, seed), once. */
function plan(r: Report): string[] {
  const notes = r.timeline.filter((e) => e.kind === 'plan');
  if (notes.length === 0) return [];
  return ['## Plan', '', '```', ...notes.map((e) => xmlSafe(e.message).replace(/`{3,}/g, "'''")), '```'];
}

/** "kind: message", without repeating the kind when the message already starts with it ("phase plan"). */
function eventText(kind: string, message: string): string {
  return message.startsWith(`${kind} `) || message.startsWith(`${kind}:`) ? message : `${kind}: ${message}`;
}

function timeline(r: Report): string[] {
  const lines = ['## Timeline', ''];
  if (r.timeline.length === 0) return [...lines, '_No events were recorded._'];
  // The plan's lines are listed once under Plan; its steps appear here as they run.
  const events = r.timeline.filter((e, i, all) => e.kind !== 'plan' || all[i - 1]?.kind !== 'plan');
  const shown = events.slice(0, MAX_TIMELINE_ROWS);
  const rows = shown.map((e) => [
    formatOffset(e.t),
    escapeMarkdown(e.kind === 'plan' ? 'plan made (see Plan)' : eventText(e.kind, e.message)),
  ]);
  lines.push(...table(['Time', 'Event'], rows));
  const hidden = events.length - shown.length;
  if (hidden > 0) lines.push('', `_${hidden} more events in report.json._`);
  return lines;
}

/** Gone runs on the same target this run rolled back before it took the lock. */
function repairs(r: Report): string[] {
  return (r.repairs ?? []).flatMap((p) => [
    `Before this run, the gone run ${code(p.runId)} (on ${escapeMarkdown(p.host || 'an unknown host')}, last renewed ${p.renewedAt || 'never'}) was rolled back from ${code(p.journal)}: ${p.undone} undo step(s) done${p.complete ? '' : `, **${p.failed.length} failed**`}.`,
    '',
  ]);
}

function rollback(r: Report): string[] {
  const rb = r.rollback;
  const lines = ['## Rollback', '', ...repairs(r)];
  if (rb.complete) return [...lines, `Complete: ${rb.undone} undo step(s) done.`];
  lines.push(`**INCOMPLETE: a person must look.** ${rb.undone} undo step(s) done, ${rb.failed.length} failed:`, '');
  for (const f of rb.failed) {
    lines.push(`- ${code(f.id)}: ${escapeMarkdown(f.error)}`);
    if (f.hint) lines.push(`  - **What to do**${f.code ? ` (${code(f.code)})` : ''}: ${escapeMarkdown(f.hint)}`);
  }
  return lines;
}

/** summary.md text for a report. */
export function toMarkdown(report: Report): string {
  const sections = [
    header(report),
    objectives(report),
    ...liveSections(report, escapeMarkdown),
    measurements(report),
    probes(report),
    plan(report),
    timeline(report),
    rollback(report),
  ];
  return `${sections
    .filter((s) => s.length > 0)
    .map((s) => s.join('\n'))
    .join('\n\n')}\n`;
}
