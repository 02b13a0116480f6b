// Loading scenarios for commands: diagnostics to stderr, a GamedayError (exit 2) when any file is invalid.

import { GamedayError } from '../errors.js';
import { formatDiagnostic, loadScenarioFile, type Diagnostic } from '../scenario/index.js';
import type { Scenario } from '../scenario/types.js';
import type { CliIo } from './io.js';

/** Load one or more scenario files; print every diagnostic; throw when any has an error. */
export async function loadOrExplain(files: string[], io: CliIo): Promise<Scenario[]> {
  const scenarios: Scenario[] = [];
  let errors = 0;
  for (const file of files) {
    const { scenario, diagnostics } = await loadScenarioFile(file);
    printDiagnostics(diagnostics, io);
    errors += diagnostics.filter((d) => d.severity === 'error').length;
    if (scenario) scenarios.push(scenario);
  }
  if (errors > 0) {
    throw new GamedayError(
      `${errors} error${errors === 1 ? '' : 's'} in ${files.length === 1 ? files[0] : `${files.length} files`}`,
      {
        kind: 'invalid-input',
        code: 'INVALID_SCENARIO',
        hint: 'fix the problems above; `gameday validate` checks a file without running it',
      },
    );
  }
  return scenarios;
}

export function printDiagnostics(diagnostics: readonly Diagnostic[], io: CliIo): void {
  for (const d of diagnostics) io.err(formatDiagnostic(d));
}
