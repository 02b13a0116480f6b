// gameday report <run-dir>: re-render a run's reports from its report.json and print the summary.

import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { GamedayError } from '../../errors.js';
import { readReport, toJson, toMarkdown, writeReportFiles } from '../../report/index.js';
import { gameDayMarkdown } from '../../suite/gameday/markdown.js';
import { isGameDayDir, readGameDayReport } from '../../suite/gameday/write.js';
import { parseCommandArgs } from '../args.js';
import type { CliIo } from '../io.js';

export const reportHelp = `Usage: gameday report <run-dir> [--html] [--json] [--quiet]

Write a finished run's junit.xml, summary.md and report.html again from its report.json (and the
samples.ndjson / load.ndjson beside it, when the run wrote them), then print the summary.
For a game day's directory, print its summary (items, hypotheses, retro).
--html prints the path of report.html instead (for runs made before gameday wrote HTML reports);
--json prints report.json as it is; --quiet prints nothing. Exit: the run's own code (0 pass · 1 failed ·
3 aborted or error · 4 rollback incomplete).`;

export async function reportCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('report', argv, {
    help: { type: 'boolean', short: 'h' },
    json: { type: 'boolean' },
    html: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
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
  const given = positionals[0] as string;
  // A path to report.json itself names its run directory.
  const dir = (await stat(given).catch(() => undefined))?.isFile() ? dirname(given) : given;
  if (isGameDayDir(dir)) {
    const g = await readGameDayReport(dir);
    if (values['json']) io.out(JSON.stringify(g, null, 2));
    else if (!values['quiet']) io.out(gameDayMarkdown(g));
    return g.exitCode;
  }
  const report = await readReport(dir);
  const paths = await writeReportFiles(dir, report);
  if (values['json']) io.out(toJson(report).trimEnd());
  else if (values['html']) {
    if (!values['quiet']) io.out(paths.html);
  } else if (!values['quiet']) io.out(toMarkdown(report).trimEnd());
  // The run's own exit code: 4 when its rollback was incomplete, then by verdict.
  if (!report.rollback.complete) return 4;
  return report.verdict === 'pass' ? 0 : report.verdict === 'fail' ? 1 : 3;
}
