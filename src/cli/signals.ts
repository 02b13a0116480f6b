// SIGINT/SIGTERM: the first one aborts the run (rollback still runs); a second one exits at once
// with code 4 and says how to finish the rollback by hand.

import { GamedayError } from '../errors.js';
import type { CliIo } from './io.js';

export function abortOnSignals(
  io: CliIo,
  runDirHint: () => string | undefined,
): { signal: AbortSignal; dispose(): void } {
  const ctl = new AbortController();
  const handler = (sig: NodeJS.Signals): void => {
    if (!ctl.signal.aborted) {
      io.err(
        `\ngameday: ${sig} received — stopping the experiment and rolling back (send it again to exit without rollback)`,
      );
      ctl.abort(new GamedayError(`interrupted by ${sig}`, { kind: 'aborted', code: 'INTERRUPTED' }));
      return;
    }
    const dir = runDirHint();
    io.err(`gameday: exiting before rollback finished; faults may remain. Run: gameday rollback ${dir ?? '<run-dir>'}`);
    process.exit(4);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: ctl.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
