// Start and stop the fixture's processes. Each runs detached (its own process group, so a
// Ctrl-C in the terminal reaches only the CLI, which then tears down in order), logs to
// <state>/logs/<name>.log and has a pid file <state>/pids/<name>.pid that `down` uses.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAlive, processExe, sleep } from './util.mjs';

/** Stop order: the clients of the apiserver first, etcd last. */
export const STOP_WAVES = [['kwok', 'kube-scheduler', 'kube-controller-manager'], ['kube-apiserver'], ['etcd']];

/** Start a detached process logging to <state>/logs/<name>.log; `nice` (1-19) lowers its CPU priority. */
export function startProcess(stateDir, name, bin, args, { env, nice } = {}) {
  const logDir = path.join(stateDir, 'logs');
  const pidDir = path.join(stateDir, 'pids');
  fs.mkdirSync(logDir, { recursive: true });
  fs.mkdirSync(pidDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const fd = fs.openSync(logFile, 'a');
  fs.writeSync(fd, `# ${new Date().toISOString()} ${bin} ${args.join(' ')}\n`);
  const child = spawn(bin, args, {
    cwd: stateDir,
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, ...env },
  });
  fs.closeSync(fd);
  const proc = { name, bin, pid: child.pid, logFile, exit: null };
  if (!child.pid) throw new Error(`could not start ${name} (${bin})`);
  fs.writeFileSync(path.join(pidDir, `${name}.pid`), `${child.pid}\n`);
  if (nice) lowerPriority(child.pid, nice);
  child.on('exit', (code, signal) => {
    proc.exit = { code, signal };
  });
  child.unref();
  return proc;
}

/**
 * Lower a process's CPU priority, best effort. A detached process is a session of its own, and with
 * Linux autogroups (the default) each session is one scheduling group whose weight only its
 * autogroup nice value changes; a thread's own nice value orders it only within its group, and
 * counts across processes where autogroups are off. Both are set; threads started later inherit theirs.
 */
function lowerPriority(pid, nice) {
  try {
    fs.writeFileSync(`/proc/${pid}/autogroup`, String(nice));
  } catch {
    // no autogroups in this kernel
  }
  let threads = [pid];
  try {
    threads = fs.readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    // no /proc: the process's main thread only
  }
  for (const tid of threads) {
    try {
      os.setPriority(tid, nice);
    } catch {
      // exited meanwhile
    }
  }
}

/** pid files in the state dir: name -> pid. */
export function readPids(stateDir) {
  const pidDir = path.join(stateDir, 'pids');
  const pids = {};
  let files;
  try {
    files = fs.readdirSync(pidDir);
  } catch {
    return pids;
  }
  for (const f of files) {
    if (!f.endsWith('.pid')) continue;
    const pid = Number.parseInt(fs.readFileSync(path.join(pidDir, f), 'utf8'), 10);
    if (Number.isInteger(pid)) pids[f.slice(0, -4)] = pid;
  }
  return pids;
}

/** Is the pid still the process we started (not a recycled pid)? */
function isOurs(pid, name, binDir) {
  if (!isAlive(pid)) return false;
  const exe = processExe(pid);
  if (exe === null) return true; // cannot tell; the pid file is ours
  return path.basename(exe) === name && (!binDir || path.dirname(exe) === binDir);
}

/**
 * Stop every process with a pid file: SIGTERM, wait up to `graceMs`, then SIGKILL.
 * Returns the names still alive afterwards (should be none).
 */
export async function stopAll(stateDir, { graceMs = 10_000, binDir, log = () => {} } = {}) {
  const pids = readPids(stateDir);
  const known = new Set(STOP_WAVES.flat());
  const waves = [...STOP_WAVES, Object.keys(pids).filter((n) => !known.has(n))];
  const survivors = [];
  for (const wave of waves) {
    const targets = wave.filter((name) => pids[name] && isOurs(pids[name], name, binDir));
    for (const name of targets) {
      try {
        process.kill(pids[name], 'SIGTERM');
      } catch {
        // already gone
      }
    }
    const deadline = Date.now() + graceMs;
    while (targets.some((n) => isAlive(pids[n])) && Date.now() < deadline) await sleep(50);
    for (const name of targets) {
      if (!isAlive(pids[name])) continue;
      log(`${name} (pid ${pids[name]}) ignored SIGTERM for ${graceMs / 1000}s; sending SIGKILL`);
      try {
        process.kill(pids[name], 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    const killDeadline = Date.now() + 5_000;
    while (targets.some((n) => isAlive(pids[n])) && Date.now() < killDeadline) await sleep(50);
    survivors.push(...targets.filter((n) => isAlive(pids[n])));
    for (const name of targets) fs.rmSync(path.join(stateDir, 'pids', `${name}.pid`), { force: true });
  }
  return survivors;
}
