// The final verdict table printed after a run.

import { budgetLine } from '../report/budget-text.js';
import { toJson, verdictTable } from '../report/index.js';
import type { RunResult } from '../runner/run.js';
import type { CliIo } from './io.js';
import type { OutputMode } from './args.js';
import { paint, verdictTone } from './colour.js';

/** Rows of text in aligned columns, without colour (history and compare print with it). */
export function textTable(rows: string[][]): string[] {
  return table(rows, false);
}

function table(rows: string[][], colour: boolean | undefined): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  const last = (rows[0]?.length ?? 0) - 1;
  return rows.map((row, r) =>
    row
      .map((c, i) => {
        const cell = c.padEnd(widths[i] ?? 0);
        // Padding first, colour after: escape codes must not count towards the column width.
        return r > 0 && i === last ? paint(colour, verdictTone(c), cell) : cell;
      })
      .join('  ')
      .trimEnd(),
  );
}

/** Print the outcome of one run in the chosen output mode. */
export function printRunResult(result: RunResult, io: CliIo, mode: OutputMode): void {
  const { report } = result;
  if (mode.json) {
    // Exactly the bytes of report.json (the same serializer), so `gameday run --json | jq` reads the file's content.
    io.out(toJson(report).trimEnd());
    return;
  }
  const verdict = paint(io.colour, verdictTone(report.verdict), report.verdict.toUpperCase());
  const head = `${report.scenario}: ${verdict}${report.reason ? ` — ${report.reason}` : ''}`;
  if (mode.quiet) {
    io.out(`${head} (${result.runDir})`);
    return;
  }
  io.out('');
  io.out(head);
  const rows = verdictTable(report);
  if (rows.length > 1) for (const line of table(rows, io.colour)) io.out(`  ${line}`);
  for (const b of report.measurements.errorBudgets ?? []) io.out(`  ${budgetLine(b)}`);
  if (!report.rollback.complete) {
    io.out(`  ROLLBACK INCOMPLETE: ${report.rollback.failed.map((f) => f.error).join('; ')}`);
    for (const f of report.rollback.failed) if (f.hint) io.out(`  what to do (${f.code ?? f.id}): ${f.hint}`);
    io.out(`  a person must look: gameday rollback ${result.runDir}`);
  }
  io.out(`  reports: ${result.files.json}`);
  io.out(`           ${result.files.junit}`);
  io.out(`           ${result.files.markdown}`);
  io.out(`           ${result.files.html}`);
}
