// `gameday rollback <run-dir>`: replay the pending undos of a journal — only when the run that owns it
// has ended, only on the systems it acted on, and holding its target locks while it works, so the same
// mutation is never undone twice and a new run never starts on a target mid-rollback.

import { join, resolve } from 'node:path';
import type { AwsClientOptions } from '../drivers/aws/index.js';
import { GamedayError } from '../errors.js';
import { processState } from '../util/process-identity.js';
import { Journal, journalEnded, journalLocks, journalRun, pendingUndos, readJournal } from './journal.js';
import {
  FileLockBackend,
  acquireTargetLock,
  holderFor,
  lockBackendFor,
  mirrorJournal,
  releaseLocks,
  type TargetLock,
  type TargetLockBackend,
} from './lock/index.js';
import { rollback, type RollbackResult } from './rollback.js';
import { verifyJournalTargets } from './targets-verify.js';

export interface JournalRollbackOptions {
  /** Time allowed for each undo. */
  timeoutMs: number;
  /** Roll back although the run's host is another machine, whose processes cannot be checked from here. */
  force?: boolean;
  /**
   * A person has put the system back by hand (an undo that cannot succeed, such as an RDS promotion):
   * record every pending mutation as resolved, run no undo, and release the run's locks.
   */
  resolved?: boolean;
  awsClientOptions?: AwsClientOptions;
  /** Test seam: one backend for every lock (default: the backend each journaled lock names). */
  lockBackend?: TargetLockBackend;
  /**
   * The run's shared lock says its holder is gone (its dead-man time passed): a run on another host need
   * not be checked from here. A holder that is alive is still refused.
   */
  ownerGone?: boolean;
  signal?: AbortSignal;
  log?(message: string): void;
  /** Called once the checks passed and the locks are held, before the first undo. */
  onStart?(start: { pending: number; checked: string[] }): void;
  onUndo?(id: string, status: 'ok' | 'failed', detail: string): void;
}

export type JournalRollbackOutcome =
  | { status: 'nothing-pending'; staleLocksRemoved: number }
  | { status: 'rolled-back'; pending: number; result: RollbackResult; checked: string[] };

/** Refuse while the run that owns the journal still runs (exit 2): it rolls back by itself, and racing it undoes twice. */
function refuseLiveOwner(entries: ReturnType<typeof readJournal>, force: boolean, ownerGone: boolean): void {
  const run = journalRun(entries);
  if (!run || journalEnded(entries)) return;
  const state = processState({
    pid: run.pid,
    ...(run.host === undefined ? {} : { host: run.host }),
    ...(run.startTime === undefined ? {} : { startTime: run.startTime }),
  });
  if (state === 'alive') {
    throw new GamedayError(`run ${run.runId} (pid ${run.pid}) that owns this journal is still running`, {
      kind: 'invalid-input',
      code: 'RUN_ALIVE',
      phase: 'rollback',
      hint: `a live run rolls back by itself when it ends; to stop it now send it SIGINT (kill -INT ${run.pid}): it stops the experiment and rolls back`,
    });
  }
  if (state === 'unknown' && !force && !ownerGone) {
    throw new GamedayError(
      `run ${run.runId} ran on host ${run.host ?? '?'} (pid ${run.pid}); gameday cannot tell from here whether it still runs`,
      {
        kind: 'invalid-input',
        code: 'RUN_ON_OTHER_HOST',
        phase: 'rollback',
        hint: `roll back on ${run.host ?? 'that host'}, or pass --force once you know that run has ended`,
      },
    );
  }
}

/** The locks rollback holds: the journal's own (no two rollbacks of one journal) and every target lock the run took. */
async function wantedLocks(
  journalPath: string,
  entries: ReturnType<typeof readJournal>,
  opts: JournalRollbackOptions,
): Promise<Array<{ key: string; backend: TargetLockBackend }>> {
  const out: Array<{ key: string; backend: TargetLockBackend }> = [
    { key: `journal:${journalPath}`, backend: opts.lockBackend ?? new FileLockBackend() },
  ];
  for (const l of journalLocks(entries)) {
    const backend = opts.lockBackend ?? (await lockBackendFor(l.backend, l.location, l.spec));
    if (!backend) {
      for (const o of out) o.backend.close?.();
      throw new GamedayError(`the run locked ${l.key} with a "${l.backend}" lock, which this gameday does not know`, {
        kind: 'invalid-input',
        code: 'LOCK_BACKEND',
        hint: 'roll back with the gameday version that ran the scenario',
      });
    }
    out.push({ key: l.key, backend });
  }
  return out;
}

/** Remove lock records a dead holder of this journal left behind (killed after its rollback completed). */
async function removeStaleLocks(
  journalPath: string,
  entries: ReturnType<typeof readJournal>,
  opts: JournalRollbackOptions,
): Promise<number> {
  let removed = 0;
  const runId = journalRun(entries)?.runId;
  const wanted = await wantedLocks(journalPath, entries, opts);
  try {
    for (const { key, backend } of wanted) {
      const record = await backend.read(key);
      const ours =
        record !== undefined &&
        (resolve(record.holder.journalPath || '.') === journalPath ||
          (backend.readJournal !== undefined && record.holder.runId === runId));
      if (!record || !ours) continue;
      if (backend.holderState(record) !== 'dead') continue;
      await backend.release(record);
      removed += 1;
    }
  } finally {
    for (const { backend } of wanted) backend.close?.();
  }
  return removed;
}

/** Record each pending mutation as resolved by a person (the audit trail stays in the journal). */
function markResolved(
  journal: Journal,
  pending: ReturnType<typeof pendingUndos>,
  opts: JournalRollbackOptions,
): RollbackResult {
  for (const p of [...pending].reverse()) {
    journal.undone(p.id, 'resolved by hand (gameday rollback --resolved); no undo was run');
    opts.onUndo?.(p.id, 'ok', `${p.action}: resolved by hand`);
  }
  return { complete: true, undone: pending.length, failed: [] };
}

/** Undo what the run in `runDir` left behind. Throws GamedayError for every refusal; nothing is changed then. */
export async function rollbackJournal(runDir: string, opts: JournalRollbackOptions): Promise<JournalRollbackOutcome> {
  const journalPath = resolve(join(runDir, 'journal.ndjson'));
  const entries = readJournal(journalPath);
  const pending = pendingUndos(entries);
  if (pending.length === 0) {
    return { status: 'nothing-pending', staleLocksRemoved: await removeStaleLocks(journalPath, entries, opts) };
  }
  refuseLiveOwner(entries, opts.force === true, opts.ownerGone === true);
  const signal = opts.signal ?? AbortSignal.timeout(10 * 60_000);
  // Resolved by hand: nothing is sent to the targets, so there is no identity to check.
  const checked = opts.resolved
    ? []
    : await verifyJournalTargets(entries, {
        signal,
        ...(opts.awsClientOptions ? { awsClientOptions: opts.awsClientOptions } : {}),
        ...(opts.log ? { log: opts.log } : {}),
      });
  const runId = journalRun(entries)?.runId;
  const holder = holderFor(runId ?? 'rollback', journalPath, 'rollback');
  const locks: TargetLock[] = [];
  const wanted = await wantedLocks(journalPath, entries, opts);
  const journal = new Journal(journalPath);
  try {
    for (const [i, { key, backend }] of wanted.entries()) {
      try {
        locks.push(
          await acquireTargetLock(key, {
            backend,
            holder,
            rollbackOf: journalPath,
            // A copy of a shared journal lives at another path than the run's: the run id names it.
            ...(runId === undefined ? {} : { rollbackRunId: runId }),
            ...(opts.force === true || opts.ownerGone === true ? { forceUnknown: true } : {}),
            ...(opts.log ? { log: opts.log } : {}),
          }),
        );
      } catch (error) {
        for (const w of wanted.slice(i)) w.backend.close?.();
        throw error;
      }
    }
    // Each undo is recorded where the run's shared locks live too, so every machine sees it.
    if (runId !== undefined) await mirrorJournal(journal, runId, locks);
  } catch (error) {
    await journal.close();
    await releaseLocks(locks, true);
    throw error;
  }
  let result: RollbackResult | undefined;
  try {
    // Read again under the locks: what is pending now is what this rollback owns.
    const owned = pendingUndos(readJournal(journalPath));
    opts.onStart?.({ pending: owned.length, checked });
    result = opts.resolved
      ? markResolved(journal, owned, opts)
      : await rollback(journal, owned, {
          timeoutMs: opts.timeoutMs,
          ...(opts.onUndo ? { onUndo: opts.onUndo } : {}),
        });
    return { status: 'rolled-back', pending: owned.length, result, checked };
  } finally {
    await journal.close();
    // Incomplete: the records stay, so the next run on these targets refuses and names this rollback.
    await releaseLocks(locks, result?.complete === true);
  }
}
