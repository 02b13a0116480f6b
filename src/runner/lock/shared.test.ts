// The shared lock's liveness rule and the dead-man repair in the takeover policy (pure logic and real
// files; the Lease and S3 stores themselves are tested on the real servers in test/k8s and test/aws).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal, pendingUndos, readJournal } from '../journal.js';
import { FileLockBackend, acquireTargetLock, holderFor, type LockHolder, type LockRecord } from './index.js';
import { DEFAULT_LEASE_MS, leaseFor, renewInterval, sharedHolderState } from './shared.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const record = (holder: Partial<LockHolder>, renewedAt: string): LockRecord => ({
  key: 'kubernetes:https://x',
  holder: { ...holderFor('r1', '', 'run'), ...holder },
  renewedAt,
  version: '1',
});

describe('sharedHolderState', () => {
  const now = Date.parse('2026-12-06T12:00:00Z');
  it('on another host: alive while it renews within its dead-man time, dead past it', () => {
    const elsewhere = { host: 'runner-7', pid: 1, deadmanMs: 120_000 };
    expect(sharedHolderState(record(elsewhere, '2026-12-06T11:59:00Z'), now, 'here')).toBe('alive');
    expect(sharedHolderState(record(elsewhere, '2026-12-06T11:57:59Z'), now, 'here')).toBe('dead');
  });
  it('on another host without a dead-man time: its lease decides; a record naming no lease is unknown', () => {
    const elsewhere = { host: 'runner-7', pid: 1, leaseMs: DEFAULT_LEASE_MS };
    expect(sharedHolderState(record(elsewhere, '2026-12-06T11:59:01Z'), now, 'here')).toBe('alive');
    expect(sharedHolderState(record(elsewhere, '2026-12-06T11:58:59Z'), now, 'here')).toBe('dead');
    expect(sharedHolderState(record({ host: 'runner-7', pid: 1 }, '2026-01-01T00:00:00Z'), now, 'here')).toBe(
      'unknown',
    );
  });
  it('on this host: the process decides, not the renewal', async () => {
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => child.on('exit', r));
    const fresh = new Date(now).toISOString();
    expect(sharedHolderState(record({ pid: child.pid as number, startTime: undefined }, fresh), now)).toBe('dead');
    expect(sharedHolderState(record({}, '2020-01-01T00:00:00Z'), now)).toBe('alive');
  });
  it('renews a quarter of the lease, at most every 10 s; the lease is guards.deadman, else one minute', () => {
    expect(renewInterval(leaseFor(undefined))).toBe(10_000);
    expect(renewInterval(leaseFor(120_000))).toBe(10_000);
    expect(renewInterval(leaseFor(8_000))).toBe(2_000);
  });
});

describe('guards.deadman at the start of a run', () => {
  async function pendingJournal(): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'gameday-deadman-'));
    dirs.push(dir);
    const j = new Journal(join(dir, 'journal.ndjson'));
    j.applied(
      await j.intent('zone-outage #1', 'zone a down', 'sandbox', { driver: 'sandbox', op: 'zone-up', args: {} }),
    );
    j.close();
    return j.path;
  }
  async function plantDead(backend: FileLockBackend, journalPath: string, deadmanMs?: number): Promise<void> {
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => child.on('exit', r));
    const holder = { ...holderFor('old-run', journalPath, 'run'), pid: child.pid as number };
    await backend.create('k', deadmanMs === undefined ? holder : { ...holder, deadmanMs });
  }

  it('a gone holder that set a dead-man time is repaired, then the lock is taken', async () => {
    const backend = new FileLockBackend(mkdtempSync(join(tmpdir(), 'gameday-deadman-locks-')));
    dirs.push(backend.location);
    const journal = await pendingJournal();
    await plantDead(backend, journal, 30_000);
    const repaired: string[] = [];
    const lock = await acquireTargetLock('k', {
      backend,
      holder: holderFor('new-run', '', 'run'),
      repair: async (r) => {
        repaired.push(r.holder.runId);
        // What a rollback does: undo the journal and release the dead holder's record.
        const j = new Journal(journal);
        for (const p of pendingUndos(readJournal(journal))) j.undone(p.id, 'zone a up');
        j.close();
        await backend.release(r);
      },
    });
    expect(repaired).toEqual(['old-run']);
    expect(lock.record.holder.runId).toBe('new-run');
    await lock.release();
  });

  it('a gone holder without a dead-man time is never repaired: the run refuses, naming the rollback', async () => {
    const backend = new FileLockBackend(mkdtempSync(join(tmpdir(), 'gameday-deadman-locks-')));
    dirs.push(backend.location);
    await plantDead(backend, await pendingJournal());
    let called = false;
    const refused = acquireTargetLock('k', {
      backend,
      holder: holderFor('new-run', '', 'run'),
      repair: async () => {
        called = true;
      },
    });
    await expect(refused).rejects.toMatchObject({ code: 'TARGET_PENDING_ROLLBACK' });
    expect(called).toBe(false);
  });
});
