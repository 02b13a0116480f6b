// gameday report <run-dir>: re-render a run's reports from its report.json and print the summary.

import { GamedayError } from '../../errors.js';
import { readReport, toJson, toMarkdown, writeReportFiles } from '../../report/index.js';
import { parseCommandArgs } from '../args.js';
import type { CliIo } from '../io.js';

export const reportHelp = `Usage: gameday report <run-dir> [--json]

Print the summary of a finished run (summary.md) and write its junit.xml and summary.md again from report.json.
--json prints report.json as it is. Exit: the run's own code (0 pass · 1 failed · 3 aborted/error · 4 rollback
incomplete).`;

export async function reportCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('report', argv, {
    help: { type: 'boolean', short: 'h' },
    json: { type: 'boolean' },
  });
  if (values['help']) {
    io.out(reportHelp);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new GamedayError('report: give exactly one run directory', {
      kind: 'usage',
      code: 'USAGE',
      hint: 'gameday report reports/<scenario>/<run-id>',
    });
  }
  const dir = positionals[0] as string;
  const report = await readReport(dir);
  await writeReportFiles(dir, report);
  io.out((values['json'] ? toJson(report) : toMarkdown(report)).trimEnd());
  // The run's own exit code: 4 when its rollback was incomplete, then by verdict.
  if (!report.rollback.complete) return 4;
  return report.verdict === 'pass' ? 0 : report.verdict === 'fail' ? 1 : 3;
}
