// The journal: an append-only NDJSON file, flushed to disk before every mutating call,
// holding what is needed to undo each mutation — so a crashed or killed run can be rolled back.

import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { GamedayError } from '../errors.js';
import { afterApplied, killAfterApplied } from './failpoint.js';

/** How to undo one mutation: a driver operation with plain-data arguments (never secrets). */
export interface UndoAction {
  driver: string;
  op: string;
  args: Record<string, unknown>;
}

export type JournalEntry =
  | { type: 'run'; at: string; runId: string; scenario: string; file: string; pid: number }
  | { type: 'intent'; at: string; id: string; step: string; action: string; target: string; undo: UndoAction }
  | { type: 'applied'; at: string; id: string; detail?: string }
  | { type: 'failed'; at: string; id: string; error: string }
  | { type: 'undone'; at: string; id: string; detail?: string }
  | { type: 'undo-failed'; at: string; id: string; error: string }
  | { type: 'end'; at: string; verdict: string; rollbackComplete: boolean };

/** An intent that has not been undone yet, newest last. */
export interface PendingUndo {
  id: string;
  step: string;
  action: string;
  target: string;
  undo: UndoAction;
  applied: boolean;
}

/** Append-only writer. Every append is fsync'ed before it returns: the undo is on disk before the mutation. */
export class Journal {
  readonly path: string;
  private fd: number | undefined;
  private seq = 0;
  private appliedCount = 0;
  /** Test seam (src/runner/failpoint.ts): die right after this many applied entries; null when unset. */
  private readonly killAt = killAfterApplied();

  constructor(path: string) {
    this.path = path;
    this.fd = openSync(path, 'a');
  }

  /** Append one entry and flush it to disk. */
  append(entry: JournalEntry): void {
    if (this.fd === undefined) throw new Error(`journal ${this.path} is closed`);
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    // Why fsync: a kill -9 or power loss right after this call must still leave the undo on disk.
    fsyncSync(this.fd);
  }

  /** Record the intent to mutate, with its undo, before the mutation happens. Returns the entry id. */
  intent(step: string, action: string, target: string, undo: UndoAction): string {
    this.seq += 1;
    const id = `m${this.seq}`;
    this.append({ type: 'intent', at: new Date().toISOString(), id, step, action, target, undo });
    return id;
  }

  applied(id: string, detail?: string): void {
    this.append({ type: 'applied', at: new Date().toISOString(), id, ...(detail === undefined ? {} : { detail }) });
    afterApplied(++this.appliedCount, this.killAt);
  }

  failed(id: string, error: string): void {
    this.append({ type: 'failed', at: new Date().toISOString(), id, error });
  }

  undone(id: string, detail?: string): void {
    this.append({ type: 'undone', at: new Date().toISOString(), id, ...(detail === undefined ? {} : { detail }) });
  }

  undoFailed(id: string, error: string): void {
    this.append({ type: 'undo-failed', at: new Date().toISOString(), id, error });
  }

  close(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

/** Parse a journal file. A torn last line (the writer was killed mid-write) is ignored. */
export function readJournal(path: string): JournalEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new GamedayError(`cannot read journal ${path}`, {
      kind: 'invalid-input',
      code: 'JOURNAL_NOT_FOUND',
      hint: 'pass the run directory that holds journal.ndjson (reports/<scenario>/<run-id>)',
      cause: error,
    });
  }
  const entries: JournalEntry[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch (error) {
      if (i < lines.length - 2) {
        throw new GamedayError(`journal ${path} line ${i + 1} is corrupt`, {
          kind: 'invalid-input',
          code: 'JOURNAL_CORRUPT',
          cause: error,
        });
      }
    }
  });
  return entries;
}

/** Intents without an `undone` entry, in the order they were made. */
export function pendingUndos(entries: readonly JournalEntry[]): PendingUndo[] {
  const pending = new Map<string, PendingUndo>();
  for (const e of entries) {
    if (e.type === 'intent') {
      pending.set(e.id, { id: e.id, step: e.step, action: e.action, target: e.target, undo: e.undo, applied: false });
    } else if (e.type === 'applied') {
      const p = pending.get(e.id);
      if (p) p.applied = true;
    } else if (e.type === 'undone') {
      pending.delete(e.id);
    }
  }
  return [...pending.values()];
}
