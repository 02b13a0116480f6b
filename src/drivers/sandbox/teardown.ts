// Bringing a sandbox down from its state dir alone, e.g. for `gameday rollback` after the run that
// started it was killed with SIGKILL: ask the supervisor, kill leftovers, stop PostgreSQL, verify.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { GamedayError } from '../../errors.js';
import { findPostgresBinDir, readPostmasterPid, stopPostgres } from '../postgres/server.js';
import type { SandboxStateFile } from './types.js';

export interface SandboxTeardownResult {
  /** What was done, in order, for the journal. */
  actions: string[];
  /** Every pid that was checked; none of them is alive when this returns. */
  pids: number[];
}

export interface StopFromStateOptions {
  /** How long the supervisor gets to stop on its own before SIGKILL (default 15 s). */
  graceMs?: number;
}

/** True when a process with this pid exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const end = stat.lastIndexOf(')');
    return stat.slice(end + 2, end + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Why: pids in an old state file may have been reused; only processes running sandbox programs are signalled. */
export function isSandboxProcess(pid: number): boolean {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return /supervisor\.mjs|api\.mjs|postgres|postmaster/.test(cmdline);
  } catch {
    return isAlive(pid);
  }
}

/** Wait until none of `pids` is alive or `timeoutMs` passes; returns those still alive. */
export async function waitGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    alive = alive.filter(isAlive);
  }
  return alive;
}

export function readState(stateDir: string): Partial<SandboxStateFile> | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(stateDir, 'sandbox.json'), 'utf8')) as Partial<SandboxStateFile>;
  } catch {
    return null;
  }
}

export function supervisorPid(stateDir: string, state: Partial<SandboxStateFile> | null): number | null {
  if (typeof state?.pid === 'number') return state.pid;
  try {
    const pid = Number(fs.readFileSync(path.join(stateDir, 'supervisor.pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export function dataDirs(stateDir: string, state: Partial<SandboxStateFile> | null): string[] {
  const dirs = new Set(state?.pgDataDirs ?? []);
  const root = path.join(stateDir, 'pg');
  if (fs.existsSync(root)) {
    for (const name of fs.readdirSync(root)) {
      if (fs.existsSync(path.join(root, name, 'PG_VERSION'))) dirs.add(path.join(root, name));
    }
  }
  return [...dirs];
}

/** Stop every process the sandbox in `stateDir` started, whether its supervisor is alive, hung or gone. */
export async function stopSandboxFromState(
  stateDir: string,
  opts: StopFromStateOptions = {},
): Promise<SandboxTeardownResult> {
  const state = readState(stateDir);
  const pid = supervisorPid(stateDir, state);
  const actions: string[] = [];

  if (pid !== null && isAlive(pid) && state?.controlUrl) {
    try {
      await fetch(`${state.controlUrl}/shutdown`, { method: 'POST', signal: AbortSignal.timeout(2000) });
      actions.push(`asked supervisor ${pid} to shut down`);
    } catch {
      actions.push(`supervisor ${pid} did not answer /shutdown`);
    }
  }
  if (pid !== null && (await waitGone([pid], opts.graceMs ?? 15_000)).length > 0 && isSandboxProcess(pid)) {
    process.kill(pid, 'SIGKILL');
    actions.push(`killed supervisor ${pid}`);
    await waitGone([pid], 5000);
  }

  const dirs = dataDirs(stateDir, state);
  const pgPids = dirs.map(readPostmasterPid).filter((p): p is number => p !== null);
  if (pgPids.length > 0) {
    const binDir = state?.pgBinDir ?? findPostgresBinDir();
    for (const dir of dirs) {
      try {
        await stopPostgres(binDir, dir, 'fast');
      } catch {
        await stopPostgres(binDir, dir, 'immediate').catch(() => undefined);
      }
    }
    actions.push(`stopped PostgreSQL (${pgPids.length} server(s))`);
  }

  const pids = [...new Set([...(state?.pids ?? []), ...pgPids, ...(pid === null ? [] : [pid])])];
  for (const p of pids) {
    if (isAlive(p) && isSandboxProcess(p)) {
      process.kill(p, 'SIGKILL');
      actions.push(`killed leftover pid ${p}`);
    }
  }
  const alive = await waitGone(pids, 5000);
  if (alive.length > 0) {
    throw new GamedayError(`sandbox processes still alive after teardown: ${alive.join(', ')}`, {
      kind: 'runtime',
      code: 'SANDBOX_STOP_INCOMPLETE',
      hint: `Inspect them with "ps -p ${alive.join(',')}"; the state is kept in ${stateDir}.`,
      target: stateDir,
    });
  }
  return { actions, pids };
}
