// The live side of a run: its inbox watched while it runs — notes go on the timeline at the time they
// were written, acks answer the checkpoint that is waiting — and checkpoint results collected.

import type { NoteEntry, TimelineEntry } from '../report/types.js';
import type { Clock } from '../util/clock.js';
import { AckQueue, type CheckpointIo, type CheckpointResult } from './checkpoint.js';
import { watchInbox, type InboxEntry } from './inbox.js';

export type RunNote = NoteEntry;

/** Where the session writes: a run recorder, or a game day's own timeline. */
export interface LiveTimeline {
  clock: Clock;
  timeline: TimelineEntry[];
  /** Tell the people watching (live progress); never breaks the run. */
  log?(message: string): void;
}

export class LiveSession {
  readonly acks = new AckQueue();
  readonly notes: RunNote[] = [];
  readonly checkpoints: CheckpointResult[] = [];
  private stopWatch: (() => void) | undefined;

  constructor(
    readonly runDir: string,
    private readonly target: LiveTimeline,
    readonly io: CheckpointIo | undefined,
    /** Sees every entry first; returns true when it took care of it (a game day passes acks to the item that runs). */
    private readonly intercept?: (e: InboxEntry) => boolean,
  ) {}

  start(): void {
    this.stopWatch = watchInbox(this.runDir, (e) => this.handle(e));
  }

  /** Stop watching; entries that arrived up to now are still handled. */
  stop(): void {
    this.stopWatch?.();
    this.stopWatch = undefined;
  }

  /** A timeline entry at a wall-clock time, placed on the run's monotonic clock. */
  entryAt(at: string, kind: string, message: string): TimelineEntry {
    const wall = Date.parse(at);
    const t = Number.isFinite(wall) ? wall - this.target.clock.wall(0) : this.target.clock.now();
    return { t, at: new Date(this.target.clock.wall(t)).toISOString(), kind, message };
  }

  addCheckpoint(result: CheckpointResult): void {
    this.checkpoints.push(result);
  }

  private handle(e: InboxEntry): void {
    if (this.intercept?.(e) === true) return;
    if (e.type === 'note') {
      if (this.notes.some((n) => n.id === e.id)) return;
      const note: RunNote = {
        id: e.id,
        at: e.at,
        text: e.text,
        ...(e.author === undefined ? {} : { author: e.author }),
      };
      this.notes.push(note);
      this.target.timeline.push(this.entryAt(e.at, 'note', noteMessage(note)));
      this.target.log?.(`note: ${noteMessage(note)}`);
    } else if (!this.acks.offer(e)) {
      this.target.timeline.push(this.entryAt(e.at, 'ack', 'gameday ack with no checkpoint waiting (ignored)'));
    }
  }
}

/** A note as the timeline shows it: "text (author)". */
export function noteMessage(n: { text: string; author?: string }): string {
  return n.author ? `${n.text} (${n.author})` : n.text;
}
