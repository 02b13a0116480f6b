// The target lock's interface: one owner per target at a time, and a lock left by a dead run is taken
// over only when that run's journal has nothing left to undo. Backends store one record per key with
// compare-and-swap semantics: a local file (file.ts); a Kubernetes Lease or an S3 object written with
// conditional requests (shared.ts over the stores in src/drivers/).

/** Who holds a lock. Plain data: it is stored by the backend and shown to people. */
export interface LockHolder {
  runId: string;
  pid: number;
  host: string;
  /** The holder process's start identity (util/process-identity): a reused pid is not the holder. */
  startTime?: string;
  /** The journal whose pending undos decide whether a dead holder's lock may be taken over. */
  journalPath: string;
  /** ISO time the holder took the lock. */
  since: string;
  /** A run injecting faults, or `gameday rollback` undoing a journal. */
  purpose: 'run' | 'rollback';
  /**
   * Shared locks: how long the record holds without a renewal (the Lease's leaseDurationSeconds). Past it
   * the holder has stopped renewing: it counts as gone, and whoever wants the lock (the next run on the
   * target, `gameday rollback --target`) rolls back its mirrored journal, then takes the lock. Records
   * written before leases expired have none: a silent holder elsewhere is then never presumed gone.
   */
  leaseMs?: number;
  /**
   * guards.deadman: the lease time of this holder, and its consent to be rolled back unattended: past it
   * without renewal, `gameday rollback --orphans` (a watcher on a schedule) undoes the run although no
   * run wants the target. Without it the watcher leaves an expired holder to the next run on the target.
   */
  deadmanMs?: number;
  /** Where the holder's journal is mirrored (a ConfigMap, an S3 object), for people; shared locks only. */
  journal?: string;
}

/** One stored lock. */
export interface LockRecord {
  key: string;
  holder: LockHolder;
  /** ISO time of the holder's last renewal. */
  renewedAt: string;
  /** Opaque compare-and-swap token: a content hash (file), a resourceVersion (Lease), an ETag (S3). */
  version: string;
}

/** Whether a record's holder still runs; 'unknown' when the backend cannot tell (another host, for a file lock). */
export type HolderState = 'alive' | 'dead' | 'unknown';

/** Where locks are kept. Every write is atomic; `replace`, `renew` and `release` are compare-and-swap on `version`. */
export interface TargetLockBackend {
  /** "file", later "kubernetes-lease", "s3": journaled with the lock so rollback finds the same record. */
  readonly kind: string;
  /** Where the records live (a directory, namespace, bucket/prefix): journaled, and named in messages. */
  readonly location: string;
  /** How often a holder renews its record; a backend whose records expire sets this well below the expiry. */
  readonly renewEveryMs: number;
  /** Create the record iff none exists for `key`. Returns the new record, or the one that exists. */
  create(key: string, holder: LockHolder): Promise<{ created: boolean; record: LockRecord }>;
  read(key: string): Promise<LockRecord | undefined>;
  /** Take over: store a record for `holder` iff the stored one still has `expected.version`; undefined when it changed. */
  replace(expected: LockRecord, holder: LockHolder): Promise<LockRecord | undefined>;
  /** Renew our record; undefined when it is no longer ours (deleted or taken over): the lock is lost. */
  renew(record: LockRecord): Promise<LockRecord | undefined>;
  /** Delete our record (a no-op when it is gone or no longer ours). */
  release(record: LockRecord): Promise<void>;
  /** Whether the holder of `record` still runs: pid, host and start time (file); renewal age (Lease, S3). */
  holderState(record: LockRecord): HolderState;
  /** A short description of where `key`'s record is, for a person ("file /…/ab12.lock"). */
  describe(key: string): string;
  /**
   * Shared locks: the journal the holder of `record` mirrored next to its lock (NDJSON text), or undefined
   * when there is none. Lets any machine see what a holder on another machine left to undo.
   */
  readJournal?(record: LockRecord): Promise<string | undefined>;
  /** Shared locks: plain data to open this backend again in another process (journaled with the lock). */
  readonly spec?: Record<string, unknown>;
  /** Close the backend's connections (shared locks), once its locks are released or kept. */
  close?(): void;
}

/** A lock this process holds. */
export interface TargetLock {
  readonly key: string;
  readonly backend: TargetLockBackend;
  readonly record: LockRecord;
  /** Stop renewing and delete the record. */
  release(): Promise<void>;
  /**
   * Stop renewing and leave the record in place: the rollback is incomplete, so the next run must find
   * the lock, see its holder dead and its journal pending, and refuse with the rollback to run.
   */
  keep(): void;
}
