// gameday rollback <run-dir>: undo whatever a crashed or killed run left behind.

import { join } from 'node:path';
import { GamedayError } from '../../errors.js';
import { Journal, pendingUndos, readJournal } from '../../runner/journal.js';
import { rollback } from '../../runner/rollback.js';
import { parseCommandArgs } from '../args.js';
import type { CliIo } from '../io.js';

export const rollbackHelp = `Usage: gameday rollback <run-dir> [--timeout-ms 120000] [--json] [--quiet]

Replay the undo of every journaled mutation of a run that was not undone (newest first): for a run
killed with SIGKILL, a crash, or a rollback that did not finish. Safe to run more than once.
Exit 0 when everything is undone, 4 when something could not be (a person must look).
--json prints { runDir, pending, complete, undone, failed } at the end; --quiet prints failures only.`;

export async function rollbackCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('rollback', argv, {
    help: { type: 'boolean', short: 'h' },
    'timeout-ms': { type: 'string' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
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
  const path = join(positionals[0] as string, 'journal.ndjson');
  const pending = pendingUndos(readJournal(path));
  const json = values['json'] === true;
  // --json: one document at the end; --quiet: failures only.
  const say = json || values['quiet'] ? (): void => undefined : (line: string): void => io.out(line);
  const summary = (complete: boolean, undone: number, failed: unknown[]): void => {
    if (json)
      io.out(JSON.stringify({ runDir: positionals[0], pending: pending.length, complete, undone, failed }, null, 2));
  };
  if (pending.length === 0) {
    say(`nothing to roll back in ${positionals[0]}: every mutation is already undone`);
    summary(true, 0, []);
    return 0;
  }
  say(`rolling back ${pending.length} mutation(s), newest first`);
  const journal = new Journal(path);
  try {
    const result = await rollback(journal, pending, {
      timeoutMs: Number(values['timeout-ms'] ?? 120_000),
      onUndo: (id, status, detail) =>
        status === 'ok' ? say(`  undone ${id}: ${detail}`) : io.err(`  FAILED ${id}: ${detail}`),
    });
    summary(result.complete, result.undone, result.failed);
    if (!result.complete) {
      for (const f of result.failed) if (f.hint) io.err(`  what to do (${f.code ?? f.id}): ${f.hint}`);
      io.err(`rollback incomplete: ${result.failed.length} mutation(s) could not be undone; a person must look`);
      return 4;
    }
    say(`rollback complete: ${result.undone} mutation(s) undone`);
    return 0;
  } finally {
    journal.close();
  }
}
