// gameday validate <files…>: every problem in every file, at once.

import { GamedayError } from '../../errors.js';
import { loadScenarioFile } from '../../scenario/index.js';
import { loadGameDayIfOne } from '../../suite/gameday/load.js';
import { parseCommandArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { printDiagnostics } from '../scenarios.js';

export const validateHelp = `Usage: gameday validate <files…>

Check scenario files without running them. Prints every problem as file:line:col: path: message.
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
    const gameday = await loadGameDayIfOne(file);
    if (gameday) {
      printDiagnostics(gameday.diagnostics, io);
      if (!gameday.gameday) invalid += 1;
      else if (!values['quiet'])
        io.out(`${file}: ok (game day ${gameday.gameday.name}, ${gameday.gameday.items.length} items)`);
      continue;
    }
    const { scenario, diagnostics } = await loadScenarioFile(file);
    printDiagnostics(diagnostics, io);
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
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
