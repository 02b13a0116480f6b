// Bring a sandbox down from its state dir alone, whether its supervisor is healthy, hung or gone:
// ask for shutdown, kill what is left, stop PostgreSQL with pg_ctl, then verify.

import fs from 'node:fs';
import path from 'node:path';
import { findPostgresBinDir, readPostmasterPid, stopPostgres } from '../../shared/postgres.mjs';
import { removeFileSdDirIfEmpty } from './prometheus-sd.mjs';
import { isAlive, isSandboxProcess, waitGone } from './util.mjs';

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Data dirs of every server the sandbox created (listed in sandbox.json or found under pg/). */
function dataDirs(stateDir, state) {
  const dirs = new Set(state?.pgDataDirs ?? []);
  const root = path.join(stateDir, 'pg');
  try {
    for (const name of fs.readdirSync(root)) {
      if (fs.existsSync(path.join(root, name, 'PG_VERSION'))) dirs.add(path.join(root, name));
    }
  } catch {
    // no database in this sandbox
  }
  return [...dirs];
}

/** Stop everything the sandbox in `stateDir` started; returns what was still alive afterwards. */
export async function teardown(stateDir, { graceMs = 15_000 } = {}) {
  const state = readJson(path.join(stateDir, 'sandbox.json'));
  const pidText = fs.existsSync(path.join(stateDir, 'supervisor.pid'))
    ? fs.readFileSync(path.join(stateDir, 'supervisor.pid'), 'utf8')
    : '';
  const supervisorPid = Number(state?.pid ?? pidText.trim()) || null;
  const actions = [];

  if (supervisorPid && isAlive(supervisorPid) && state?.controlUrl) {
    try {
      await fetch(`${state.controlUrl}/shutdown`, { method: 'POST', signal: AbortSignal.timeout(2000) });
      actions.push('asked the supervisor to shut down');
    } catch {
      actions.push('supervisor did not answer /shutdown');
    }
  }
  if (supervisorPid && (await waitGone([supervisorPid], graceMs)).length > 0 && isSandboxProcess(supervisorPid)) {
    process.kill(supervisorPid, 'SIGKILL');
    actions.push(`killed supervisor ${supervisorPid}`);
    await waitGone([supervisorPid], 5000);
  }

  const dirs = dataDirs(stateDir, state);
  const pgPids = dirs.map(readPostmasterPid).filter((p) => p !== null);
  if (pgPids.length > 0) {
    const binDir = state?.pgBinDir ?? findPostgresBinDir();
    for (const dataDir of dirs) {
      await stopPostgres(binDir, dataDir, 'fast').catch(() =>
        stopPostgres(binDir, dataDir, 'immediate').catch(() => {}),
      );
    }
    actions.push(`stopped PostgreSQL in ${dirs.length} data dir(s)`);
  }

  const listed = [...(state?.pids ?? []), ...pgPids, ...(supervisorPid ? [supervisorPid] : [])];
  for (const pid of listed) {
    // Why the check: a pid from an old state file may now belong to an unrelated process.
    if (isAlive(pid) && isSandboxProcess(pid)) {
      process.kill(pid, 'SIGKILL');
      actions.push(`killed leftover pid ${pid}`);
    }
  }
  const alive = await waitGone(listed, 5000);
  // The supervisor removes its Prometheus targets file when it stops; a killed one cannot.
  if (state?.fileSd && alive.length === 0) {
    fs.rmSync(state.fileSd, { force: true });
    removeFileSdDirIfEmpty(path.dirname(state.fileSd));
  }
  return { actions, alive, pids: listed };
}
