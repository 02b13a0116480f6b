// The takeover rule of shared locks: a holder that stopped renewing is taken over only once its run is
// rolled back, with or without guards.deadman. An in-memory SharedLockStore stands for the Kubernetes
// Lease and the S3 object (both tested on their real servers in test/k8s and test/aws): this file checks
// the policy in acquire.ts, not a store.

import { describe, expect, it } from 'vitest';
import { GamedayError } from '../../errors.js';
import { acquireTargetLock, holderFor, SharedLockBackend, type LockHolder, type LockRecord } from './index.js';
import type { SharedLockSpec, SharedLockStore } from './shared.js';

class MemoryStore implements SharedLockStore {
  readonly kind = 's3';
  readonly location = 'memory';
  readonly spec: SharedLockSpec = { kind: 's3', region: 'x', bucket: 'b', prefix: '' };
  readonly records = new Map<string, LockRecord>();
  readonly journals = new Map<string, string>();
  private n = 0;
  describe = (key: string): string => `record ${key}`;
  journalRef = (runId: string): string => `journal ${runId}`;
  private put(key: string, holder: LockHolder, renewedAt: string): LockRecord {
    const r = { key, holder, renewedAt, version: String(++this.n) };
    this.records.set(key, r);
    return r;
  }
  async create(key: string, holder: LockHolder, renewedAt: string) {
    return this.records.has(key) ? undefined : this.put(key, holder, renewedAt);
  }
  async read(key: string) {
    return this.records.get(key);
  }
  async replace(key: string, version: string, holder: LockHolder, renewedAt: string) {
    return this.records.get(key)?.version === version ? this.put(key, holder, renewedAt) : undefined;
  }
  async remove(key: string, version: string) {
    if (this.records.get(key)?.version === version) this.records.delete(key);
  }
  async list() {
    return [...this.records.values()];
  }
  async writeJournal(runId: string, text: string) {
    this.journals.set(runId, text);
  }
  async readJournal(runId: string) {
    return this.journals.get(runId);
  }
  async removeJournal(runId: string) {
    this.journals.delete(runId);
  }
  close(): void {}
}

const intent = JSON.stringify({
  type: 'intent',
  at: '2026-12-06T11:00:00Z',
  id: 'zone-outage #1',
  step: 'zone b down',
  action: 'zone-outage',
  target: 'zone b',
  undo: { driver: 'kubernetes', op: 'restore-zone', args: {} },
});

/** A run on another machine that stopped renewing 2 minutes ago, with a zone outage pending in its mirrored journal. */
function planted(store: MemoryStore, extra: Partial<LockHolder> = {}): void {
  const holder = { ...holderFor('old-run', '/elsewhere/journal.ndjson', 'run'), host: 'runner-7', pid: 1, ...extra };
  store.records.set('k', { key: 'k', holder, renewedAt: new Date(Date.now() - 120_000).toISOString(), version: '0' });
  store.journals.set('old-run', `${intent}\n`);
}

describe('a shared lock whose holder stopped renewing', () => {
  for (const deadmanMs of [undefined, 30_000]) {
    it(`is taken over once its run is rolled back (guards.deadman ${deadmanMs ?? 'unset'})`, async () => {
      const store = new MemoryStore();
      planted(store, { leaseMs: deadmanMs ?? 60_000, ...(deadmanMs === undefined ? {} : { deadmanMs }) });
      const backend = new SharedLockBackend(store);
      const order: string[] = [];
      const lock = await acquireTargetLock('k', {
        backend,
        holder: holderFor('new-run', '', 'run'),
        repair: async (r) => {
          order.push(`repair ${r.holder.runId}`);
          // What the rollback does when it completes: the journal is undone, the gone run's record released.
          await backend.release(r);
        },
      });
      order.push(`locked by ${lock.record.holder.runId}`);
      expect(order).toEqual(['repair old-run', 'locked by new-run']);
      expect(lock.record.holder.leaseMs).toBe(60_000);
      await lock.release();
    });
  }

  it('is not taken over when its rollback does not complete: the refusal stands, the record stays', async () => {
    const store = new MemoryStore();
    planted(store, { leaseMs: 60_000 });
    const refused = acquireTargetLock('k', {
      backend: new SharedLockBackend(store),
      holder: holderFor('new-run', '', 'run'),
      repair: async () => {
        throw new GamedayError('the rollback of run old-run did not complete', {
          kind: 'runtime',
          code: 'TARGET_PENDING_ROLLBACK',
        });
      },
    });
    await expect(refused).rejects.toMatchObject({ code: 'TARGET_PENDING_ROLLBACK' });
    expect(store.records.get('k')?.holder.runId).toBe('old-run');
  });

  it('a holder still renewing is never repaired: exit 3, naming it and since when', async () => {
    const store = new MemoryStore();
    planted(store, { leaseMs: 600_000 });
    let repaired = false;
    const refused = acquireTargetLock('k', {
      backend: new SharedLockBackend(store),
      holder: holderFor('new-run', '', 'run'),
      repair: async () => {
        repaired = true;
      },
    });
    await expect(refused).rejects.toMatchObject({ code: 'TARGET_LOCKED', kind: 'runtime' });
    await expect(refused).rejects.toThrow(/locked by run old-run \(pid 1 on runner-7, since \d{4}-/);
    expect(repaired).toBe(false);
  });
});
