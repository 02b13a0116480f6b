// moto stops by itself when the process it belongs to dies: started with an owner (library `startMoto`
// in a child node process, or `fixture:aws -- up --owner-pid` for a child that then lives on), the owner
// is SIGKILLed and no process, no listening port and no state dir is left. Stopped normally, its
// watchdog exits with it.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startMoto, stopMoto, type MotoState } from '../../infra-fixtures/aws/lib/moto.mjs';
import { portOpen } from '../../infra-fixtures/shared/net.mjs';
import { eventually } from '../helpers/cli.js';
import { isRunning, processesMentioning, startOwnerChild } from '../helpers/owner.js';

const MOTO = new URL('../../infra-fixtures/aws/lib/moto.mjs', import.meta.url).href;
const CLI = fileURLToPath(new URL('../../infra-fixtures/aws/cli.mjs', import.meta.url));

/** The owner: starts moto as test files do (library, owned by itself), then idles. */
const OWNER = `
const { startMoto } = await import(process.argv[1]);
const state = await startMoto({ stateDir: process.argv[2], ownerPid: process.pid, timeoutMs: 60000 });
console.log('READY ' + JSON.stringify(state));
setInterval(() => {}, 60000);
`;

/** Bounds the wait; no timing goal (the watchdog looks once a second, moto gets SIGTERM, SIGKILL after 3 s). */
const GONE_WITHIN_MS = 30_000;

const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) {
    if (existsSync(join(dir, 'moto.json'))) await stopMoto(dir).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-moto-owner-'));
  dirs.push(dir);
  return dir;
}

/** Wait (bounded) until moto, its watchdog, its port and its state dir are all gone. */
async function allGone(state: MotoState, watchdogPid: number): Promise<void> {
  let last = '';
  await eventually(
    async () => {
      const left: string[] = [];
      for (const pid of [state.pid, watchdogPid]) if (isRunning(pid)) left.push(`pid ${pid}`);
      for (const p of processesMentioning(state.stateDir)) left.push(`process ${p.pid} (${p.cmdline.slice(0, 120)})`);
      if (await portOpen(state.port)) left.push(`port ${state.port}`);
      if (existsSync(state.stateDir)) left.push(`state dir ${state.stateDir}`);
      last = left.join('; ');
      return last === '' ? true : undefined;
    },
    GONE_WITHIN_MS,
    'moto to stop after its owner was killed',
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}; left: ${last}`);
  });
}

describe('moto with an owner', () => {
  it('stops, frees its port and removes its state dir once its owner (library start) is SIGKILLed', async () => {
    const stateDir = tempDir();
    const owner = startOwnerChild(OWNER, [MOTO, stateDir]);
    children.push(owner.child);
    const state = (await owner.ready(90_000)) as MotoState;
    expect(state.watchdogPid).toBeGreaterThan(0);
    expect(isRunning(state.pid) && isRunning(state.watchdogPid as number)).toBe(true);
    expect(await portOpen(state.port)).toBe(true);

    owner.child.kill('SIGKILL');
    await allGone(state, state.watchdogPid as number);
  }, 120_000);

  it('fixture:aws -- up --owner-pid: moto stops once that process is SIGKILLed', async () => {
    const stateDir = tempDir();
    const owner = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60000)'], { stdio: 'ignore' });
    children.push(owner);
    const env = { ...process.env, GAMEDAY_MOTO_POINTER: join(stateDir, 'pointer') };
    const up = spawnSync(process.execPath, [CLI, 'up', '--state-dir', stateDir, '--owner-pid', String(owner.pid)], {
      encoding: 'utf8',
      env,
      timeout: 90_000,
    });
    expect(up.status, up.stderr).toBe(0);
    const watchdog = /stopped by watchdog pid (\d+)/.exec(up.stdout);
    expect(watchdog, up.stdout).not.toBeNull();
    const state = JSON.parse(readFileSync(join(stateDir, 'moto.json'), 'utf8')) as MotoState;
    expect(await portOpen(state.port)).toBe(true);

    owner.kill('SIGKILL');
    await allGone(state, Number(watchdog?.[1]));
  }, 120_000);

  it('stopped normally, its watchdog exits too', async () => {
    const stateDir = tempDir();
    const state = await startMoto({ stateDir, ownerPid: process.pid, timeoutMs: 60_000 });
    const watchdogPid = state.watchdogPid as number;
    expect(isRunning(watchdogPid)).toBe(true);
    await stopMoto(stateDir);
    await eventually(() => (isRunning(watchdogPid) ? undefined : true), 10_000, 'the watchdog to exit');
    // It stopped nothing: the state dir is still the caller's to remove.
    expect(existsSync(stateDir)).toBe(true);
  }, 120_000);
});
