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
  it('is on disk as soon as an intent is recorded, before the mutation', () => {
    const path = tempJournal();
    const j = new Journal(path);
    const id = j.intent('pod-kill #1', 'kill api-a-1', 'sandbox', {
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

  it('lists intents not yet undone, in order, including ones whose mutation failed', () => {
    const path = tempJournal();
    const j = new Journal(path);
    const a = j.intent('s1', 'a', 't', { driver: 'd', op: 'undo-a', args: {} });
    j.applied(a);
    const b = j.intent('s2', 'b', 't', { driver: 'd', op: 'undo-b', args: {} });
    j.failed(b, 'boom');
    const c = j.intent('s3', 'c', 't', { driver: 'd', op: 'undo-c', args: {} });
    j.applied(c);
    j.undone(c);
    j.close();
    const pending = pendingUndos(readJournal(path));
    expect(pending.map((p) => [p.id, p.undo.op, p.applied])).toEqual([
      [a, 'undo-a', true],
      [b, 'undo-b', false],
    ]);
  });

  it('ignores a torn last line left by a killed writer', () => {
    const path = tempJournal();
    const j = new Journal(path);
    j.intent('s1', 'a', 't', { driver: 'd', op: 'x', args: {} });
    j.close();
    appendFileSync(path, '{"type":"intent","id":"m2","und');
    expect(pendingUndos(readJournal(path))).toHaveLength(1);
  });

  it('refuses a journal corrupted in the middle', () => {
    const path = tempJournal();
    appendFileSync(path, '{"type":"run"}\nnot json\n{"type":"end"}\n');
    expect(() => readJournal(path)).toThrow(/line 2 is corrupt/);
  });

  it('says where to look when the run directory has no journal', () => {
    expect(() => readJournal('/nonexistent/journal.ndjson')).toThrow(/cannot read journal/);
  });

  it('appends after a reopen (gameday rollback continues the same file)', () => {
    const path = tempJournal();
    const j = new Journal(path);
    const id = j.intent('s', 'a', 't', { driver: 'd', op: 'x', args: {} });
    j.close();
    const k = new Journal(path);
    k.undone(id);
    k.close();
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(2);
    expect(pendingUndos(readJournal(path))).toHaveLength(0);
  });

  it('never records a second undo of one mutation, whichever writer tries', () => {
    const path = tempJournal();
    const run = new Journal(path);
    const id = run.intent('zone-outage #1', 'zone a down', 'sandbox', { driver: 'sandbox', op: 'zone-up', args: {} });
    run.applied(id);
    const other = new Journal(path);
    other.undone(id, 'by gameday rollback');
    expect(() => run.undone(id, 'zone restored after its duration')).toThrow(/m1 .* is already undone/);
    run.close();
    other.close();
    expect(readJournal(path).filter((e) => e.type === 'undone')).toHaveLength(1);
  });

  it('continues the ids of a journal it reopens', () => {
    const path = tempJournal();
    const j = new Journal(path);
    j.intent('s', 'a', 't', { driver: 'd', op: 'x', args: {} });
    j.close();
    const k = new Journal(path);
    expect(k.intent('s', 'b', 't', { driver: 'd', op: 'x', args: {} })).toBe('m2');
    k.close();
  });

  it('marks a mutation whose call never reached the system (nothing to undo)', () => {
    const path = tempJournal();
    const j = new Journal(path);
    const a = j.intent('s', 'create template', 't', { driver: 'aws', op: 'fis-delete-templates', args: {} });
    j.failed(a, 'FIS CreateExperimentTemplate at http://127.0.0.1:1: connection refused', { notSent: true });
    const b = j.intent('s', 'other', 't', { driver: 'd', op: 'x', args: {} });
    j.failed(b, 'HTTP 500');
    j.close();
    expect(pendingUndos(readJournal(path)).map((p) => [p.id, p.notSent === true])).toEqual([
      ['m1', true],
      ['m2', false],
    ]);
  });
});
