// Keeping k6 from outliving gameday. k6 runs in its own process group (a Ctrl-C meant for gameday must
// not reach it); gameday records its pid and start time in <dir>/k6.pid and starts an owner watchdog
// (watchdog.mjs) that calls `stopK6` when gameday is gone, however it died (SIGKILL included).

import fs from 'node:fs';
import path from 'node:path';

export const K6_PID_FILE = 'k6.pid';

/** The start time of a process (clock ticks since boot, /proc/<pid>/stat field 22), or null. */
export function processStartTime(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** True while the process with this pid and start time runs (a zombie counts as gone). */
export function sameProcessAlive(pid, start) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (error.code !== 'EPERM') return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return !/^[ZX]/.test(fields[0] ?? '') && (start === null || fields[19] === start);
  } catch {
    return true; // no procfs: trust kill(0)
  }
}

/** Record the k6 process for the watchdog. */
export function writeK6Pid(dir, pid) {
  fs.writeFileSync(path.join(dir, K6_PID_FILE), JSON.stringify({ pid, start: processStartTime(pid) }) + '\n');
}

/** Send a signal to k6's process group (it leads one), falling back to the process. */
function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * The watchdog's teardown: SIGTERM k6's process group, SIGKILL it after `graceMs`, then remove the pid
 * file (which also ends the watchdog). A pid reused by another process is left alone.
 * @param {{ stateDir: string, log?: (line: string) => void, graceMs?: number }} opts
 */
export async function stopK6({ stateDir, log = () => {}, graceMs = 3000 }) {
  const file = path.join(stateDir, K6_PID_FILE);
  let record;
  try {
    record = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return;
  }
  const { pid, start } = record;
  if (Number.isInteger(pid) && pid > 0 && sameProcessAlive(pid, start)) {
    log(`stopping k6 (pid ${pid})`);
    signalGroup(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (sameProcessAlive(pid, start) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (sameProcessAlive(pid, start)) {
      log(`k6 (pid ${pid}) still running after ${graceMs} ms: SIGKILL`);
      signalGroup(pid, 'SIGKILL');
    }
  }
  fs.rmSync(file, { force: true });
}
