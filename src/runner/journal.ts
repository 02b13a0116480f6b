// The journal: an append-only NDJSON file, flushed to disk before every mutating call,
// holding what is needed to undo each mutation — so a crashed or killed run can be rolled back.

import { closeSync, existsSync, fsyncSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { GamedayError } from '../errors.js';
import type { TargetIdentity } from './targets-identity.js';
import { afterApplied, killAfterApplied } from './failpoint.js';

/** How to undo one mutation: a driver operation with plain-data arguments (never secrets). */
export interface UndoAction {
  driver: string;
  op: string;
  args: Record<string, unknown>;
}

// The format only grows: fields and entry types are added, never changed, so every older journal still
// rolls back. host/startTime, `target`, `lock` and `notSent` were added with the target lock.
export type JournalEntry =
  | {
      type: 'run';
      at: string;
      runId: string;
      scenario: string;
      file: string;
      pid: number;
      /** The host the run ran on, and its process start time: a reused pid is not the run. */
      host?: string;
      startTime?: string;
    }
  /** The identity of a system the run acts on, recorded when the run connected (rollback must reach the same one). */
  | { type: 'target'; at: string; key: string; identity: TargetIdentity }
  /** A target lock the run holds (rollback takes the same lock while it works). */
  /** spec: plain data to open a shared lock's store again (Lease, S3), where its journal is also mirrored. */
  | { type: 'lock'; at: string; key: string; backend: string; location: string; spec?: Record<string, unknown> }
  | { type: 'intent'; at: string; id: string; step: string; action: string; target: string; undo: UndoAction }
  | { type: 'applied'; at: string; id: string; detail?: string }
  /** notSent: the call provably never reached the system (connection refused): nothing was changed. */
  | { type: 'failed'; at: string; id: string; error: string; notSent?: boolean }
  | { type: 'undone'; at: string; id: string; detail?: string }
  | { type: 'undo-failed'; at: string; id: string; error: string }
  /** A gone run on the same target that this run rolled back (from `journal`, its run directory) before taking the lock. */
  | {
      type: 'repair';
      at: string;
      key: string;
      runId: string;
      host: string;
      journal: string;
      undone: number;
      complete: boolean;
    }
  | { type: 'end'; at: string; verdict: string; rollbackComplete: boolean };

/** An intent that has not been undone yet, newest last. */
export interface PendingUndo {
  id: string;
  step: string;
  action: string;
  target: string;
  undo: UndoAction;
  applied: boolean;
  /** The mutating call failed without ever reaching the system: there is nothing to undo. */
  notSent?: boolean;
}

export type JournalListener = (entry: JournalEntry) => void;

/** A copy of the journal elsewhere (a shared lock's store): handed the whole text after each append. */
export interface JournalMirror {
  readonly where: string;
  /** Store the whole journal text; rejects when the store did not confirm it (in time). */
  write(text: string): Promise<void>;
  /** Release the store once the writes started have settled. */
  close(): void;
}

/**
 * Append-only writer. Every append is fsync'ed before it returns: the undo is on disk before the mutation.
 * Mirrored (a shared lock's store), an intent also resolves only once the copy holds it.
 */
export class Journal {
  readonly path: string;
  private fd: number | undefined;
  private seq = 0;
  private readonly listeners = new Set<JournalListener>();
  /** The undone ids as of a file size, so `undone` reads the file only when another writer appended. */
  private known: { size: number; ids: Set<string> } | undefined;
  /** Each mirror, with how much of the text it has confirmed. */
  private readonly mirrors: Array<{ mirror: JournalMirror; confirmed: number }> = [];
  /** The journal's text, kept while it is mirrored (each mirror write carries all of it). */
  private text: string | undefined;
  /**
   * Mirror writes run one after another, each with the whole text as it is when it starts: a slow write is
   * never overtaken by an older text, and entries appended meanwhile share the next write.
   */
  private mirrorQueue: Promise<void> = Promise.resolve();
  /** The mirror write that carries the last entry appended (an intent waits for it). */
  private lastMirrored: Promise<void> = Promise.resolve();
  private appliedCount = 0;
  /** Test seam (src/runner/failpoint.ts): die right after this many applied entries; null when unset. */
  private readonly killAt = killAfterApplied();

  /** Open `path` for appending; an existing journal (gameday rollback) continues its ids. */
  constructor(path: string) {
    this.path = path;
    if (existsSync(path)) {
      for (const e of readJournal(path)) {
        const n = e.type === 'intent' ? Number(/^m(\d+)$/.exec(e.id)?.[1]) : NaN;
        if (n > this.seq) this.seq = n;
      }
    }
    this.fd = openSync(path, 'a');
  }

  /** Hear every entry appended from now on (the runner times a fault cut short by its first `applied`). */
  watch(listener: JournalListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * From now on, copy the journal to `mirror` after each append (everything so far is copied now). Rejects
   * when this first copy fails: a run must not act on a target whose store it cannot write.
   */
  async mirrorTo(mirror: JournalMirror): Promise<void> {
    this.text ??= readFileSync(this.path, 'utf8');
    const entry = { mirror, confirmed: -1 };
    this.mirrors.push(entry);
    try {
      await this.syncMirrors();
    } catch (error) {
      this.mirrors.splice(this.mirrors.indexOf(entry), 1);
      mirror.close();
      throw error;
    }
  }

  /**
   * Stop mirroring once the writes started have settled (before the shared locks are released: their
   * store drops the copy then). Waits at most as long as the mirrors' own write timeouts.
   */
  async stopMirroring(): Promise<void> {
    await this.mirrorQueue;
    for (const m of this.mirrors.splice(0)) m.mirror.close();
    this.text = undefined;
  }

  /** Where the journal is mirrored. */
  mirroredTo(): string[] {
    return this.mirrors.map((m) => m.mirror.where);
  }

  /** Bring every mirror up to the current text, after the writes already queued; rejects on the first failure. */
  private syncMirrors(): Promise<void> {
    const run = async (): Promise<void> => {
      const text = this.text;
      if (text === undefined) return;
      let failure: unknown;
      for (const m of this.mirrors) {
        // An earlier write already carried this text (entries appended together share one write).
        if (m.confirmed >= text.length) continue;
        try {
          await m.mirror.write(text);
          m.confirmed = text.length;
        } catch (error) {
          failure ??= error;
        }
      }
      if (failure !== undefined) throw failure;
    };
    const done = this.mirrorQueue.then(run);
    this.mirrorQueue = done.catch(() => undefined);
    return done;
  }

  /** Append one entry and flush it to disk (and to every mirror). */
  append(entry: JournalEntry): void {
    if (this.fd === undefined) throw new Error(`journal ${this.path} is closed`);
    const line = `${JSON.stringify(entry)}\n`;
    writeSync(this.fd, line);
    // Why fsync: a kill -9 or power loss right after this call must still leave the undo on disk.
    fsyncSync(this.fd);
    if (this.text !== undefined) {
      this.text += line;
      // Why only intents wait (in `intent`): an intent must be visible to other machines before its
      // mutation, so a failed copy stops the mutation. Any other entry's copy may lag: a failed one is
      // repaired by the next write, which carries the whole text.
      const mirrored = this.syncMirrors();
      mirrored.catch(() => undefined);
      this.lastMirrored = mirrored;
    }
    if (this.known) {
      if (entry.type === 'undone') this.known.ids.add(entry.id);
      this.known.size += Buffer.byteLength(line);
    }
    for (const l of this.listeners) l(entry);
  }

  /**
   * Record the intent to mutate, with its undo, before the mutation happens. Resolves with the entry id
   * once the entry is on disk and in every mirror; rejects (and the mutation must not happen) when a
   * mirror could not store it.
   */
  async intent(step: string, action: string, target: string, undo: UndoAction): Promise<string> {
    this.seq += 1;
    const id = `m${this.seq}`;
    this.append({ type: 'intent', at: new Date().toISOString(), id, step, action, target, undo });
    if (this.mirrors.length > 0) await this.lastMirrored;
    return id;
  }

  applied(id: string, detail?: string): void {
    this.append({ type: 'applied', at: new Date().toISOString(), id, ...(detail === undefined ? {} : { detail }) });
    afterApplied(++this.appliedCount, this.killAt);
  }

  failed(id: string, error: string, opts: { notSent?: boolean } = {}): void {
    this.append({
      type: 'failed',
      at: new Date().toISOString(),
      id,
      error,
      ...(opts.notSent ? { notSent: true } : {}),
    });
  }

  /**
   * Record that a mutation is undone. Refuses a second `undone` for one mutation: the file is read back
   * first, so whoever appended it (this process or another), the same mutation is never undone twice.
   */
  undone(id: string, detail?: string): void {
    if (this.undoneIds().has(id)) {
      throw new GamedayError(`mutation ${id} of ${this.path} is already undone`, {
        kind: 'runtime',
        code: 'ALREADY_UNDONE',
        phase: 'rollback',
        hint: 'another gameday process rolled this run back; check the journal before acting again',
      });
    }
    this.append({ type: 'undone', at: new Date().toISOString(), id, ...(detail === undefined ? {} : { detail }) });
  }

  /** Ids the file records as undone; read again only when someone else appended since (the size differs). */
  private undoneIds(): Set<string> {
    const size = statSync(this.path).size;
    if (this.known?.size !== size) {
      const ids = new Set(readJournal(this.path).flatMap((e) => (e.type === 'undone' ? [e.id] : [])));
      this.known = { size, ids };
    }
    return this.known.ids;
  }

  undoFailed(id: string, error: string): void {
    this.append({ type: 'undo-failed', at: new Date().toISOString(), id, error });
  }

  /** Close the file at once; resolves when the mirrors have the last entries (or gave up) and are closed. */
  close(): Promise<void> {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
    return this.stopMirroring();
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
  return parseJournal(text, path);
}

/** Parse a journal's NDJSON text (`name` for messages). A torn last line is ignored. */
export function parseJournal(text: string, name: string): JournalEntry[] {
  const path = name;
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
    } else if (e.type === 'failed') {
      const p = pending.get(e.id);
      if (p && e.notSent === true && !p.applied) p.notSent = true;
    } else if (e.type === 'undone') {
      pending.delete(e.id);
    }
  }
  return [...pending.values()];
}

/** The run header (the first `run` entry), if the journal has one. */
export function journalRun(entries: readonly JournalEntry[]): Extract<JournalEntry, { type: 'run' }> | undefined {
  return entries.find((e): e is Extract<JournalEntry, { type: 'run' }> => e.type === 'run');
}

/** True when the run wrote its `end` entry (it finished, whatever its verdict). */
export function journalEnded(entries: readonly JournalEntry[]): boolean {
  return entries.some((e) => e.type === 'end');
}

/** The target identities the run recorded, one per key (the newest wins). */
export function journalTargets(entries: readonly JournalEntry[]): Array<Extract<JournalEntry, { type: 'target' }>> {
  const byKey = new Map<string, Extract<JournalEntry, { type: 'target' }>>();
  for (const e of entries) if (e.type === 'target') byKey.set(e.key, e);
  return [...byKey.values()];
}

/** The target locks the run took, one per key. */
export function journalLocks(entries: readonly JournalEntry[]): Array<Extract<JournalEntry, { type: 'lock' }>> {
  const byKey = new Map<string, Extract<JournalEntry, { type: 'lock' }>>();
  for (const e of entries) if (e.type === 'lock') byKey.set(e.key, e);
  return [...byKey.values()];
}
