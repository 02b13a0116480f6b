// The final verdict table printed after a run.

import { verdictTable } from '../report/index.js';
import type { RunResult } from '../runner/run.js';
import type { CliIo } from './io.js';
import type { OutputMode } from './args.js';

/** Rows of text in aligned columns (history and compare print with it too). */
export { table as textTable };

function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((row) =>
    row
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

/** Print the outcome of one run in the chosen output mode. */
export function printRunResult(result: RunResult, io: CliIo, mode: OutputMode): void {
  const { report } = result;
  if (mode.json) {
    io.out(JSON.stringify({ ...report, runDir: result.runDir, exitCode: result.exitCode }, null, 2));
    return;
  }
  const head = `${report.scenario}: ${report.verdict.toUpperCase()}${report.reason ? ` — ${report.reason}` : ''}`;
  if (mode.quiet) {
    io.out(`${head} (${result.runDir})`);
    return;
  }
  io.out('');
  io.out(head);
  const rows = verdictTable(report);
  if (rows.length > 1) for (const line of table(rows)) io.out(`  ${line}`);
  if (!report.rollback.complete) {
    io.out(`  ROLLBACK INCOMPLETE: ${report.rollback.failed.map((f) => f.error).join('; ')}`);
    for (const f of report.rollback.failed) if (f.hint) io.out(`  what to do (${f.code ?? f.id}): ${f.hint}`);
    io.out(`  a person must look: gameday rollback ${result.runDir}`);
  }
  io.out(`  reports: ${result.files.json}`);
  io.out(`           ${result.files.junit}`);
  io.out(`           ${result.files.markdown}`);
}
