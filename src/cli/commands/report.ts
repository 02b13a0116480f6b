// gameday report <run-dir>: re-render a run's reports from its report.json and print the summary.

import { GamedayError } from '../../errors.js';
import { readReport, toMarkdown, writeReportFiles } from '../../report/index.js';
import { gameDayMarkdown } from '../../suite/gameday/markdown.js';
import { isGameDayDir, readGameDayReport } from '../../suite/gameday/write.js';
import { parseCommandArgs } from '../args.js';
import type { CliIo } from '../io.js';

export const reportHelp = `Usage: gameday report <run-dir> [--json]

Print the summary of a finished run and write its junit.xml and summary.md again from report.json.
For a game day's directory, print its summary (items, hypotheses, retro).`;

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
  if (isGameDayDir(dir)) {
    const g = await readGameDayReport(dir);
    io.out(values['json'] ? JSON.stringify(g, null, 2) : gameDayMarkdown(g));
    return g.exitCode;
  }
  const report = await readReport(dir);
  await writeReportFiles(dir, report);
  io.out(values['json'] ? JSON.stringify(report, null, 2) : toMarkdown(report));
  return report.verdict === 'pass' ? 0 : report.verdict === 'fail' ? 1 : 3;
}
