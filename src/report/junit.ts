// junit.xml: one test case per objective, so CI shows which promise a run broke.

import { hostname } from 'node:os';
import type { Report } from './types.js';
import { escapeAttr, escapeText } from './xml.js';

/** One test case: a pass, a broken promise (`failure`) or something that could not be judged (`error`). */
export interface JunitCase {
  name: string;
  /** A broken promise is a `failure`; a run that could not finish is an `error`. */
  outcome?: { tag: 'failure' | 'error'; message: string; type: string; body: string };
}

/** Seconds between two ISO times with millisecond precision; 0 when either is unreadable or out of order. */
export function secondsBetween(from: string, to: string): string {
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms > 0 ? (ms / 1000).toFixed(3) : '0.000';
}

/** The Ant JUnit schema's timestamp form: ISO 8601 without fraction or zone (the report times are UTC). */
export function junitTimestamp(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 19) : '';
}

/** The test cases of a run: one per objective (a missing measurement is an error: it was not judged), the run, the rollback. */
export function junitCases(report: Report): JunitCase[] {
  const out: JunitCase[] = report.objectives.map((o) => {
    if (o.pass) return { name: o.name };
    const message = `target ${o.target}, actual ${o.actual}`;
    const body = `target ${o.target}\nactual ${o.actual}`;
    const notMeasured = o.actualValue === null && o.actual.startsWith('not measured');
    return {
      name: o.name,
      outcome: notMeasured
        ? { tag: 'error', message, type: 'not-measured', body }
        : { tag: 'failure', message, type: 'objective', body },
    };
  });
  if (report.verdict === 'aborted' || report.verdict === 'error') {
    const message = report.reason ?? (report.verdict === 'aborted' ? 'run aborted' : 'run failed with an error');
    out.push({ name: 'run', outcome: { tag: 'error', message, type: report.verdict, body: message } });
  }
  if (!report.rollback.complete) {
    const failed = report.rollback.failed;
    const message = `rollback incomplete: ${failed.length} undo step(s) failed; a person must look`;
    const body = [
      message,
      ...failed.map((f) => `${f.id}: ${f.error}${f.hint ? `\n  what to do: ${f.hint}` : ''}`),
    ].join('\n');
    out.push({ name: 'rollback', outcome: { tag: 'failure', message, type: 'rollback', body } });
  }
  return out;
}

export function attrs(pairs: Array<[string, string | number]>): string {
  return pairs.map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`).join('');
}

/** A test case as XML lines, indented for a testsuite. */
export function junitCaseLines(c: JunitCase, classname: string): string[] {
  const open = `    <testcase${attrs([
    ['classname', classname],
    ['name', c.name],
    ['time', '0'],
  ])}`;
  const o = c.outcome;
  if (o === undefined) return [`${open}/>`];
  return [
    `${open}>`,
    `      <${o.tag}${attrs([
      ['message', o.message],
      ['type', o.type],
    ])}>${escapeText(o.body)}</${o.tag}>`,
    '    </testcase>',
  ];
}

/** junit.xml text for a report, accepted by common CI JUnit parsers. */
export function toJunit(report: Report): string {
  const all = junitCases(report);
  const failures = all.filter((c) => c.outcome?.tag === 'failure').length;
  const errors = all.filter((c) => c.outcome?.tag === 'error').length;
  const time = secondsBetween(report.startedAt, report.endedAt);
  const suite = `gameday.${report.scenario}`;
  const totals: Array<[string, string | number]> = [
    ['tests', all.length],
    ['failures', failures],
    ['errors', errors],
  ];

  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(`<testsuites${attrs([['name', 'gameday'], ...totals, ['time', time]])}>`);
  lines.push(
    `  <testsuite${attrs([['name', suite], ...totals, ['skipped', 0], ['time', time], ['timestamp', junitTimestamp(report.startedAt)], ['hostname', hostname() || 'localhost']])}>`,
  );
  lines.push('    <properties>');
  // The seed: a failed run in CI is replayed with `--seed` (README, "Reproducible choices").
  for (const [name, value] of [
    ['gameday.runId', report.runId],
    ...(report.seed === undefined ? [] : [['gameday.seed', String(report.seed)] as const]),
    ['gameday.verdict', report.verdict],
    ['gameday.startedAt', report.startedAt],
    ['gameday.endedAt', report.endedAt],
  ] as const) {
    lines.push(
      `      <property${attrs([
        ['name', name],
        ['value', value],
      ])}/>`,
    );
  }
  lines.push('    </properties>');
  for (const c of all) lines.push(...junitCaseLines(c, suite));
  lines.push('  </testsuite>');
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
