// The gate's one summary (summary.md, and GitHub's job summary): a row per scenario with its verdict,
// score and headline numbers, then what failed — objectives and regressions with their explanations.
// And its report.html: the runs' page, each linked to its own report.html.

import { formatMetric } from '../../history/baseline.js';
import { metricsFromReport } from '../../history/metrics.js';
import { relative, sep } from 'node:path';
import { renderRunsHtml } from '../../report/html/index.js';
import { escapeMarkdown, markdownTable } from '../../report/markdown.js';
import type { GateResult } from './run.js';

const EXIT_WORDS: Record<number, string> = {
  0: 'PASS',
  1: 'FAIL',
  2: 'INVALID',
  3: 'ABORTED/ERROR',
  4: 'ROLLBACK INCOMPLETE',
};

/** The gate's verdict word for an exit code. */
export function gateVerdict(exitCode: number): string {
  return EXIT_WORDS[exitCode] ?? `exit ${exitCode}`;
}

/** report.html of a gate written to `reportDir`: every run, linked to its own report.html. */
export function gateHtml(g: GateResult, reportDir: string): string {
  const href = (runDir: string): string => `${relative(reportDir, runDir).split(sep).join('/')}/report.html`;
  return renderRunsHtml(
    g.runs.map((r) => ({ report: r.report, href: href(r.runDir) })),
    { title: `gameday gate: ${gateVerdict(g.exitCode)}` },
  );
}

/** summary.md of a gate. */
export function gateMarkdown(g: GateResult): string {
  const passed = g.runs.filter((r) => r.exitCode === 0).length;
  const lines = [
    `# gameday gate: ${gateVerdict(g.exitCode)}`,
    '',
    `${passed} of ${g.runs.length} run(s) passed${g.notRun.length ? `, ${g.notRun.length} not run (interrupted)` : ''} · gate ${escapeMarkdown(g.gateId)} · seed ${g.seed} (\`--seed ${g.seed}\` makes the same choices) · ${escapeMarkdown(g.startedAt)} – ${escapeMarkdown(g.endedAt)}`,
    '',
  ];
  const rows = g.runs.map((r) => {
    const m = metricsFromReport(r.report);
    const regression = r.report.regression;
    return [
      escapeMarkdown(r.report.scenario),
      escapeMarkdown(r.file),
      r.exitCode === 0
        ? 'PASS'
        : `**${r.report.verdict === 'pass' && regression?.regressed ? 'REGRESSED' : r.report.verdict.toUpperCase()}**`,
      String(r.score),
      m.rtoMs === undefined ? '—' : formatMetric(m.rtoMs, 'ms'),
      m.p95Ms === undefined ? '—' : formatMetric(m.p95Ms, 'ms'),
      m.availability === undefined ? '—' : formatMetric(m.availability, 'percent'),
      m.restoreMs === undefined ? '—' : formatMetric(m.restoreMs, 'ms'),
      regression
        ? regression.regressed
          ? 'regressed'
          : regression.baselineRuns.length
            ? 'ok'
            : 'no baseline yet'
        : '—',
    ];
  });
  lines.push(
    ...markdownTable(
      ['Scenario', 'File', 'Result', 'Score', 'RTO', 'p95', 'Availability', 'Restore', 'vs baseline'],
      rows,
    ),
  );
  for (const gd of g.gamedays)
    lines.push(
      '',
      `Game day ${escapeMarkdown(gd.name)} (${escapeMarkdown(gd.file)}): ${gd.verdict.toUpperCase()}, score ${gd.score}`,
    );
  const problems: string[] = [];
  for (const r of g.runs) {
    for (const o of r.report.objectives) {
      if (!o.pass)
        problems.push(
          `- **${escapeMarkdown(r.report.scenario)}** ${escapeMarkdown(o.name)}: target ${escapeMarkdown(o.target)}, actual ${escapeMarkdown(o.actual)}`,
        );
    }
    for (const c of r.report.regression?.checks ?? []) {
      if (c.regressed)
        problems.push(`- **${escapeMarkdown(r.report.scenario)}** regression: ${escapeMarkdown(c.explanation)}`);
    }
    if (r.report.reason && r.report.verdict !== 'pass')
      problems.push(
        `- **${escapeMarkdown(r.report.scenario)}** ${r.report.verdict}: ${escapeMarkdown(r.report.reason)}`,
      );
    if (!r.report.rollback.complete)
      problems.push(
        `- **${escapeMarkdown(r.report.scenario)}** ROLLBACK INCOMPLETE: gameday rollback ${escapeMarkdown(r.runDir)}`,
      );
  }
  for (const f of g.notRun) problems.push(`- ${escapeMarkdown(f)}: not run (the gate was interrupted)`);
  if (problems.length > 0) lines.push('', '## What failed', '', ...problems);
  return `${lines.join('\n')}\n`;
}
