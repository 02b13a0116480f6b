// Target locks for a run or a rollback: one per system, journaled, released only when nothing is left
// to undo. See types.ts for the backend interface and acquire.ts for the takeover policy.

import { selfIdentity } from '../../util/process-identity.js';
import type { Journal } from '../journal.js';
import { acquireTargetLock, type AcquireOptions } from './acquire.js';
import { FileLockBackend } from './file.js';
import { SharedLockBackend, type SharedLockSpec } from './shared.js';
import type { LockHolder, TargetLock, TargetLockBackend } from './types.js';
import type { GamedayError } from '../../errors.js';

export { acquireTargetLock, type AcquireOptions } from './acquire.js';
export { FileLockBackend, defaultLockDir } from './file.js';
export type { HolderState, LockHolder, LockRecord, TargetLock, TargetLockBackend } from './types.js';
export { SharedLockBackend, sharedHolderState, type SharedLockSpec, type SharedLockStore } from './shared.js';

/** One system to lock, and where its lock lives (default: the run's backend, a lock file). */
export interface LockRequest {
  key: string;
  /** A shared lock (Lease, S3): its store is opened for the run and its journal mirrored there. */
  shared?: SharedLockSpec;
}

export interface LockSystemsOptions {
  /** Default: a FileLockBackend in the user's lock directory. */
  backend?: TargetLockBackend;
  runId: string;
  purpose: LockHolder['purpose'];
  /** The run's journal: the holder record names it, and each lock taken is journaled in it. */
  journal: Journal;
  /** `gameday rollback`: the journal being undone (its dead run's locks are taken over). */
  rollbackOf?: string;
  onLost?(error: GamedayError): void;
  log?(message: string): void;
  /** guards.deadman of the run: journaled in its shared lock records. */
  deadmanMs?: number;
  /** See AcquireOptions. */
  scenarioFile?: string;
  repair?: AcquireOptions['repair'];
}

/** Open a shared lock's store as a backend (the client libraries load here, only when one is used). */
export async function sharedBackend(spec: SharedLockSpec, deadmanMs?: number): Promise<SharedLockBackend> {
  const { openLockStore } = await import('../../drivers/lock-stores.js');
  const store = await openLockStore(spec);
  return new SharedLockBackend(store, deadmanMs === undefined ? {} : { deadmanMs });
}

/** Mirror `journal` into the store of every shared lock held, before anything further is appended. */
export async function mirrorJournal(journal: Journal, runId: string, locks: readonly TargetLock[]): Promise<void> {
  const { openStoreMirror } = await import('../../drivers/journal-mirror/store-mirror.js');
  for (const lock of locks) {
    if (!(lock.backend instanceof SharedLockBackend)) continue;
    const store = lock.backend.store;
    await journal.mirrorTo(openStoreMirror(store.spec, runId, store.journalRef(runId)));
  }
}

/**
 * The backend a journaled lock entry names, so rollback takes the very record the run held (whatever
 * TMPDIR says now). Undefined for a kind this gameday does not know.
 */
export async function lockBackendFor(
  kind: string,
  location: string,
  spec?: Record<string, unknown>,
): Promise<TargetLockBackend | undefined> {
  if (kind === 'file') return new FileLockBackend(location);
  if ((kind === 'kubernetes-lease' || kind === 's3') && spec?.['kind'] === kind) {
    return sharedBackend(spec as SharedLockSpec);
  }
  return undefined;
}

/** A holder record for this process. */
export function holderFor(runId: string, journalPath: string, purpose: LockHolder['purpose']): LockHolder {
  const me = selfIdentity();
  return { runId, ...me, journalPath, since: new Date().toISOString(), purpose };
}

/**
 * Take the lock on every key (in sorted order), journaling each before it is used. When one is refused,
 * the ones already taken are released again and the refusal is thrown.
 */
export async function lockSystems(
  systems: ReadonlyArray<string | LockRequest>,
  opts: LockSystemsOptions,
): Promise<TargetLock[]> {
  const fileBackend = opts.backend ?? new FileLockBackend();
  const holder: LockHolder = {
    ...holderFor(opts.runId, opts.journal.path, opts.purpose),
    ...(opts.deadmanMs === undefined ? {} : { deadmanMs: opts.deadmanMs }),
  };
  const requests = new Map<string, LockRequest>();
  for (const s of systems) {
    const r = typeof s === 'string' ? { key: s } : s;
    requests.set(r.key, r);
  }
  const taken: TargetLock[] = [];
  try {
    for (const request of [...requests.values()].sort((a, b) => a.key.localeCompare(b.key))) {
      const key = request.key;
      const backend: TargetLockBackend = request.shared
        ? await sharedBackend(request.shared, opts.deadmanMs)
        : fileBackend;
      let lock: TargetLock;
      try {
        lock = await acquireTargetLock(key, {
          backend,
          holder,
          ...(opts.rollbackOf === undefined ? {} : { rollbackOf: opts.rollbackOf }),
          ...(opts.onLost ? { onLost: opts.onLost } : {}),
          ...(opts.log ? { log: opts.log } : {}),
          ...(opts.scenarioFile === undefined ? {} : { scenarioFile: opts.scenarioFile }),
          ...(opts.repair ? { repair: opts.repair } : {}),
        });
      } catch (error) {
        backend.close?.();
        throw error;
      }
      taken.push(lock);
      opts.journal.append({
        type: 'lock',
        at: new Date().toISOString(),
        key,
        backend: backend.kind,
        location: backend.location,
        ...(backend.spec ? { spec: backend.spec } : {}),
      });
    }
    await mirrorJournal(opts.journal, opts.runId, taken);
  } catch (error) {
    await releaseLocks(taken, true);
    throw error;
  }
  return taken;
}

/**
 * At the end of a run or rollback: release every lock when the rollback completed; otherwise keep the
 * records, so the next run on the target refuses and names the rollback still to do.
 */
export async function releaseLocks(locks: readonly TargetLock[], rollbackComplete: boolean): Promise<void> {
  for (const lock of locks) {
    if (rollbackComplete) await lock.release().catch(() => undefined);
    else lock.keep();
    lock.backend.close?.();
  }
}
