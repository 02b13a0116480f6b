// summary.md sections for the load per window, k6, PromQL, error budgets, and the notes that say when
// an objective's samples are too few to tell.

import { formatPercent, trimNumber } from '../measure/format.js';
import { budgetLine } from './budget-text.js';
import { escapeMarkdown, latencyCells, table } from './markdown-util.js';
import type { Report } from './types.js';

/** Objectives whose samples cannot tell a pass from a fail, with why. */
export function evidenceNotes(r: Report): string[] {
  const notes = r.objectives.filter((o) => o.evidence && !o.evidence.conclusive && o.evidence.note);
  if (notes.length === 0) return [];
  return [
    '',
    'Too few samples to be sure:',
    '',
    ...notes.map((o) => `- ${escapeMarkdown(o.name)}: ${escapeMarkdown(o.evidence?.note ?? '')}`),
  ];
}

function loadWindowsSection(r: Report): string[] {
  const w = r.measurements.load;
  if (!w || w.length === 0) return [];
  const rows = w.map((x) => [
    x.window,
    String(x.requests),
    String(x.errors),
    x.errorRate === null ? '—' : formatPercent(x.errorRate, 'up'),
    ...latencyCells(x.latency),
  ]);
  return [
    '### Load per window',
    '',
    ...table(['Window', 'Requests', 'Errors', 'Error rate', 'p50', 'p90', 'p95', 'p99', 'Max'], rows),
    '',
  ];
}

function k6Section(r: Report): string[] {
  const k = r.load?.k6;
  if (!k) return [];
  const lines = [
    '### k6',
    '',
    `- **Script:** ${escapeMarkdown(k.script)} (k6 ${escapeMarkdown(k.version ?? 'unknown')})`,
    `- **Ended:** ${k.status}${k.exitCode === null ? '' : ` (exit ${k.exitCode})`}, ${k.linesRead} output lines read`,
  ];
  if (k.metrics.length > 0) {
    const rows = k.metrics.map((m) => [
      escapeMarkdown(m.metric),
      m.type,
      m.window,
      String(m.count),
      m.value === null ? '—' : m.type === 'rate' ? formatPercent(m.value) : trimNumber(m.value, 3),
    ]);
    lines.push('', ...table(['Metric', 'Type', 'Window', 'Samples', 'Value'], rows));
  }
  return [...lines, ''];
}

/** `load.k6.operator`: the TestRun's stages as gameday saw them; the operator gives no per-request results. */
function k6OperatorSection(r: Report): string[] {
  const k = r.measurements.k6Operator;
  if (!k) return [];
  const stages = k.stages.map((s) => s.stage).join(' → ') || 'none seen';
  return [
    '### k6-operator',
    '',
    `- **TestRun:** ${escapeMarkdown(`${k.namespace}/${k.testRun}`)}, ${k.parallelism} runner(s)`,
    `- **Ended:** ${k.status}; stages seen: ${stages}; ${k.deleted ? 'deleted at the end of the load' : 'deleted by the rollback'}`,
    '- **Per-request results:** none — the operator reports stages only (see the runners’ own k6 outputs)',
    '',
  ];
}

function promqlSection(r: Report): string[] {
  const p = r.measurements.promql;
  if (!p || p.length === 0) return [];
  const rows = p.map((x) => [
    escapeMarkdown(x.query),
    x.window,
    String(x.points),
    x.min === null ? '—' : trimNumber(x.min, 4),
    x.max === null ? '—' : trimNumber(x.max, 4),
  ]);
  return ['### PromQL', '', ...table(['Query', 'Window', 'Points', 'Min', 'Max'], rows), ''];
}

function budgetSection(r: Report): string[] {
  const b = r.measurements.errorBudgets;
  if (!b || b.length === 0) return [];
  return ['### Error budgets', '', ...b.map((x) => `- ${escapeMarkdown(budgetLine(x))}`), ''];
}

/** The sections this file adds to "Measurements". */
export function metricSections(r: Report): string[] {
  return [...budgetSection(r), ...loadWindowsSection(r), ...k6Section(r), ...k6OperatorSection(r), ...promqlSection(r)];
}
