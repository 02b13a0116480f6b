// A test seam for crash testing: `GAMEDAY_FAILPOINT=kill-after-applied:<n>` makes the process SIGKILL
// itself right after the n-th `applied` entry of a journal is on disk — a deterministic kill -9 at any
// journaled mutation, so the crash matrix can prove that `gameday rollback` converges from every one of
// them. Inert when the variable is unset.

import { GamedayError } from '../errors.js';

export const FAILPOINT_ENV = 'GAMEDAY_FAILPOINT';

/** The kill point the environment asks for: the n-th applied entry (1-based), or null when unset. */
export function killAfterApplied(env: NodeJS.ProcessEnv = process.env): number | null {
  const value = env[FAILPOINT_ENV];
  if (value === undefined || value === '') return null;
  const m = /^kill-after-applied:([1-9]\d*)$/.exec(value);
  if (!m) {
    // Why refuse rather than ignore: a crash test whose failpoint silently does nothing would pass
    // without ever having killed anything.
    throw new GamedayError(`${FAILPOINT_ENV}=${value} is not a failpoint gameday knows`, {
      kind: 'usage',
      code: 'FAILPOINT',
      hint: `use ${FAILPOINT_ENV}=kill-after-applied:<n> (n >= 1), or unset it`,
    });
  }
  return Number(m[1]);
}

/** Called after the n-th applied entry was fsync'ed: dies here, with SIGKILL, when the failpoint says so. */
export function afterApplied(count: number, killAt: number | null): void {
  if (killAt !== null && count === killAt) process.kill(process.pid, 'SIGKILL');
}
