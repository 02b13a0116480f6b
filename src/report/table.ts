// The final objectives table the CLI prints after a run (data only; the CLI does the printing).

import type { Report } from './types.js';

export const VERDICT_TABLE_HEADER = ['Objective', 'Target', 'Actual', 'Result'] as const;

/** Rows of [objective, target, actual, PASS|FAIL], header first; line breaks in values become spaces. */
export function verdictTable(report: Report): string[][] {
  const flat = (s: string): string => s.replace(/\s*[\r\n]+\s*/g, ' ');
  return [
    [...VERDICT_TABLE_HEADER],
    ...report.objectives.map((o) => [flat(o.name), flat(o.target), flat(o.actual), o.pass ? 'PASS' : 'FAIL']),
  ];
}
