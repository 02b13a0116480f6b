// summary.md sections for what game days, the gate and notifications add to a run: the regression
// check against the baseline, checkpoints, notes, and notifications that failed.

import type { Report } from './types.js';

type Escape = (text: string) => string;

/** The sections, in order; empty when the report has none of these parts. */
export function liveSections(r: Report, escape: Escape): string[][] {
  const out: string[][] = [];
  const reg = r.regression;
  if (reg) {
    const lines = ['## Regression against the baseline', ''];
    if (reg.baselineRuns.length === 0)
      lines.push(`_No earlier passing run to compare with (${escape(reg.baseline)})._`);
    else {
      lines.push(
        `Baseline ${escape(reg.baseline)} from ${reg.baselineRuns.map(escape).join(', ')}: ${reg.regressed ? '**REGRESSED**' : 'within tolerance'}`,
        '',
      );
      for (const c of reg.checks) lines.push(`- ${c.regressed ? '**REGRESSED**' : 'ok'} ${escape(c.explanation)}`);
    }
    out.push(lines);
  }
  if (r.checkpoints && r.checkpoints.length > 0) {
    out.push([
      '## Checkpoints',
      '',
      ...r.checkpoints.map((c) => `- ${escape(c.step)} (“${escape(c.prompt)}”): ${escape(c.detail)}`),
    ]);
  }
  if (r.notes && r.notes.length > 0) {
    out.push([
      '## Notes',
      '',
      ...r.notes.map((n) => `- ${escape(n.at)}: ${escape(n.text)}${n.author ? ` (${escape(n.author)})` : ''}`),
    ]);
  }
  const failed = (r.notifications ?? []).filter((n) => !n.ok);
  if (failed.length > 0) {
    out.push([
      '## Notifications that failed',
      '',
      ...failed.map((n) => `- ${n.channel} ${n.event} to ${escape(n.target)}: ${escape(n.error ?? '')}`),
    ]);
  }
  return out;
}
