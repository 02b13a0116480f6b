// Who a process is, beyond its pid: the host, and on Linux the boot and the start time of the process,
// so a pid the kernel has since given to another process is never mistaken for the one that was recorded.

import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/** A process as recorded in a journal or a lock: pid, host, and (Linux) "<boot id>:<start ticks>". */
export interface ProcessIdentity {
  pid: number;
  host: string;
  /** Absent where the platform does not expose it (then only the pid is compared). */
  startTime?: string;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

let procOwn: boolean | undefined;
/**
 * Whether /proc describes this process's pid namespace. A container that shares the host's /proc (or
 * another namespace's) would give the stat of some other process under the same number: then nothing is
 * read from it, and only kill(pid, 0) speaks.
 */
function procIsOurs(): boolean {
  if (procOwn === undefined) {
    try {
      procOwn = readlinkSync('/proc/self') === String(process.pid);
    } catch {
      procOwn = false;
    }
  }
  return procOwn;
}

function readStat(pid: number): string | undefined {
  return procIsOurs() ? readText(`/proc/${pid}/stat`) : undefined;
}

/** The start time of `pid` on this host as "<boot id>:<clock ticks since boot>", or undefined. */
export function processStartTime(pid: number): string | undefined {
  const stat = readStat(pid);
  if (stat === undefined) return undefined;
  // Field 22 (starttime) counts from the end of the command name, which may itself hold spaces and ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = fields[19];
  if (ticks === undefined) return undefined;
  const boot = readText('/proc/sys/kernel/random/boot_id')?.trim() ?? 'boot';
  return `${boot}:${ticks}`;
}

/**
 * Whether `pid` has exited but its parent has not reaped it yet (a zombie, state Z or X in /proc). Why it
 * matters: a run killed with SIGKILL whose parent does not reap it (a container's PID 1 often does not)
 * stays a zombie for good; it answers kill(pid, 0) and keeps its start time, yet it will never act again.
 */
export function processExited(pid: number): boolean {
  const stat = readStat(pid);
  if (stat === undefined) return false;
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X';
}

/** This process. */
export function selfIdentity(): ProcessIdentity {
  const startTime = processStartTime(process.pid);
  return { pid: process.pid, host: hostname(), ...(startTime === undefined ? {} : { startTime }) };
}

/**
 * Whether the recorded process still runs: 'alive', 'dead', or 'unknown' when it ran on another host
 * (a local check cannot say). A live pid with another start time is a reused pid: 'dead'.
 */
export function processState(p: Partial<ProcessIdentity>): 'alive' | 'dead' | 'unknown' {
  if (typeof p.pid !== 'number' || !Number.isInteger(p.pid) || p.pid <= 0) return 'dead';
  if (p.host !== undefined && p.host !== hostname()) return 'unknown';
  try {
    process.kill(p.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return 'dead';
  }
  if (processExited(p.pid)) return 'dead';
  if (p.startTime === undefined) return 'alive';
  return processStartTime(p.pid) === p.startTime ? 'alive' : 'dead';
}
