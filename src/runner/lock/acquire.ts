// Taking a target lock: the policy on top of a backend. A live holder is never displaced; a dead one
// is replaced only when its journal has nothing left to undo, because the journal — not the lock —
// says whether the target is back to how the run found it.

import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { GamedayError, describeError } from '../../errors.js';
import { pendingUndos, parseJournal, readJournal } from '../journal.js';
import type { LockHolder, LockRecord, TargetLock, TargetLockBackend } from './types.js';

export interface AcquireOptions {
  backend: TargetLockBackend;
  holder: LockHolder;
  /** `gameday rollback`: a dead holder whose journal is this one is replaced (that is what rollback undoes). */
  rollbackOf?: string;
  /** Called once when a renewal finds the record gone or someone else's: the run must stop. */
  onLost?(error: GamedayError): void;
  /** Told when a stale lock (dead holder, nothing pending) is taken over. */
  log?(message: string): void;
  /** `gameday rollback` of a journal copied from a shared store: the run id it undoes (its path differs). */
  rollbackRunId?: string;
  /** `gameday rollback --force` (or a lock past its dead-man time): a holder of the same journal whose state is unknown is replaced. */
  forceUnknown?: boolean;
  /** The scenario file, for the rollback a refusal names when the holder's journal is on another machine. */
  scenarioFile?: string;
  /**
   * Roll back what a gone holder left (its journal, mirrored to the shared store), so the lock can be
   * taken. Called for a gone holder of a shared lock (it stopped renewing, or its process on this host is
   * dead), and of any lock whose holder set guards.deadman; a refusal or an incomplete rollback throws.
   */
  repair?(record: LockRecord, backend: TargetLockBackend): Promise<void>;
}

/** How many undos a holder's journal still holds: its file when it is here, else its shared mirror; undefined when neither can be read. */
async function pendingOf(record: LockRecord, backend: TargetLockBackend): Promise<number | undefined> {
  const path = record.holder.journalPath;
  try {
    if (path !== '') return pendingUndos(readJournal(path)).length;
  } catch {
    // Not on this machine: the shared store may hold its copy.
  }
  try {
    const text = await backend.readJournal?.(record);
    return text === undefined ? undefined : pendingUndos(parseJournal(text, record.holder.journal ?? 'mirror')).length;
  } catch {
    return undefined;
  }
}

const ago = (iso: string): string => {
  const ms = Date.now() - Date.parse(iso);
  return Number.isFinite(ms) ? `, last renewed ${Math.max(0, Math.round(ms / 1000))}s ago` : '';
};

function holderText(h: LockHolder): string {
  return `${h.purpose === 'rollback' ? 'gameday rollback' : `run ${h.runId}`} (pid ${h.pid} on ${h.host || 'an unknown host'}${h.since ? `, since ${h.since}` : ''})`;
}

/** Why the lock on `key` cannot be taken now; undefined when its holder may be replaced. */
async function refusal(key: string, record: LockRecord, opts: AcquireOptions): Promise<GamedayError | undefined> {
  const { backend } = opts;
  const h = record.holder;
  const state = backend.holderState(record);
  const sameJournal =
    (opts.rollbackOf !== undefined && h.journalPath !== '' && resolve(h.journalPath) === resolve(opts.rollbackOf)) ||
    (opts.rollbackRunId !== undefined && h.runId === opts.rollbackRunId);
  // A record this very process kept earlier (an incomplete rollback of this journal) is its own again.
  const me = opts.holder;
  if (sameJournal && h.pid === me.pid && h.host === me.host && h.startTime === me.startTime) return undefined;
  const forced = sameJournal && state === 'unknown' && opts.forceUnknown === true;
  if (state !== 'dead' && !forced) {
    const stop =
      h.purpose === 'rollback'
        ? `it is undoing ${h.journalPath}; wait for it to finish`
        : `wait for it to finish, or stop it with SIGINT (kill -INT ${h.pid}${state === 'unknown' ? ` on ${h.host}` : ''}): it rolls back before it exits`;
    // A shared lock says where it is in the message itself: it may be in another cluster or bucket than one expects.
    const renewed = backend.readJournal ? `${ago(record.renewedAt)} (${backend.describe(key)})` : '';
    return new GamedayError(
      `${key} is locked by ${holderText(h)}${renewed}${state === 'unknown' ? ', which may still run' : ''}`,
      {
        kind: 'runtime',
        code: 'TARGET_LOCKED',
        phase: 'guards',
        target: key,
        hint: `${stop} (${backend.describe(key)})`,
      },
    );
  }
  if (sameJournal) return undefined;
  if (h.journalPath === '' && !backend.readJournal) return undefined;
  const pending = await pendingOf(record, backend);
  if (pending === 0) return undefined;
  const local = h.journalPath !== '' && existsSync(h.journalPath);
  const dir = local ? dirname(h.journalPath) : `--target ${opts.scenarioFile ?? '<scenario>'}`;
  if (pending === undefined) {
    return new GamedayError(
      `${key} is locked by ${holderText(h)}, which is no longer running, and its journal ${h.journal ?? h.journalPath} cannot be read`,
      {
        kind: 'runtime',
        code: 'TARGET_PENDING_ROLLBACK',
        phase: 'guards',
        target: key,
        hint: `gameday cannot tell what that run left behind; check the target by hand, then remove the ${backend.describe(key)}`,
      },
    );
  }
  return new GamedayError(
    `${key} has ${pending} mutation(s) not undone by ${holderText(h)}, which is no longer running; run \`gameday rollback ${dir}\` first`,
    {
      kind: 'runtime',
      code: 'TARGET_PENDING_ROLLBACK',
      phase: 'guards',
      target: key,
      hint: `gameday rollback ${dir}; where it cannot complete (exit 4), put the system back as it says, then gameday rollback ${dir} --resolved`,
    },
  );
}

/**
 * Take the lock on `key` for `opts.holder`. Refuses (exit 3) while another holder runs, and while a dead
 * holder's journal has undos pending (naming the `gameday rollback` to run). A dead holder with nothing
 * pending is replaced (compare-and-swap, so two runs never both win).
 */
export async function acquireTargetLock(key: string, opts: AcquireOptions): Promise<TargetLock> {
  const { backend } = opts;
  let repaired = false;
  for (let attempt = 0; attempt < 20; attempt++) {
    const made = await backend.create(key, opts.holder);
    let record: LockRecord | undefined = made.created ? made.record : undefined;
    if (!record) {
      const why = await refusal(key, made.record, opts);
      // Why a shared lock's gone holder is repaired by whoever wants the lock: its journal is where every
      // runner reads it, so a run killed mid-fault is undone by the next one at the latest. A local lock
      // file's orphan is left to `gameday rollback`, as the refusal says, unless it set guards.deadman.
      if (
        why?.code === 'TARGET_PENDING_ROLLBACK' &&
        opts.repair &&
        !repaired &&
        (backend.readJournal !== undefined || made.record.holder.deadmanMs !== undefined)
      ) {
        opts.log?.(`${key}: ${why.message}; rolling back what it left before taking the lock`);
        await opts.repair(made.record, backend);
        repaired = true;
        continue;
      }
      if (why) throw why;
      record = await backend.replace(made.record, opts.holder);
      if (record) opts.log?.(`took over the lock on ${key} from ${holderText(made.record.holder)}, which is gone`);
    }
    if (record) return held(key, record, opts);
    // Someone else changed the record between our read and our swap: look again.
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new GamedayError(`cannot take the lock on ${key}: it keeps changing`, {
    kind: 'runtime',
    code: 'LOCK_FAILED',
    target: key,
    hint: backend.describe(key),
  });
}

function held(key: string, first: LockRecord, opts: AcquireOptions): TargetLock {
  const { backend } = opts;
  let record = first;
  let done = false;
  let renewedAt = Date.now();
  const lost = (message: string): void => {
    done = true;
    clearInterval(timer);
    opts.onLost?.(
      new GamedayError(message, { kind: 'aborted', code: 'LOCK_LOST', target: key, hint: backend.describe(key) }),
    );
  };
  const lease = first.holder.leaseMs ?? first.holder.deadmanMs;
  const timer = setInterval(() => {
    backend.renew(record).then(
      (next) => {
        if (done) return;
        if (next) {
          record = next;
          renewedAt = Date.now();
          return;
        }
        lost(`lost the lock on ${key}: its record was removed or replaced`);
      },
      (error: unknown) => {
        opts.log?.(`could not renew the lock on ${key}: ${describeError(error)}`);
        // Why stop at half the lease: past it another machine may count this run as gone and roll the
        // target back; this run must have stopped acting (and rolled back itself) well before that.
        if (!done && lease !== undefined && Date.now() - renewedAt > lease / 2) {
          lost(
            `could not renew the lock on ${key} for ${Math.round((Date.now() - renewedAt) / 1000)}s (its lease is ${Math.round(lease / 1000)}s)`,
          );
        }
      },
    );
  }, backend.renewEveryMs);
  timer.unref();
  return {
    key,
    backend,
    get record() {
      return record;
    },
    async release() {
      done = true;
      clearInterval(timer);
      await backend.release(record);
    },
    keep() {
      done = true;
      clearInterval(timer);
    },
  };
}
