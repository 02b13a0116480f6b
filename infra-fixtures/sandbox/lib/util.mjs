// Small process and network helpers shared by the supervisor and the CLI.

import fs from 'node:fs';

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True when a process with this pid exists (and is not a zombie). */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/**
 * True when `pid` still runs one of the sandbox's programs. Why: pids listed in an old state file
 * may have been reused by unrelated processes; we only ever signal our own.
 */
export function isSandboxProcess(pid) {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return /supervisor\.mjs|api\.mjs|postgres|postmaster/.test(cmdline);
  } catch {
    return isAlive(pid);
  }
}

/** Wait until every pid is gone, up to `timeoutMs`; returns the ones still alive. */
export async function waitGone(pids, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(25);
    alive = alive.filter(isAlive);
  }
  return alive;
}

/** Write JSON atomically (write a temp file, then rename) so readers never see half a file. */
export function writeJsonAtomic(file, value) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  fs.renameSync(tmp, file);
}
