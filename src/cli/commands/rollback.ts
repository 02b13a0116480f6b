// gameday rollback <run-dir>: undo whatever a crashed or killed run left behind.

import { join } from 'node:path';
import { GamedayError } from '../../errors.js';
import { Journal, pendingUndos, readJournal } from '../../runner/journal.js';
import { rollback } from '../../runner/rollback.js';
import { parseCommandArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { parseDuration } from '../../util/duration.js';

export const rollbackHelp = `Usage: gameday rollback <run-dir> [--timeout 2m]

Replay the undo of every journaled mutation of a run that was not undone (newest first): for a run
killed with SIGKILL, a crash, or a rollback that did not finish. Safe to run more than once.
Exit 0 when everything is undone, 4 when something could not be (a person must look).`;

export async function rollbackCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('rollback', argv, {
    help: { type: 'boolean', short: 'h' },
    timeout: { type: 'string' },
  });
  if (values['help']) {
    io.out(rollbackHelp);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new GamedayError('rollback: give exactly one run directory', {
      kind: 'usage',
      code: 'USAGE',
      hint: 'gameday rollback reports/<scenario>/<run-id>',
    });
  }
  const timeout = values['timeout'] === undefined ? 120_000 : parseDuration(String(values['timeout']));
  if (timeout === undefined || timeout <= 0) {
    throw new GamedayError(`rollback: --timeout takes a duration, got "${String(values['timeout'])}"`, {
      kind: 'usage',
      code: 'USAGE',
      hint: 'e.g. --timeout 2m (how long each undo may take)',
    });
  }
  const path = join(positionals[0] as string, 'journal.ndjson');
  const pending = pendingUndos(readJournal(path));
  if (pending.length === 0) {
    io.out(`nothing to roll back in ${positionals[0]}: every mutation is already undone`);
    return 0;
  }
  io.out(`rolling back ${pending.length} mutation(s), newest first`);
  const journal = new Journal(path);
  try {
    const result = await rollback(journal, pending, {
      timeoutMs: timeout,
      onUndo: (id, status, detail) =>
        status === 'ok' ? io.out(`  undone ${id}: ${detail}`) : io.err(`  FAILED ${id}: ${detail}`),
    });
    if (!result.complete) {
      for (const f of result.failed) if (f.hint) io.err(`  what to do (${f.code ?? f.id}): ${f.hint}`);
      io.err(`rollback incomplete: ${result.failed.length} mutation(s) could not be undone; a person must look`);
      return 4;
    }
    io.out(`rollback complete: ${result.undone} mutation(s) undone`);
    return 0;
  } finally {
    journal.close();
  }
}
