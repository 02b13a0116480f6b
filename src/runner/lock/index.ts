// Target locks for a run or a rollback: one per system, journaled, released only when nothing is left
// to undo. See types.ts for the backend interface and acquire.ts for the takeover policy.

import { selfIdentity } from '../../util/process-identity.js';
import type { Journal } from '../journal.js';
import { acquireTargetLock } from './acquire.js';
import { FileLockBackend } from './file.js';
import type { LockHolder, TargetLock, TargetLockBackend } from './types.js';
import type { GamedayError } from '../../errors.js';

export { acquireTargetLock, type AcquireOptions } from './acquire.js';
export { FileLockBackend, defaultLockDir } from './file.js';
export type { HolderState, LockHolder, LockRecord, TargetLock, TargetLockBackend } from './types.js';

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
}

/**
 * The backend a journaled lock entry names, so rollback takes the very record the run held (whatever
 * TMPDIR says now). Undefined for a kind this gameday does not know.
 */
export function lockBackendFor(kind: string, location: string): TargetLockBackend | undefined {
  return kind === 'file' ? new FileLockBackend(location) : undefined;
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
export async function lockSystems(keys: readonly string[], opts: LockSystemsOptions): Promise<TargetLock[]> {
  const backend = opts.backend ?? new FileLockBackend();
  const holder = holderFor(opts.runId, opts.journal.path, opts.purpose);
  const taken: TargetLock[] = [];
  try {
    for (const key of [...new Set(keys)].sort()) {
      const lock = await acquireTargetLock(key, {
        backend,
        holder,
        ...(opts.rollbackOf === undefined ? {} : { rollbackOf: opts.rollbackOf }),
        ...(opts.onLost ? { onLost: opts.onLost } : {}),
        ...(opts.log ? { log: opts.log } : {}),
      });
      taken.push(lock);
      opts.journal.append({
        type: 'lock',
        at: new Date().toISOString(),
        key,
        backend: backend.kind,
        location: backend.location,
      });
    }
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
  }
}
