// gameday rollback's checks before any undo: the run that owns the journal, by pid, host and start time.

import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { processExited, processStartTime, selfIdentity } from '../util/process-identity.js';
import { Journal, readJournal } from './journal.js';
import { FileLockBackend } from './lock/index.js';
import { rollbackJournal } from './rollback-journal.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A run dir whose journal says run `owner` made one mutation (a read-only runbook step) not undone yet. */
async function runDir(owner: { pid: number; host: string; startTime?: string }, op = 'none'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-rollback-'));
  dirs.push(dir);
  const j = new Journal(join(dir, 'journal.ndjson'));
  j.append({ type: 'run', at: new Date().toISOString(), runId: 'r1', scenario: 's', file: 'f.yaml', ...owner });
  j.applied(await j.intent('step', 'check', 'sandbox', { driver: 'runbook', op, args: {} }));
  j.close();
  return dir;
}

const opts = () => {
  const locks = mkdtempSync(join(tmpdir(), 'gameday-rollback-locks-'));
  dirs.push(locks);
  return { timeoutMs: 5000, lockBackend: new FileLockBackend(locks) };
};

describe('gameday rollback', () => {
  it('refuses (exit 2) while the process that owns the journal runs, suggesting SIGINT', async () => {
    const dir = await runDir(selfIdentity());
    await expect(rollbackJournal(dir, opts())).rejects.toMatchObject({
      kind: 'invalid-input',
      code: 'RUN_ALIVE',
      message: `run r1 (pid ${process.pid}) that owns this journal is still running`,
      hint: expect.stringContaining(`kill -INT ${process.pid}`),
    });
    expect(readJournal(join(dir, 'journal.ndjson')).filter((e) => e.type === 'undone')).toEqual([]);
  });

  it('does not mistake a reused pid (another start time) for the run, and rolls back', async () => {
    const me = selfIdentity();
    // Linux exposes process start times (/proc/<pid>/stat), which is where gameday runs its tests.
    expect(me.startTime).toMatch(/:\d+$/);
    const dir = await runDir({ ...me, startTime: `${me.startTime}0` });
    const o = opts();
    const out = await rollbackJournal(dir, o);
    expect(out).toMatchObject({ status: 'rolled-back', result: { complete: true, undone: 1 } });
    // Its locks are released: no file left behind.
    expect(readdirSync(o.lockBackend.location)).toEqual([]);
  });

  it('rolls back after a run that was killed and never reaped (a zombie: it can never act again)', async () => {
    // /proc must be this pid namespace's for any of this to hold (a container needs its own /proc mount).
    expect(readlinkSync('/proc/self'), '/proc belongs to another pid namespace: mount a /proc for this one').toBe(
      String(process.pid),
    );
    // The parent forks a child that exits at once, waits until it has exited without reaping it (WNOWAIT),
    // and only then prints its pid: the child is a zombie for as long as the parent sleeps.
    const script = [
      'import os, sys, time',
      'pid = os.fork()',
      'if pid == 0: os._exit(0)',
      'os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)',
      'print(pid, flush=True)',
      'time.sleep(30)',
    ].join('\n');
    const parent = spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const printed = await new Promise<Buffer>((resolve, reject) => {
        parent.stdout.once('data', resolve);
        parent.once('error', (e) =>
          reject(new Error(`python3 makes the zombie here (apt-get install python3): ${e.message}`)),
        );
        parent.once('exit', (code) =>
          reject(new Error(`the zombie's parent (python3) exited ${code} before printing`)),
        );
      });
      const pid = Number(printed.toString().trim());
      const stat = (() => {
        try {
          return readFileSync(`/proc/${pid}/stat`, 'utf8');
        } catch (error) {
          return String(error);
        }
      })();
      expect(processExited(pid), `pid ${pid} should read as a zombie; /proc/${pid}/stat: ${stat}`).toBe(true);
      const startTime = processStartTime(pid);
      const dir = await runDir({ pid, host: hostname(), ...(startTime === undefined ? {} : { startTime }) });
      await expect(rollbackJournal(dir, opts())).resolves.toMatchObject({ status: 'rolled-back' });
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('refuses a journal of another host unless --force', async () => {
    const dir = await runDir({ pid: 1, host: 'elsewhere.example' });
    await expect(rollbackJournal(dir, opts())).rejects.toMatchObject({ code: 'RUN_ON_OTHER_HOST' });
    await expect(rollbackJournal(dir, { ...opts(), force: true })).resolves.toMatchObject({ status: 'rolled-back' });
  });

  it('keeps the locks of an incomplete rollback until a person marks it resolved', async () => {
    const dir = await runDir({ pid: 1, host: 'elsewhere.example' }, 'irreversible');
    const o = { ...opts(), force: true };
    const first = await rollbackJournal(dir, o);
    expect(first).toMatchObject({ status: 'rolled-back', result: { complete: false } });
    expect(readdirSync(o.lockBackend.location).filter((f) => f.endsWith('.lock'))).toHaveLength(1);
    const resolved = await rollbackJournal(dir, { ...o, resolved: true });
    expect(resolved).toMatchObject({ status: 'rolled-back', result: { complete: true, undone: 1 } });
    expect(readJournal(join(dir, 'journal.ndjson')).filter((e) => e.type === 'undone')).toEqual([
      expect.objectContaining({ detail: 'resolved by hand (gameday rollback --resolved); no undo was run' }),
    ]);
    expect(readdirSync(o.lockBackend.location)).toEqual([]);
  });
});
