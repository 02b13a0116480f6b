// The journal mirror's worker thread: holds one open lock store and writes each journal text it is sent,
// then wakes the run's thread, which waits for it (see sync-mirror.ts).

import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { describeError } from '../../errors.js';
import type { SharedLockSpec, SharedLockStore } from '../../runner/lock/shared.js';
import { openLockStore } from '../lock-stores.js';

interface MirrorWorkerData {
  spec: SharedLockSpec;
  runId: string;
  port: MessagePort;
  flag: Int32Array;
}

const data = workerData as MirrorWorkerData;
let store: Promise<SharedLockStore> | undefined;

data.port.on('message', (message: { seq: number; text: string }) => {
  void (async () => {
    let reply: { seq: number; error?: string };
    try {
      store ??= openLockStore(data.spec);
      await (await store).writeJournal(data.runId, message.text);
      reply = { seq: message.seq };
    } catch (error) {
      store = undefined;
      reply = { seq: message.seq, error: describeError(error) };
    }
    data.port.postMessage(reply);
    Atomics.store(data.flag, 0, message.seq);
    Atomics.notify(data.flag, 0);
  })();
});

parentPort?.on('message', (m: string) => {
  if (m !== 'close') return;
  void store?.then((s) => s.close()).catch(() => undefined);
  data.port.close();
});
