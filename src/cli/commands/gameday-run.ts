// gameday run <gameday.yaml>: a game day — its scenarios and drills in order, checkpoints for the
// people in the room, notes from other terminals — then its report with the retro section.

import { loadGameDayFile } from '../../suite/gameday/load.js';
import { runGameDay } from '../../suite/gameday/run.js';
import type { GameDayReport } from '../../suite/gameday/report-types.js';
import { GAMEDAY_FILES } from '../../suite/gameday/write.js';
import { GamedayError } from '../../errors.js';
import { outputMode, seedValue } from '../args.js';
import { paint, verdictTone } from '../colour.js';
import type { CliIo } from '../io.js';
import { consoleProgress } from '../progress.js';
import { printDiagnostics } from '../scenarios.js';
import { abortOnSignals } from '../signals.js';
import { parseNotify, suiteServices, terminalCheckpoints } from '../suite-options.js';

type Values = Record<string, string | boolean | string[] | undefined>;

/** Load a game day file, printing every problem; throws (exit 2) when it has errors. */
export async function loadGameDayOrExplain(file: string, io: CliIo) {
  const { gameday, diagnostics } = await loadGameDayFile(file);
  printDiagnostics(diagnostics, io);
  if (!gameday) {
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    throw new GamedayError(`${errors} error${errors === 1 ? '' : 's'} in game day ${file}`, {
      kind: 'invalid-input',
      code: 'INVALID_GAMEDAY',
      hint: 'fix the problems above; `gameday validate` checks a file without running it',
    });
  }
  return gameday;
}

/** The game day's result for people: items, hypotheses, score, where the reports are. */
export function printGameDay(r: GameDayReport, runDir: string, io: CliIo, quiet: boolean): void {
  const word = (status: string, text: string): string =>
    paint(io.colour, status === 'skipped' ? 'warn' : verdictTone(status), text);
  const head = `game day ${r.gameday}: ${word(r.verdict, r.verdict.toUpperCase())}, score ${r.score}${r.reason ? ` — ${r.reason}` : ''}`;
  if (quiet) {
    io.out(`${head} (${runDir})`);
    return;
  }
  io.out('');
  io.out(head);
  for (const i of r.items)
    io.out(
      `  ${word(i.status, i.status.toUpperCase().padEnd(8))} ${i.name} (${i.kind})${i.runDir ? `  ${i.runDir}` : ''}`,
    );
  for (const h of r.hypotheses) io.out(`  hypothesis ${h.id}: ${h.status}`);
  io.out(`  reports: ${runDir}/${GAMEDAY_FILES.markdown} (retro section ready to paste)`);
  io.out(`           ${runDir}/${GAMEDAY_FILES.json}`);
  io.out(`           ${runDir}/${GAMEDAY_FILES.junit}`);
}

export async function gameDayRunCommand(file: string, values: Values, io: CliIo): Promise<number> {
  const mode = outputMode(values as Record<string, string | boolean | undefined>);
  const seed = seedValue('run', values as Record<string, string | boolean | undefined>);
  const gameday = await loadGameDayOrExplain(file, io);
  const reportDir = String(values['report-dir'] ?? 'reports');
  const services = await suiteServices(values, reportDir, io, false);
  const checkpoints = terminalCheckpoints(values, io);
  let gameDir: string | undefined;
  const signals = abortOnSignals(io, () => gameDir);
  const quiet = mode.quiet || mode.json;
  try {
    const sandboxUrl = process.env['GAMEDAY_SANDBOX_URL'];
    const timeoutMs = Math.max(
      ...gameday.items.map((i) => (i.kind === 'checkpoint' ? 0 : i.scenario.guards.timeoutMs)),
    );
    const result = await runGameDay(gameday, {
      reportDir,
      signal: signals.signal,
      reporters: [consoleProgress(io, { timeoutMs, quiet })],
      services,
      notify: parseNotify(values),
      ...(seed === undefined ? {} : { seed }),
      ...(checkpoints ? { checkpoints } : {}),
      ...(sandboxUrl ? { sandboxUrl } : {}),
      onStart: (dir) => (gameDir = dir),
      onProgress: (m) => {
        if (!quiet) io.err(`gameday: ${m}`);
      },
    });
    gameDir = result.runDir;
    if (mode.json) io.out(JSON.stringify({ ...result.report, runDir: result.runDir }, null, 2));
    else printGameDay(result.report, result.runDir, io, mode.quiet);
    return result.exitCode;
  } finally {
    signals.dispose();
  }
}
