// The mirror's own logic (timeouts, order, reopening) over an in-memory store whose answers the test
// holds. The real stores, a Lease's ConfigMap and an S3 object, are exercised with a real control plane
// and moto in test/k8s/shared-lock.test.ts and test/aws/shared-lock.test.ts.

import { describe, expect, it } from 'vitest';
import type { SharedLockSpec, SharedLockStore } from '../../runner/lock/shared.js';
import { openStoreMirror } from './store-mirror.js';

const SPEC: SharedLockSpec = { kind: 's3', region: 'eu-west-1', bucket: 'b', prefix: 'p/' };

function heldStore() {
  const writes: Array<{ text: string; answer(error?: Error): void }> = [];
  const stored: string[] = [];
  let opened = 0;
  let closed = 0;
  const store = {
    writeJournal(_runId: string, text: string): Promise<void> {
      return new Promise<void>((resolve, reject) =>
        writes.push({
          text,
          answer: (error) => {
            if (error) return reject(error);
            stored.push(text);
            resolve();
          },
        }),
      );
    },
    close(): void {
      closed += 1;
    },
  } as unknown as SharedLockStore;
  const open = (): Promise<SharedLockStore> => {
    opened += 1;
    return Promise.resolve(store);
  };
  const tick = () => new Promise((r) => setImmediate(r));
  return { open, writes, stored, tick, opened: () => opened, closed: () => closed };
}

/** A mirror with a 5 s timeout over a held store. */
function mirrorOverHeldStore() {
  const s = heldStore();
  return { s, mirror: openStoreMirror(SPEC, 'r1', 'the test store', 5_000, s.open) };
}

describe('the journal mirror over a shared store', () => {
  it('gives up on a write the store does not confirm in time, and the next write waits for that one to settle', async () => {
    const s = heldStore();
    const mirror = openStoreMirror(SPEC, 'r1', 'the test store', 50, s.open);
    await expect(mirror.write('one\n')).rejects.toThrow(
      /^the journal mirror the test store did not answer within 50ms$/,
    );
    const second = mirror.write('one\ntwo\n');
    await s.tick();
    // The first request is still out: the second is not sent before it settles, so it cannot be overtaken.
    expect(s.writes.map((w) => w.text)).toEqual(['one\n']);
    s.writes[0]?.answer();
    await s.tick();
    expect(s.writes.map((w) => w.text)).toEqual(['one\n', 'one\ntwo\n']);
    s.writes[1]?.answer();
    await second;
    expect(s.stored).toEqual(['one\n', 'one\ntwo\n']);
    mirror.close();
    await s.tick();
    expect(s.closed()).toBe(1);
  });

  it('names the store and the cause when a write fails, and opens the store again for the next write', async () => {
    const { s, mirror } = mirrorOverHeldStore();
    const first = mirror.write('a\n');
    await s.tick();
    s.writes[0]?.answer(new Error('HTTP 403 Forbidden'));
    const error = await first.catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'JOURNAL_MIRROR',
      message: 'cannot mirror the journal to the test store: HTTP 403 Forbidden',
    });
    const second = mirror.write('a\n');
    await s.tick();
    s.writes[1]?.answer();
    await second;
    expect(s.opened()).toBe(2);
  });

  it('refuses writes after close and closes the store only once the last write settled', async () => {
    const { s, mirror } = mirrorOverHeldStore();
    const last = mirror.write('end\n');
    await s.tick();
    mirror.close();
    await s.tick();
    expect(s.closed()).toBe(0);
    s.writes[0]?.answer();
    await last;
    await s.tick();
    expect(s.closed()).toBe(1);
    await expect(mirror.write('more\n')).rejects.toThrow(/is closed/);
  });
});

describe('closing the journal mirror over a store that hangs', () => {
  it('abandons the write in flight once its grace has passed, and closes the store', async () => {
    let signal: AbortSignal | undefined;
    let closed = 0;
    const store = {
      writeJournal: (_runId: string, _text: string, s?: AbortSignal) =>
        new Promise<void>((_, reject) => {
          signal = s;
          s?.addEventListener('abort', () => reject(new Error('aborted')));
        }),
      close: () => (closed += 1),
    } as unknown as SharedLockStore;
    const mirror = openStoreMirror(SPEC, 'r1', 'the test store', 50, () => Promise.resolve(store));
    const write = mirror.write('end\n');
    await expect(write).rejects.toThrow(/did not answer within/);
    mirror.close();
    expect(signal?.aborted).toBe(false);
    await new Promise((r) => setTimeout(r, 120));
    expect(signal?.aborted).toBe(true);
    expect(closed).toBe(1);
  });
});
