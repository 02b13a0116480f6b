// The owner watchdog: a fixture started for a process (a test file, a bench) stops by itself when that
// process dies, however it dies (SIGKILL, OOM, a test runner killed by a timeout), so nothing is left
// running. The fixture's own processes are detached (they must survive a Ctrl-C meant for the CLI), so
// nothing else would stop them.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./watchdog-process.mjs', import.meta.url));

/**
 * Start a detached watchdog for the fixture in `stateDir` and return its pid. Once per `intervalMs` it
 * checks that `ownerPid` is alive; when it is gone, it calls the `exportName` export of `module` (an
 * absolute path) with `{ stateDir, log }` — the fixture's own `down` — and exits. It also exits as soon
 * as `marker` (a file the fixture's normal stop removes) is gone or written anew (a new fixture in the
 * same dir), so it never outlives the fixture it was started for.
 * @param {{ ownerPid: number, stateDir: string, marker: string, module: string, exportName: string,
 *   logFile: string, intervalMs?: number }} opts
 * @returns {number}
 */
export function startOwnerWatchdog({ ownerPid, stateDir, marker, module, exportName, logFile, intervalMs = 1000 }) {
  if (!Number.isInteger(ownerPid) || ownerPid <= 0) throw new Error(`ownerPid must be a pid, got ${ownerPid}`);
  const config = { ownerPid, stateDir, marker, module, exportName, intervalMs };
  const out = fs.openSync(logFile, 'a');
  // Why detached: a Ctrl-C or a kill aimed at the owner's process group must not take the watchdog with
  // it; it is the one left to clean up. Output to a file: nobody reads a pipe after the owner is gone.
  const child = spawn(process.execPath, [SCRIPT, JSON.stringify(config)], {
    detached: true,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  child.unref();
  if (!child.pid) throw new Error(`could not start the owner watchdog for ${stateDir}`);
  return child.pid;
}
