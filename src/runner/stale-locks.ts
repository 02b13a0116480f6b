// Target locks a killed run left behind: `gameday rollback` removes them once it has undone that run, so
// no lock file outlives the run and its rollback. Only locks whose holder process is gone and whose run
// dir is the one rolled back are touched.

import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isAlive } from '../drivers/sandbox/teardown.js';

/** Remove the locks held by the dead run of `runDir`; returns how many were removed. */
export function releaseDeadLocks(runDir: string, lockDir = join(tmpdir(), 'gameday-locks')): number {
  let removed = 0;
  let files: string[] = [];
  try {
    files = readdirSync(lockDir).filter((f) => f.endsWith('.lock'));
  } catch {
    return 0;
  }
  for (const file of files) {
    try {
      const holder = JSON.parse(readFileSync(join(lockDir, file), 'utf8')) as { pid?: number; runDir?: string };
      if (holder.runDir === undefined || resolve(holder.runDir) !== resolve(runDir)) continue;
      if (holder.pid !== undefined && isAlive(holder.pid)) continue;
      rmSync(join(lockDir, file), { force: true });
      removed += 1;
    } catch {
      // Torn or gone meanwhile: not ours to judge.
    }
  }
  return removed;
}
