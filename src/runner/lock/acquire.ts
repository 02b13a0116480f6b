// Taking a target lock: the policy on top of a backend. A live holder is never displaced; a dead one
// is replaced only when its journal has nothing left to undo, because the journal — not the lock —
// says whether the target is back to how the run found it.

import { dirname, resolve } from 'node:path';
import { GamedayError, describeError } from '../../errors.js';
import { pendingUndos, readJournal } from '../journal.js';
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
}

/** How many undos a journal still holds; undefined when it cannot be read. */
function pendingIn(journalPath: string): number | undefined {
  try {
    return pendingUndos(readJournal(journalPath)).length;
  } catch {
    return undefined;
  }
}

function holderText(h: LockHolder): string {
  return `${h.purpose === 'rollback' ? 'gameday rollback' : `run ${h.runId}`} (pid ${h.pid} on ${h.host || 'an unknown host'}${h.since ? `, since ${h.since}` : ''})`;
}

/** Why the lock on `key` cannot be taken now; undefined when its holder may be replaced. */
function refusal(key: string, record: LockRecord, opts: AcquireOptions): GamedayError | undefined {
  const { backend } = opts;
  const h = record.holder;
  const state = backend.holderState(record);
  const sameJournal =
    opts.rollbackOf !== undefined && h.journalPath !== '' && resolve(h.journalPath) === resolve(opts.rollbackOf);
  // A record this very process kept earlier (an incomplete rollback of this journal) is its own again.
  const me = opts.holder;
  if (sameJournal && h.pid === me.pid && h.host === me.host && h.startTime === me.startTime) return undefined;
  if (state !== 'dead') {
    const stop =
      h.purpose === 'rollback'
        ? `it is undoing ${h.journalPath}; wait for it to finish`
        : `wait for it to finish, or stop it with SIGINT (kill -INT ${h.pid}${state === 'unknown' ? ` on ${h.host}` : ''}): it rolls back before it exits`;
    return new GamedayError(
      `${key} is locked by ${holderText(h)}${state === 'unknown' ? ', which may still run' : ''}`,
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
  if (h.journalPath === '') return undefined;
  const pending = pendingIn(h.journalPath);
  if (pending === 0) return undefined;
  const dir = dirname(h.journalPath);
  if (pending === undefined) {
    return new GamedayError(
      `${key} is locked by ${holderText(h)}, which is no longer running, and its journal ${h.journalPath} cannot be read`,
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
  for (let attempt = 0; attempt < 20; attempt++) {
    const made = await backend.create(key, opts.holder);
    let record: LockRecord | undefined = made.created ? made.record : undefined;
    if (!record) {
      const why = refusal(key, made.record, opts);
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
  const timer = setInterval(() => {
    backend.renew(record).then(
      (next) => {
        if (done) return;
        if (next) {
          record = next;
          return;
        }
        done = true;
        clearInterval(timer);
        opts.onLost?.(
          new GamedayError(`lost the lock on ${key}: its record was removed or replaced`, {
            kind: 'aborted',
            code: 'LOCK_LOST',
            target: key,
            hint: backend.describe(key),
          }),
        );
      },
      (error: unknown) => opts.log?.(`could not renew the lock on ${key}: ${describeError(error)}`),
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
