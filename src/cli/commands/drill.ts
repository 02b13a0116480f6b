// gameday drill <file>: an on-demand backup-restore drill with measured restore time and RPO.

import { GamedayError } from '../../errors.js';
import { runDrillScenario } from '../../runner/drill.js';
import { outputMode, outputOptions, parseCommandArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { loadOrExplain } from '../scenarios.js';
import { runWithConsole } from '../run-with-console.js';

export const drillHelp = `Usage: gameday drill <file> [--report-dir D] [--quiet] [--json]

Run a backup-restore drill: pick the backup (a pg_dump of the sandbox or a database, the newest dump in
a folder or under an S3 prefix), restore it into a scratch PostgreSQL that is always removed afterwards,
run the validations (row counts, checksums, schema, queries) and measure the restore duration, the RPO
(drill start − newest marker in the copy), the source's age and the data volume.
Exit: 0 pass · 1 an objective or validation failed · 2 invalid input · 3 aborted or error · 4 cleanup incomplete.`;

export async function drillCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('drill', argv, outputOptions);
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
  const [scenario] = await loadOrExplain(positionals, io);
  if (!scenario) return 2;
  return runWithConsole(runDrillScenario, scenario, io, {
    reportDir: String(values['report-dir'] ?? 'reports'),
    mode,
    timeoutMs: scenario.drill?.timeoutMs ?? scenario.guards.timeoutMs,
  });
}
