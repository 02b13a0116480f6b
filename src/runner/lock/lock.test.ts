// The file lock backend and the takeover policy, with real files and real processes.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../journal.js';
import { FileLockBackend, acquireTargetLock, defaultLockDir, holderFor, type LockHolder } from './index.js';

const dirs: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-lock-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.on('exit', r));
  return child.pid as number;
}

/** A journal in its own run dir, with `pending` mutations not undone. */
async function journalWith(pending: number): Promise<string> {
  const dir = temp();
  const path = join(dir, 'journal.ndjson');
  const j = new Journal(path);
  for (let i = 0; i < pending; i++)
    j.applied(
      await j.intent('zone-outage #1', 'zone a down', 'sandbox', { driver: 'sandbox', op: 'zone-up', args: {} }),
    );
  j.close();
  return path;
}

/** Plant a lock record as another (dead) run would have left it. */
async function plant(backend: FileLockBackend, key: string, holder: Partial<LockHolder>): Promise<void> {
  const h: LockHolder = { ...holderFor('old-run', '', 'run'), ...holder };
  const made = await backend.create(key, h);
  expect(made.created).toBe(true);
}

describe('file lock backend', () => {
  it('creates one record per key atomically and removes the file at release', async () => {
    const backend = new FileLockBackend(temp());
    const lock = await acquireTargetLock('sandbox:http://127.0.0.1:1', {
      backend,
      holder: holderFor('run-1', await journalWith(0), 'run'),
    });
    expect(readdirSync(backend.location).filter((f) => f.endsWith('.lock'))).toHaveLength(1);
    await lock.release();
    expect(readdirSync(backend.location)).toEqual([]);
  });

  it('lets exactly one of many concurrent takers win', async () => {
    const backend = new FileLockBackend(temp());
    const journal = await journalWith(0);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        acquireTargetLock('kubernetes:https://x', { backend, holder: holderFor(`run-${i}`, journal, 'run') }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(String(r.reason)).toMatch(/is locked by run run-/);
    await (won[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
  });

  it('refuses (runtime error, exit 3) while the holder runs, suggesting SIGINT', async () => {
    const backend = new FileLockBackend(temp());
    const first = await acquireTargetLock('k', { backend, holder: holderFor('run-a', await journalWith(1), 'run') });
    await expect(
      acquireTargetLock('k', { backend, holder: holderFor('run-b', await journalWith(0), 'run') }),
    ).rejects.toMatchObject({
      kind: 'runtime',
      code: 'TARGET_LOCKED',
      message: expect.stringContaining(`k is locked by run run-a (pid ${process.pid}`),
      hint: expect.stringContaining(`kill -INT ${process.pid}`),
    });
    await first.release();
  });

  it('refuses a dead holder whose journal still has undos, naming the rollback to run', async () => {
    const backend = new FileLockBackend(temp());
    const journal = await journalWith(2);
    await plant(backend, 'k', { pid: await deadPid(), journalPath: journal });
    const error = await acquireTargetLock('k', {
      backend,
      holder: holderFor('run-b', await journalWith(0), 'run'),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'runtime', code: 'TARGET_PENDING_ROLLBACK' });
    expect((error as Error).message).toContain(`has 2 mutation(s) not undone by run old-run`);
    expect((error as Error).message).toContain(`run \`gameday rollback ${join(journal, '..')}\` first`);
  });

  it('takes over a dead holder with nothing pending, and the rollback of that very journal', async () => {
    const backend = new FileLockBackend(temp());
    await plant(backend, 'clean', { pid: await deadPid(), journalPath: await journalWith(0) });
    const taken = await acquireTargetLock('clean', {
      backend,
      holder: holderFor('run-b', await journalWith(0), 'run'),
    });
    expect(taken.record.holder.runId).toBe('run-b');
    await taken.release();

    const pending = await journalWith(1);
    await plant(backend, 'dirty', { pid: await deadPid(), journalPath: pending });
    const rb = await acquireTargetLock('dirty', {
      backend,
      holder: holderFor('old-run', pending, 'rollback'),
      rollbackOf: pending,
    });
    expect(rb.record.holder.purpose).toBe('rollback');
    // Kept (rollback incomplete): the record stays for the next run to find.
    rb.keep();
    expect((await backend.read('dirty'))?.holder.purpose).toBe('rollback');
  });

  it('does not mistake a reused pid for the holder (start time differs)', async () => {
    const backend = new FileLockBackend(temp());
    await plant(backend, 'k', { pid: process.pid, startTime: 'another-boot:1', journalPath: await journalWith(0) });
    const record = await backend.read('k');
    expect(record && backend.holderState(record)).toBe(process.platform === 'linux' ? 'dead' : 'alive');
  });

  it('treats a file that is not a lock record as stale', async () => {
    const backend = new FileLockBackend(temp());
    await plant(backend, 'k', {});
    const [file] = readdirSync(backend.location);
    writeFileSync(join(backend.location, file as string), 'garbage');
    const lock = await acquireTargetLock('k', { backend, holder: holderFor('run-b', await journalWith(0), 'run') });
    await lock.release();
    expect(existsSync(join(backend.location, file as string))).toBe(false);
  });
});

describe('lock directory', () => {
  it('is per user: never a machine-wide path', () => {
    expect(defaultLockDir({ GAMEDAY_LOCK_DIR: '/x/locks' })).toBe('/x/locks');
    expect(defaultLockDir({ TMPDIR: '/t' })).toMatch(/^\/t\/gameday-[^/]+\/locks$/);
    expect(defaultLockDir({ XDG_RUNTIME_DIR: '/run/user/7' })).toBe('/run/user/7/gameday/locks');
    expect(defaultLockDir({ XDG_CACHE_HOME: '/home/u/.cache' })).toBe('/home/u/.cache/gameday/locks');
  });
});
