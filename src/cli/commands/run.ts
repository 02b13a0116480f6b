// gameday run <file> [--report-dir D]: run one scenario against the live system.

import { readFile } from 'node:fs/promises';
import { GamedayError } from '../../errors.js';
import { isGameDayText } from '../../suite/gameday/load.js';
import { runWithServices } from '../../suite/services.js';
import { outputMode, outputOptions, parseCommandArgs, seedOption, seedValue } from '../args.js';
import { gameDayRunCommand } from './gameday-run.js';
import { suiteOptions, suiteServices, terminalCheckpoints } from '../suite-options.js';
import type { CliIo } from '../io.js';
import { loadOrExplain } from '../scenarios.js';
import { runWithConsole } from '../run-with-console.js';

export const runHelp = `Usage: gameday run <file> [--report-dir D] [--seed N] [--quiet] [--json] [--notify KIND=URL|ENV]… [--history S3_URL] [--interactive]

Run a scenario: steady state, faults, recovery, rollback (always), measurements and objectives.
Reports go to <report-dir>/<scenario>/<run-id>/ (default report dir: reports/).
A game day file (kind: GameDay) runs its scenarios and drills in order.
Checkpoints wait for Enter on a terminal or \`gameday ack <run-dir>\`; --interactive waits for the ack
without a terminal. --notify slack[=URL|ENV], webhook=URL|ENV, grafana=URL sends start/abort/end webhooks.
--history s3://bucket/prefix uploads the run directory and indexes it there.
Set GAMEDAY_SANDBOX_URL to run against an already running sandbox instead of starting one.
--seed N makes the run's random choices (which replicas, pods, nodes) those of seed N: \`gameday plan --seed N
--json\` shows them beforehand, and a run's timeline and report.json name its seed so it can be repeated.
In a game day, its k-th scenario or drill (from 0; checkpoints take none) runs with N + k.
Exit: 0 pass · 1 an objective failed · 2 invalid input · 3 aborted or error · 4 rollback incomplete.`;

export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('run', argv, { ...outputOptions, ...seedOption, ...suiteOptions });
  if (values['help']) {
    io.out(runHelp);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new GamedayError('run: give exactly one scenario file', {
      kind: 'usage',
      code: 'USAGE',
      hint: 'gameday run scenarios/sandbox/pod-kill.yaml',
    });
  }
  const mode = outputMode(values);
  const file = positionals[0] as string;
  if (isGameDayText(await readFile(file, 'utf8').catch(() => ''))) return gameDayRunCommand(file, values, io);
  const [scenario] = await loadOrExplain(positionals, io);
  if (!scenario) return 2;
  if (scenario.drill && scenario.steps.length === 0) {
    throw new GamedayError(`${scenario.name} is a backup-restore drill`, {
      kind: 'usage',
      code: 'USAGE',
      hint: `run it with: gameday drill ${positionals[0]}`,
    });
  }
  const reportDir = String(values['report-dir'] ?? 'reports');
  const services = await suiteServices(values, reportDir, io, true);
  const checkpoints = terminalCheckpoints(values, io);
  return runWithConsole((s, o) => runWithServices(s, o, services), scenario, io, {
    reportDir,
    mode,
    timeoutMs: scenario.guards.timeoutMs,
    seed: seedValue('run', values),
    ...(checkpoints ? { run: { checkpoints } } : {}),
  });
}
