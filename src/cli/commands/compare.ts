// gameday compare <run-a> <run-b>: two runs side by side — RTO, p95, availability, restore time, RPO,
// error rate, score and every objective — with the deltas from a to b.

import { GamedayError } from '../../errors.js';
import { compareReports, type CompareRow } from '../../history/compare.js';
import { readReport } from '../../report/index.js';
import { parseCommandArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { textTable } from '../summary.js';

export const compareHelp = `Usage: gameday compare <run-a> <run-b> [--json] [--quiet]

Two runs side by side (run directories, or their report.json files): the trended metrics and every
objective, with the change from a to b and whether it is better or worse.`;

function lines(title: string, rows: CompareRow[], a: string, b: string): string[] {
  const all = [[title, a, b, 'change', ''], ...rows.map((r) => [r.name, r.a, r.b, r.delta, r.direction])];
  return textTable(all).map((l) => `  ${l}`);
}

export async function compareCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('compare', argv, {
    help: { type: 'boolean', short: 'h' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (values['help']) {
    io.out(compareHelp);
    return 0;
  }
  if (positionals.length !== 2) {
    throw new GamedayError('compare: give two run directories', {
      kind: 'usage',
      code: 'USAGE',
      hint: 'gameday compare reports/<scenario>/<run-a> reports/<scenario>/<run-b>',
    });
  }
  const [a, b] = await Promise.all(positionals.map((p) => readReport(p)));
  if (!a || !b) return 2;
  const rows = compareReports(a, b);
  if (values['json']) {
    io.out(
      JSON.stringify(
        { a: { scenario: a.scenario, runId: a.runId }, b: { scenario: b.scenario, runId: b.runId }, ...rows },
        null,
        2,
      ),
    );
    return 0;
  }
  if (a.scenario !== b.scenario) io.err(`gameday: note: comparing two scenarios (${a.scenario}, ${b.scenario})`);
  io.out(`${a.scenario}: ${a.runId} (${a.verdict.toUpperCase()}) → ${b.runId} (${b.verdict.toUpperCase()})`);
  if (values['quiet']) return 0;
  for (const l of lines('metric', rows.metrics, 'a', 'b')) io.out(l);
  io.out('');
  for (const l of lines('objective', rows.objectives, 'a', 'b')) io.out(l);
  return 0;
}
