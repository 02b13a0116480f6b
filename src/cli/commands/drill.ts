// gameday drill <file>: an on-demand backup-restore drill with measured restore time and RPO.

import { GamedayError } from '../../errors.js';
import { runWithServices } from '../../suite/services.js';
import { outputMode, outputOptions, parseCommandArgs, seedOption, seedValue } from '../args.js';
import { suiteOptions, suiteServices, terminalCheckpoints } from '../suite-options.js';
import type { CliIo } from '../io.js';
import { loadOrExplain } from '../scenarios.js';
import { runWithConsole } from '../run-with-console.js';

export const drillHelp = `Usage: gameday drill <file> [--report-dir D] [--seed N] [--quiet] [--json] [--notify KIND=URL|ENV]… [--history S3_URL]

Run a backup-restore drill: pick the backup (a pg_dump of the sandbox or a database, the newest dump in
a folder or under an S3 prefix), restore it into a scratch PostgreSQL that is always removed afterwards,
run the validations (row counts, checksums, schema, queries) and measure the restore duration, the RPO
(drill start − newest marker in the copy), the source's age and the data volume.
--seed N repeats a \`pick: random\` choice of backup; the drill's timeline and report.json name its seed.
Exit: 0 pass · 1 an objective or validation failed · 2 invalid input · 3 aborted or error · 4 cleanup incomplete.`;

export async function drillCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('drill', argv, { ...outputOptions, ...seedOption, ...suiteOptions });
  if (values['help']) {
    io.out(drillHelp);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new GamedayError('drill: give exactly one scenario file', {
      kind: 'usage',
      code: 'USAGE',
      hint: 'gameday drill scenarios/sandbox/backup-restore.yaml',
    });
  }
  const mode = outputMode(values);
  const seed = seedValue('drill', values);
  const [scenario] = await loadOrExplain(positionals, io);
  if (!scenario) return 2;
  const reportDir = String(values['report-dir'] ?? 'reports');
  const services = await suiteServices(values, reportDir, io, true);
  const checkpoints = terminalCheckpoints(values, io);
  return runWithConsole((s, o) => runWithServices(s, o, services), scenario, io, {
    reportDir,
    mode,
    timeoutMs: scenario.drill?.timeoutMs ?? scenario.guards.timeoutMs,
    seed,
    ...(checkpoints ? { run: { checkpoints } } : {}),
  });
}
