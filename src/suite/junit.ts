// The combined junit.xml of a gate or a game day: a testsuite per scenario run, with the scenario's
// file, the run's time, host and timestamp; the measured values as properties and in system-out, so CI
// test history keeps RTO and latency trends; a regression against the baseline as a failing case.

import { attrs, junitCaseLines, junitCases, junitTimestamp, secondsBetween, type JunitCase } from '../report/junit.js';
import type { Report } from '../report/types.js';
import { escapeText } from '../report/xml.js';
import { metricsFromReport, type RunMetrics } from '../history/metrics.js';
import { scoreReport } from '../history/score.js';

export interface JunitSuiteInput {
  report: Report;
  /** The scenario file, as CI shows it (relative to the working directory). */
  file: string;
  hostname: string;
  runDir?: string;
}

const METRIC_PROPERTIES: Array<[keyof RunMetrics, string]> = [
  ['rtoMs', 'gameday.rto.ms'],
  ['rtoErrorBoundMs', 'gameday.rto.errorBoundMs'],
  ['p95Ms', 'gameday.p95.ms'],
  ['availability', 'gameday.availability.percent'],
  ['restoreMs', 'gameday.restore.ms'],
  ['rpoS', 'gameday.rpo.s'],
  ['errorRate', 'gameday.errorRate.percent'],
  ['score', 'gameday.score'],
];

const num = (v: number): string => String(Math.round(v * 1000) / 1000);

/** Name/value pairs of one run: ids, verdict, the trended metrics, each objective's target and actual. */
export function runProperties(r: Report, runDir?: string): Array<[string, string]> {
  const props: Array<[string, string]> = [
    ['gameday.scenario', r.scenario],
    ['gameday.runId', r.runId],
    ...(r.seed === undefined ? [] : [['gameday.seed', String(r.seed)] as [string, string]]),
    ['gameday.verdict', r.verdict],
    ['gameday.startedAt', r.startedAt],
    ['gameday.endedAt', r.endedAt],
  ];
  if (runDir) props.push(['gameday.runDir', runDir]);
  const m = metricsFromReport(r);
  for (const [key, name] of METRIC_PROPERTIES) {
    const v = m[key];
    if (v !== undefined) props.push([name, num(v)]);
  }
  for (const o of r.objectives) {
    props.push([`gameday.objective.${o.name}.target`, `${num(o.targetValue)} ${o.unit}`]);
    props.push([
      `gameday.objective.${o.name}.actual`,
      o.actualValue === null ? o.actual : `${num(o.actualValue)} ${o.unit}`,
    ]);
  }
  if (r.regression) props.push(['gameday.regression', r.regression.regressed ? 'regressed' : 'within tolerance']);
  return props;
}

/** The human-readable measured values for system-out. */
export function runSystemOut(r: Report): string {
  const s = scoreReport(r);
  const lines = [
    `${r.scenario} ${r.runId}: ${r.verdict.toUpperCase()}${r.reason ? ` (${r.reason})` : ''}, score ${s.score}`,
  ];
  for (const o of r.objectives) lines.push(`${o.pass ? 'PASS' : 'FAIL'} ${o.name}: ${o.actual} (target ${o.target})`);
  if (r.regression) {
    lines.push(`baseline ${r.regression.baseline} (${r.regression.baselineRuns.join(', ') || 'no earlier run'})`);
    for (const c of r.regression.checks) lines.push(`${c.regressed ? 'REGRESSED' : 'ok'} ${c.explanation}`);
  }
  for (const n of r.notes ?? []) lines.push(`note ${n.at}: ${n.text}`);
  return lines.join('\n');
}

/** The regression checks as test cases: a regression is a failure. */
function regressionCases(r: Report): JunitCase[] {
  return (r.regression?.checks ?? []).map((c) =>
    c.regressed
      ? {
          name: `regression ${c.metric}`,
          outcome: { tag: 'failure', message: c.explanation, type: 'regression', body: c.explanation },
        }
      : { name: `regression ${c.metric}` },
  );
}

function suiteLines(input: JunitSuiteInput, id: number): { lines: string[]; cases: JunitCase[]; seconds: number } {
  const r = input.report;
  const cases = [...junitCases(r), ...regressionCases(r)];
  const failures = cases.filter((c) => c.outcome?.tag === 'failure').length;
  const errors = cases.filter((c) => c.outcome?.tag === 'error').length;
  const time = secondsBetween(r.startedAt, r.endedAt);
  const name = `gameday.${r.scenario}`;
  const lines = [
    `  <testsuite${attrs([
      ['name', name],
      ['id', id],
      ['package', 'gameday'],
      ['tests', cases.length],
      ['failures', failures],
      ['errors', errors],
      ['skipped', 0],
      ['time', time],
      ['timestamp', junitTimestamp(r.startedAt)],
      ['hostname', input.hostname || 'localhost'],
      ['file', input.file],
    ])}>`,
    '    <properties>',
    ...runProperties(r, input.runDir).map(
      ([n, v]) =>
        `      <property${attrs([
          ['name', n],
          ['value', v],
        ])}/>`,
    ),
    '    </properties>',
    ...cases.flatMap((c) => junitCaseLines(c, name)),
    `    <system-out>${escapeText(runSystemOut(r))}</system-out>`,
    '  </testsuite>',
  ];
  return { lines, cases, seconds: Number(time) };
}

/** One junit.xml with a testsuite per run. */
export function combinedJunit(name: string, suites: readonly JunitSuiteInput[]): string {
  const built = suites.map((s, i) => suiteLines(s, i));
  const all = built.flatMap((b) => b.cases);
  const seconds = built.reduce((t, b) => t + b.seconds, 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs([
      ['name', name],
      ['tests', all.length],
      ['failures', all.filter((c) => c.outcome?.tag === 'failure').length],
      ['errors', all.filter((c) => c.outcome?.tag === 'error').length],
      ['time', seconds.toFixed(3)],
    ])}>`,
    ...built.flatMap((b) => b.lines),
    '</testsuites>',
    '',
  ].join('\n');
}
