// A run's inbox: `<run-dir>/inbox.ndjson`, where `gameday note` and `gameday ack` (from any terminal)
// append observations and checkpoint answers, and the live run picks them up.

import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const INBOX_FILE = 'inbox.ndjson';

export type AckDecision = 'continue' | 'fail' | 'abort';

export type InboxEntry =
  | { type: 'note'; id: string; at: string; text: string; author?: string }
  | { type: 'ack'; id: string; at: string; decision: AckDecision; text?: string; author?: string };

/** Entries as written, before they get an id and a time. */
export type NewInboxEntry =
  | { type: 'note'; text: string; author?: string }
  | { type: 'ack'; decision: AckDecision; text?: string; author?: string };

/** Append one entry (flushed to disk) and return it as stored. */
export function appendInbox(runDir: string, entry: NewInboxEntry, now = new Date()): InboxEntry {
  const stored = {
    ...entry,
    id: `${entry.type}-${randomBytes(4).toString('hex')}`,
    at: now.toISOString(),
  } as InboxEntry;
  // Why one write of one line with O_APPEND: concurrent writers (two terminals) never interleave a line.
  const fd = openSync(join(runDir, INBOX_FILE), 'a');
  try {
    writeSync(fd, `${JSON.stringify(stored)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return stored;
}

function parse(line: string): InboxEntry | undefined {
  try {
    const e = JSON.parse(line) as Partial<InboxEntry>;
    if (typeof e.id !== 'string' || typeof e.at !== 'string') return undefined;
    if (e.type === 'note' && typeof e.text === 'string') return e as InboxEntry;
    if (e.type === 'ack' && ['continue', 'fail', 'abort'].includes(String(e.decision))) return e as InboxEntry;
  } catch {
    // A line that is not JSON is skipped; the inbox is append-only and another line may follow.
  }
  return undefined;
}

/** Every entry of a run's inbox (none when it has no inbox). */
export function readInbox(runDir: string): InboxEntry[] {
  const path = join(runDir, INBOX_FILE);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((l) => {
      const e = l.trim() === '' ? undefined : parse(l);
      return e ? [e] : [];
    });
}

/** Reads what was appended since the last call; a line still being written waits for the next call. */
export class InboxReader {
  private offset = 0;
  private partial: Buffer = Buffer.alloc(0);
  constructor(private readonly path: string) {}

  static forRun(runDir: string): InboxReader {
    return new InboxReader(join(runDir, INBOX_FILE));
  }

  read(): InboxEntry[] {
    if (!existsSync(this.path)) return [];
    const fd = openSync(this.path, 'r');
    const chunks: Buffer[] = [this.partial];
    try {
      for (;;) {
        const buf = Buffer.alloc(64 * 1024);
        const n = readSync(fd, buf, 0, buf.length, this.offset);
        if (n <= 0) break;
        this.offset += n;
        chunks.push(buf.subarray(0, n));
      }
    } finally {
      closeSync(fd);
    }
    const bytes = Buffer.concat(chunks);
    // Decode whole lines only, so a line (or a character) still being written waits for the next read.
    const end = bytes.lastIndexOf(0x0a) + 1;
    this.partial = bytes.subarray(end);
    return bytes
      .subarray(0, end)
      .toString('utf8')
      .split('\n')
      .flatMap((l) => {
        const e = l.trim() === '' ? undefined : parse(l);
        return e ? [e] : [];
      });
  }
}

/** Poll a run's inbox every `intervalMs` and hand each new entry to `onEntry`. Returns a stop function. */
export function watchInbox(runDir: string, onEntry: (e: InboxEntry) => void, intervalMs = 200): () => void {
  const reader = InboxReader.forRun(runDir);
  const tick = (): void => {
    for (const e of reader.read()) onEntry(e);
  };
  const timer = setInterval(tick, intervalMs);
  return () => {
    clearInterval(timer);
    // Whatever arrived up to now still counts.
    tick();
  };
}
