// Shared target locks: one record per key in a store every runner can reach — a Kubernetes Lease in the
// target namespace, an S3 object per account and region — with the holder's journal mirrored next to it,
// so a run's ownership and its undo outlive the machine that started it. The stores live in src/drivers/.

import { hostname } from 'node:os';
import { GamedayError } from '../../errors.js';
import { processState } from '../../util/process-identity.js';
import type { HolderState, LockHolder, LockRecord, TargetLockBackend } from './types.js';

/** Where a shared store is, as plain data: journaled with the lock, and enough to open it in another process. */
export type SharedLockSpec =
  | {
      kind: 'kubernetes-lease';
      namespace: string;
      kubeconfig?: string;
      context?: string;
      inCluster?: boolean;
      /** The cluster the run acted on: the store refuses to open on any other. */
      server: string;
      caSha256: string | null;
    }
  | { kind: 's3'; region: string; endpoint?: string; profile?: string; bucket: string; prefix: string };

/** Compare-and-swap records and journal documents in one shared place. Implemented in src/drivers/. */
export interface SharedLockStore {
  readonly kind: SharedLockSpec['kind'];
  /** For people and the journal: "Lease namespace production on https://…", "s3://bucket/prefix". */
  readonly location: string;
  readonly spec: SharedLockSpec;
  describe(key: string): string;
  /** Create the record iff none exists; undefined when one does. */
  create(key: string, holder: LockHolder, renewedAt: string): Promise<LockRecord | undefined>;
  read(key: string): Promise<LockRecord | undefined>;
  /** Write iff the stored record still has `version`; undefined when it changed or is gone. */
  replace(key: string, version: string, holder: LockHolder, renewedAt: string): Promise<LockRecord | undefined>;
  /** Delete iff the stored record still has `version` (a no-op otherwise). */
  remove(key: string, version: string): Promise<void>;
  /** Every gameday lock record in this place (for `gameday rollback --orphans`). */
  list(): Promise<LockRecord[]>;
  /** Where run `runId`'s journal is mirrored, for people. */
  journalRef(runId: string): string;
  /** `signal` gives up on the write (the mirror's close, once its grace has passed). */
  writeJournal(runId: string, text: string, signal?: AbortSignal): Promise<void>;
  readJournal(runId: string): Promise<string | undefined>;
  removeJournal(runId: string): Promise<void>;
  close(): void;
}

/** A shared lock's lease when the scenario sets no guards.deadman: six renewals. */
export const DEFAULT_LEASE_MS = 60_000;

/** How long a holder's record holds without renewal: its guards.deadman, else the default lease. */
export const leaseFor = (deadmanMs: number | undefined): number => deadmanMs ?? DEFAULT_LEASE_MS;

/** How often a holder renews: a quarter of its lease (so three renewals may fail), at most every 10 s. */
export function renewInterval(leaseMs: number): number {
  return Math.max(250, Math.min(10_000, Math.floor(leaseMs / 4)));
}

/**
 * Whether a shared lock's holder still runs. On this host its pid and start time say it exactly. On another
 * host only its renewals can: past its lease without one it has stopped renewing and counts as gone (it
 * stops acting itself at half its lease without a renewal, see acquire.ts). A record that names no lease
 * (written before leases expired) is 'unknown' for a silent holder elsewhere.
 */
export function sharedHolderState(record: LockRecord, now = Date.now(), host = hostname()): HolderState {
  const h = record.holder;
  if (h.host === host) return processState(h);
  const lease = h.leaseMs ?? h.deadmanMs;
  if (lease === undefined) return 'unknown';
  const renewed = Date.parse(record.renewedAt);
  if (!Number.isFinite(renewed)) return 'dead';
  return now - renewed > lease ? 'dead' : 'alive';
}

/** A TargetLockBackend over a shared store. */
export class SharedLockBackend implements TargetLockBackend {
  readonly kind: string;
  readonly location: string;
  readonly renewEveryMs: number;
  readonly spec: Record<string, unknown>;
  /** The lease written into this backend's records. */
  readonly leaseMs: number;

  constructor(
    readonly store: SharedLockStore,
    opts: { deadmanMs?: number } = {},
  ) {
    this.kind = store.kind;
    this.location = store.location;
    this.leaseMs = leaseFor(opts.deadmanMs);
    this.renewEveryMs = renewInterval(this.leaseMs);
    this.spec = { ...store.spec };
  }

  describe(key: string): string {
    return this.store.describe(key);
  }

  /** The holder as stored: where its journal is mirrored, and its lease. */
  private stamp(holder: LockHolder): LockHolder {
    return { ...holder, journal: this.store.journalRef(holder.runId), leaseMs: this.leaseMs };
  }

  async create(key: string, holder: LockHolder): Promise<{ created: boolean; record: LockRecord }> {
    const stamped = this.stamp(holder);
    for (let attempt = 0; attempt < 3; attempt++) {
      const made = await this.store.create(key, stamped, new Date().toISOString());
      if (made) return { created: true, record: made };
      const existing = await this.store.read(key);
      if (existing) return { created: false, record: existing };
      // Released between our create and our read: try again.
    }
    return { created: false, record: (await this.store.read(key)) ?? fail(this.describe(key)) };
  }

  read(key: string): Promise<LockRecord | undefined> {
    return this.store.read(key);
  }

  /** Take over; a gone run's journal copy goes too (a takeover happens only once nothing is left to undo). */
  async replace(expected: LockRecord, holder: LockHolder): Promise<LockRecord | undefined> {
    const taken = await this.store.replace(
      expected.key,
      expected.version,
      this.stamp(holder),
      new Date().toISOString(),
    );
    if (taken && expected.holder.runId !== holder.runId) {
      await this.store.removeJournal(expected.holder.runId).catch(() => undefined);
    }
    return taken;
  }

  renew(record: LockRecord): Promise<LockRecord | undefined> {
    return this.store.replace(record.key, record.version, record.holder, new Date().toISOString());
  }

  /** Delete the record, then the mirrored journal: a lock is released only when nothing is left to undo. */
  async release(record: LockRecord): Promise<void> {
    await this.store.remove(record.key, record.version);
    await this.store.removeJournal(record.holder.runId);
  }

  holderState(record: LockRecord): HolderState {
    return sharedHolderState(record);
  }

  readJournal(record: LockRecord): Promise<string | undefined> {
    return this.store.readJournal(record.holder.runId);
  }

  close(): void {
    this.store.close();
  }
}

function fail(where: string): never {
  throw new GamedayError(`cannot create ${where}: it keeps appearing and disappearing`, {
    kind: 'runtime',
    code: 'LOCK_FAILED',
  });
}
