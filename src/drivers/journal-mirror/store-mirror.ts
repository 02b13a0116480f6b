// The run journal copied to a shared lock's store (a ConfigMap beside the Lease, an object beside the S3
// lock), so that another machine can undo a run that is gone. Written from the run's own thread: the
// caller awaits each intent's copy before its mutation (Journal.intent). The store is this mirror's own,
// opened at the first write: the copy outlives the lock when a rollback is incomplete, for whoever rolls
// back from elsewhere. Why not a worker thread with a synchronous wait: a second V8 isolate loaded the
// whole Kubernetes client library again (about 70 MB of RSS, 0.5 s of CPU) to send one request.

import { describeError, GamedayError, isGamedayError } from '../../errors.js';
import type { JournalMirror } from '../../runner/journal.js';
import type { SharedLockSpec, SharedLockStore } from '../../runner/lock/shared.js';
import { formatDuration } from '../../util/duration.js';
import { openLockStore } from '../lock-stores.js';

const CODE = 'JOURNAL_MIRROR';

/**
 * A mirror of run `runId`'s journal into the store `spec` names. A write that is not confirmed within
 * `timeoutMs` rejects; the next write still waits for it to settle, so an older text never lands after a
 * newer one. `close` lets the last write settle for up to `timeoutMs` more, then abandons it: a store that
 * hangs never keeps gameday running after its run.
 */
export function openStoreMirror(
  spec: SharedLockSpec,
  runId: string,
  where: string,
  timeoutMs = 20_000,
  open: (spec: SharedLockSpec) => Promise<SharedLockStore> = openLockStore,
): JournalMirror {
  let store: Promise<SharedLockStore> | undefined;
  /** The last write's request, settled either way (never rejects). */
  let settled: Promise<void> = Promise.resolve();
  let closed = false;
  /** Aborts the write in flight at close, once its grace has passed. */
  const abandon = new AbortController();

  const send = async (text: string, previous: Promise<void>): Promise<void> => {
    await previous;
    const opened = (store ??= open(spec));
    try {
      await (await opened).writeJournal(runId, text, abandon.signal);
    } catch (error) {
      // Opened again at the next write (a connection that broke, a store that could not be opened).
      if (store === opened) store = undefined;
      void opened.then((s) => s.close()).catch(() => undefined);
      throw error;
    }
  };

  return {
    where,
    async write(text: string): Promise<void> {
      if (closed) throw new GamedayError(`the journal mirror ${where} is closed`, { kind: 'runtime', code: CODE });
      const request = send(text, settled);
      settled = request.catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new GamedayError(`the journal mirror ${where} did not answer within ${formatDuration(timeoutMs)}`, {
                kind: 'runtime',
                code: CODE,
                hint: 'the store holding the shared lock does not answer; nothing further is changed',
              }),
            ),
          timeoutMs,
        );
      });
      try {
        await Promise.race([request, late]);
      } catch (error) {
        if (isGamedayError(error) && error.code === CODE) throw error;
        throw new GamedayError(`cannot mirror the journal to ${where}: ${describeError(error)}`, {
          kind: 'runtime',
          code: CODE,
          cause: error,
          hint: 'the shared store must be writable before any mutation; check access to it (gameday rbac / iam)',
        });
      } finally {
        clearTimeout(timer);
      }
    },
    close(): void {
      if (closed) return;
      closed = true;
      const grace = setTimeout(() => abandon.abort(), timeoutMs).unref();
      void settled
        .then(async () => {
          clearTimeout(grace);
          (await store)?.close();
        })
        .catch(() => undefined);
    },
  };
}
