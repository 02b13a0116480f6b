// Running one scenario from the command line: signals, live progress, the final table, the exit code.

import type { RunOptions, RunResult } from '../runner/run.js';
import type { Scenario } from '../scenario/types.js';
import type { OutputMode } from './args.js';
import type { CliIo } from './io.js';
import { consoleProgress } from './progress.js';
import { abortOnSignals } from './signals.js';
import { printRunResult } from './summary.js';

export type ScenarioRunner = (scenario: Scenario, opts: RunOptions) => Promise<RunResult>;

/** Run `scenario` with `runner` (chaos run or drill) as `gameday run` / `gameday drill` do; returns the exit code. */
export async function runWithConsole(
  runner: ScenarioRunner,
  scenario: Scenario,
  io: CliIo,
  opts: {
    reportDir: string;
    mode: OutputMode;
    timeoutMs: number;
    seed?: number | undefined;
    run?: Partial<RunOptions>;
  },
): Promise<number> {
  let runDir: string | undefined;
  const signals = abortOnSignals(io, () => runDir);
  try {
    const sandboxUrl = process.env['GAMEDAY_SANDBOX_URL'];
    const result = await runner(scenario, {
      reportDir: opts.reportDir,
      signal: signals.signal,
      reporters: [
        consoleProgress(io, { timeoutMs: opts.timeoutMs, quiet: opts.mode.quiet || opts.mode.json }),
        { onEvent: (e) => (e.kind === 'run-start' ? (runDir = e.runDir) : undefined) },
      ],
      ...(sandboxUrl ? { sandboxUrl } : {}),
      ...(opts.seed === undefined ? {} : { seed: opts.seed }),
      ...opts.run,
    });
    printRunResult(result, io, opts.mode);
    return result.exitCode;
  } finally {
    signals.dispose();
  }
}
