import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal, pendingUndos, readJournal } from './journal.js';

const dirs: string[] = [];
function tempJournal(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-journal-'));
  dirs.push(dir);
  return join(dir, 'journal.ndjson');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('journal', () => {
  it('is on disk as soon as an intent is recorded, before the mutation', async () => {
    const path = tempJournal();
    const j = new Journal(path);
    const id = await j.intent('pod-kill #1', 'kill api-a-1', 'sandbox', {
      driver: 'sandbox',
      op: 'ensure-fleet',
      args: { desired: 6 },
    });
    // Read with a separate reader while the writer is still open: the entry is already there.
    const entries = readJournal(path);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ type: 'intent', id, undo: { op: 'ensure-fleet', args: { desired: 6 } } });
    j.close();
  });

  it('lists intents not yet undone, in order, including ones whose mutation failed', async () => {
    const path = tempJournal();
    const j = new Journal(path);
    const a = await j.intent('s1', 'a', 't', { driver: 'd', op: 'undo-a', args: {} });
    j.applied(a);
    const b = await j.intent('s2', 'b', 't', { driver: 'd', op: 'undo-b', args: {} });
    j.failed(b, 'boom');
    const c = await j.intent('s3', 'c', 't', { driver: 'd', op: 'undo-c', args: {} });
    j.applied(c);
    j.undone(c);
    j.close();
    const pending = pendingUndos(readJournal(path));
    expect(pending.map((p) => [p.id, p.undo.op, p.applied])).toEqual([
      [a, 'undo-a', true],
      [b, 'undo-b', false],
    ]);
  });

  it('ignores a torn last line left by a killed writer', async () => {
    const path = tempJournal();
    const j = new Journal(path);
    await j.intent('s1', 'a', 't', { driver: 'd', op: 'x', args: {} });
    j.close();
    appendFileSync(path, '{"type":"intent","id":"m2","und');
    expect(pendingUndos(readJournal(path))).toHaveLength(1);
  });

  it('refuses a journal corrupted in the middle', async () => {
    const path = tempJournal();
    appendFileSync(path, '{"type":"run"}\nnot json\n{"type":"end"}\n');
    expect(() => readJournal(path)).toThrow(/line 2 is corrupt/);
  });

  it('says where to look when the run directory has no journal', async () => {
    expect(() => readJournal('/nonexistent/journal.ndjson')).toThrow(/cannot read journal/);
  });

  it('appends after a reopen (gameday rollback continues the same file)', async () => {
    const path = tempJournal();
    const j = new Journal(path);
    const id = await j.intent('s', 'a', 't', { driver: 'd', op: 'x', args: {} });
    j.close();
    const k = new Journal(path);
    k.undone(id);
    k.close();
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(2);
    expect(pendingUndos(readJournal(path))).toHaveLength(0);
  });

  it('never records a second undo of one mutation, whichever writer tries', async () => {
    const path = tempJournal();
    const run = new Journal(path);
    const id = await run.intent('zone-outage #1', 'zone a down', 'sandbox', {
      driver: 'sandbox',
      op: 'zone-up',
      args: {},
    });
    run.applied(id);
    const other = new Journal(path);
    other.undone(id, 'by gameday rollback');
    expect(() => run.undone(id, 'zone restored after its duration')).toThrow(/m1 .* is already undone/);
    run.close();
    other.close();
    expect(readJournal(path).filter((e) => e.type === 'undone')).toHaveLength(1);
  });

  it('continues the ids of a journal it reopens', async () => {
    const path = tempJournal();
    const j = new Journal(path);
    await j.intent('s', 'a', 't', { driver: 'd', op: 'x', args: {} });
    j.close();
    const k = new Journal(path);
    expect(await k.intent('s', 'b', 't', { driver: 'd', op: 'x', args: {} })).toBe('m2');
    k.close();
  });

  it('marks a mutation whose call never reached the system (nothing to undo)', async () => {
    const path = tempJournal();
    const j = new Journal(path);
    const a = await j.intent('s', 'create template', 't', { driver: 'aws', op: 'fis-delete-templates', args: {} });
    j.failed(a, 'FIS CreateExperimentTemplate at http://127.0.0.1:1: connection refused', { notSent: true });
    const b = await j.intent('s', 'other', 't', { driver: 'd', op: 'x', args: {} });
    j.failed(b, 'HTTP 500');
    j.close();
    expect(pendingUndos(readJournal(path)).map((p) => [p.id, p.notSent === true])).toEqual([
      ['m1', true],
      ['m2', false],
    ]);
  });
});

/**
 * An in-memory mirror whose writes are answered by the test (the real stores, a Lease's ConfigMap and an
 * S3 object, are exercised in test/k8s/shared-lock.test.ts and test/aws/shared-lock.test.ts).
 */
function heldMirror() {
  const writes: Array<{ text: string; answer(error?: Error): void }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let closed = false;
  const mirror = {
    where: 'the test store',
    write(text: string): Promise<void> {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise<void>((resolve, reject) => {
        writes.push({
          text,
          answer: (error) => {
            inFlight -= 1;
            if (error) reject(error);
            else resolve();
          },
        });
      });
    },
    close(): void {
      closed = true;
    },
  };
  const tick = () => new Promise((r) => setImmediate(r));
  return { mirror, writes, tick, maxInFlight: () => maxInFlight, closed: () => closed };
}

/** A journal mirrored to a held mirror, its first copy confirmed. */
async function mirroredJournal() {
  const path = tempJournal();
  const j = new Journal(path);
  const m = heldMirror();
  const mirrored = j.mirrorTo(m.mirror);
  await m.tick();
  m.writes[0]?.answer();
  await mirrored;
  return { path, j, m };
}

describe('journal mirrored to a shared store', () => {
  it('resolves an intent only once the store confirmed a text holding it', async () => {
    const { j, m } = await mirroredJournal();
    let resolved = false;
    const intent = j.intent('s', 'zone a down', 't', { driver: 'd', op: 'zone-up', args: {} }).then((id) => {
      resolved = true;
      return id;
    });
    await m.tick();
    expect(m.writes).toHaveLength(2);
    expect(m.writes[1]?.text).toContain('"type":"intent"');
    expect(resolved).toBe(false);
    m.writes[1]?.answer();
    expect(await intent).toBe('m1');
    const closing = j.close();
    await closing;
    expect(m.closed()).toBe(true);
  });

  it('writes one text at a time, in order, and entries appended meanwhile share the next write', async () => {
    const { j, m } = await mirroredJournal();
    const first = j.intent('s', 'a', 't', { driver: 'd', op: 'x', args: {} });
    await m.tick();
    // While the first intent's write is out: an applied and a second intent.
    j.applied('m1', 'done');
    const second = j.intent('s', 'b', 't', { driver: 'd', op: 'x', args: {} });
    await m.tick();
    expect(m.writes).toHaveLength(2);
    m.writes[1]?.answer();
    await first;
    await m.tick();
    // One more write carries both later entries; the third queued write finds nothing new to send.
    expect(m.writes).toHaveLength(3);
    expect(m.writes[2]?.text).toContain('"type":"applied"');
    expect(m.writes[2]?.text).toContain('"id":"m2"');
    m.writes[2]?.answer();
    expect(await second).toBe('m2');
    await m.tick();
    expect(m.writes).toHaveLength(3);
    expect(m.maxInFlight()).toBe(1);
    await j.close();
  });

  it('rejects an intent the store did not take; other entries never throw, and the next write repairs the copy', async () => {
    const { path, j, m } = await mirroredJournal();
    const refused = j.intent('s', 'a', 't', { driver: 'd', op: 'x', args: {} });
    await m.tick();
    m.writes[1]?.answer(new Error('cannot mirror the journal to the test store: HTTP 403'));
    await expect(refused).rejects.toThrow(/HTTP 403/);
    // The entry is on disk all the same (its mutation must not happen; rollback sees the intent).
    expect(readFileSync(path, 'utf8')).toContain('"id":"m1"');
    j.failed('m1', 'not mirrored', { notSent: true });
    await m.tick();
    m.writes[2]?.answer(new Error('still down'));
    await m.tick();
    const next = j.intent('s', 'b', 't', { driver: 'd', op: 'x', args: {} });
    await m.tick();
    expect(m.writes[3]?.text).toBe(readFileSync(path, 'utf8'));
    m.writes[3]?.answer();
    expect(await next).toBe('m2');
    await j.close();
  });

  it('refuses to start mirroring when the first copy fails, and closes that mirror', async () => {
    const j = new Journal(tempJournal());
    const m = heldMirror();
    const mirrored = j.mirrorTo(m.mirror);
    await m.tick();
    m.writes[0]?.answer(new Error('cannot mirror the journal to the test store: no such bucket'));
    await expect(mirrored).rejects.toThrow(/no such bucket/);
    expect(m.closed()).toBe(true);
    expect(j.mirroredTo()).toEqual([]);
    // Not mirrored: an intent resolves at once.
    expect(await j.intent('s', 'a', 't', { driver: 'd', op: 'x', args: {} })).toBe('m1');
    await j.close();
  });

  it('close waits for the last entries to reach the store before closing it', async () => {
    const { j, m } = await mirroredJournal();
    j.append({ type: 'end', at: new Date().toISOString(), verdict: 'fail', rollbackComplete: false });
    let closedAll = false;
    const closing = j.close().then(() => (closedAll = true));
    await m.tick();
    expect(m.writes[1]?.text).toContain('"type":"end"');
    expect(closedAll).toBe(false);
    expect(m.closed()).toBe(false);
    m.writes[1]?.answer();
    await closing;
    expect(m.closed()).toBe(true);
  });
});
