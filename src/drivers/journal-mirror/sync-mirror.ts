// Mirroring a journal to a shared lock store synchronously. Why synchronously: the journal's contract is
// that an entry is durable before `append` returns, and so before the mutation it describes; a remote
// copy must hold the same promise, or a runner that dies right after a mutation leaves no undo that
// another machine can see. The write runs in a worker thread; this thread blocks on an Atomics wait for
// its answer (milliseconds on a healthy store, bounded by a timeout).

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { GamedayError } from '../../errors.js';
import type { SharedLockSpec } from '../../runner/lock/shared.js';

/** The compiled worker (under vitest the sources run as .ts: the build in dist/ holds it). */
function workerFile(): string {
  const here = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(here)) return here;
  return here.replace(/([/\\])src([/\\])drivers([/\\])/, '$1dist$2drivers$3');
}

export interface SyncMirror {
  /** Where the copy is, for people. */
  readonly where: string;
  /** Store the whole journal text remotely; throws GamedayError when the store did not confirm in time. */
  write(text: string): void;
  close(): void;
}

/** A synchronous mirror of run `runId`'s journal into the store `spec` names. */
export function openSyncMirror(spec: SharedLockSpec, runId: string, where: string, timeoutMs = 20_000): SyncMirror {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(workerFile(), {
    workerData: { spec, runId, port: port2, flag },
    transferList: [port2],
  });
  worker.unref();
  port1.unref();
  let seq = 0;
  let closed = false;
  return {
    where,
    write(text: string): void {
      if (closed) return;
      seq += 1;
      port1.postMessage({ seq, text });
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const reply = receiveMessageOnPort(port1)?.message as { seq: number; error?: string } | undefined;
        if (reply?.seq === seq) {
          if (reply.error !== undefined) {
            throw new GamedayError(`cannot mirror the journal to ${where}: ${reply.error}`, {
              kind: 'runtime',
              code: 'JOURNAL_MIRROR',
              hint: 'the shared store must be writable before any mutation; check access to it (gameday rbac / iam)',
            });
          }
          return;
        }
        if (reply) continue;
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new GamedayError(`the journal mirror ${where} did not answer within ${Math.round(timeoutMs / 1000)}s`, {
            kind: 'runtime',
            code: 'JOURNAL_MIRROR',
            hint: 'the store holding the shared lock does not answer; nothing further is changed',
          });
        }
        // The worker posts its reply, then stores the seq and notifies: wait until the flag moves.
        const current = Atomics.load(flag, 0);
        Atomics.wait(flag, 0, current, current === seq ? 5 : Math.min(left, 1000));
      }
    },
    close(): void {
      if (closed) return;
      closed = true;
      worker.postMessage('close');
      void worker.terminate();
      port1.close();
    },
  };
}
