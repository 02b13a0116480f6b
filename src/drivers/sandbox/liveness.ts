// Is a sandbox still there? Read from its state dir alone (no control API call), so `gameday rollback`
// can tell a sandbox that is gone — stopped by its owner watchdog after the run that started it was
// killed — from one that merely does not answer.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { sleep } from '../../util/clock.js';
import { readPostmasterPid } from '../postgres/server.js';
import { dataDirs, isAlive, isSandboxProcess, readState, supervisorPid } from './teardown.js';

/**
 * running: its supervisor runs and will go on running. stopping: its supervisor runs but its owner is
 * gone, so it is shutting itself down. gone: no supervisor (what it leaves behind, such as a PostgreSQL
 * server after a SIGKILL, is cleaned up by `stopSandboxFromState`). `leftovers`: sandbox processes still alive.
 */
export interface SandboxLiveness {
  state: 'running' | 'stopping' | 'gone';
  leftovers: number[];
}

function ownerPid(stateDir: string): number | null {
  try {
    const config = JSON.parse(fs.readFileSync(path.join(stateDir, 'config.json'), 'utf8')) as { ownerPid?: unknown };
    return typeof config.ownerPid === 'number' ? config.ownerPid : null;
  } catch {
    return null;
  }
}

/** The sandbox of `stateDir`, as its processes say. */
export function sandboxLiveness(stateDir: string): SandboxLiveness {
  if (!fs.existsSync(stateDir)) return { state: 'gone', leftovers: [] };
  const state = readState(stateDir);
  const supervisor = supervisorPid(stateDir, state);
  const pgPids = dataDirs(stateDir, state)
    .map(readPostmasterPid)
    .filter((p): p is number => p !== null);
  const pids = [...new Set([...(supervisor === null ? [] : [supervisor]), ...(state?.pids ?? []), ...pgPids])];
  const leftovers = pids.filter((p) => isAlive(p) && isSandboxProcess(p));
  if (supervisor === null || !leftovers.includes(supervisor)) return { state: 'gone', leftovers };
  // Why the owner: a supervisor whose owner died shuts itself down within a quarter second (supervisor.mjs).
  const owner = ownerPid(stateDir);
  return { state: owner !== null && !isAlive(owner) ? 'stopping' : 'running', leftovers };
}

/** Wait while the sandbox is stopping (bounded); returns how it ended up. */
export async function settledLiveness(
  stateDir: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<SandboxLiveness> {
  const deadline = performance.now() + timeoutMs;
  let live = sandboxLiveness(stateDir);
  while (live.state === 'stopping' && performance.now() < deadline) {
    await sleep(100, signal);
    live = sandboxLiveness(stateDir);
  }
  return live;
}
