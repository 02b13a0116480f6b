// gameday validate <files…>: every problem in every file, at once.

import { GamedayError, isGamedayError } from '../../errors.js';
import { checkK6 } from '../../load/k6-binary.js';
import { loadScenarioFile } from '../../scenario/index.js';
import { parseCommandArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { printDiagnostics } from '../scenarios.js';

export const validateHelp = `Usage: gameday validate <files…>

Check scenario files without running them. Prints every problem as file:line:col: path: message.
A scenario with k6 load also needs k6 (v0.50 or newer) on this machine.
Exit 0 when all are valid, 2 otherwise.`;

export async function validateCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('validate', argv, {
    help: { type: 'boolean', short: 'h' },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (values['help']) {
    io.out(validateHelp);
    return 0;
  }
  if (positionals.length === 0) {
    throw new GamedayError('validate: no scenario file given', {
      kind: 'usage',
      code: 'USAGE',
      hint: 'gameday validate scenarios/sandbox/*.yaml',
    });
  }
  let invalid = 0;
  for (const file of positionals) {
    const { scenario, diagnostics } = await loadScenarioFile(file);
    printDiagnostics(diagnostics, io);
    let errors = diagnostics.filter((d) => d.severity === 'error').length;
    if (scenario?.load?.engine === 'k6') {
      try {
        await checkK6(scenario.load.binary);
      } catch (error) {
        if (!isGamedayError(error)) throw error;
        io.err(`${file}: load.k6: ${error.message}`);
        if (error.hint) io.err(`  hint: ${error.hint}`);
        errors += 1;
      }
    }
    if (errors > 0 || !scenario) invalid += 1;
    else if (!values['quiet'])
      io.out(`${file}: ok (${scenario.name}, ${scenario.steps.length} step${scenario.steps.length === 1 ? '' : 's'})`);
  }
  if (invalid > 0) {
    io.err(`${invalid} of ${positionals.length} file${positionals.length === 1 ? '' : 's'} invalid`);
    return 2;
  }
  return 0;
}
