// Checkpoints: the run stops and waits for the people running the game day — Enter on a terminal or
// `gameday ack <run-dir>` from another one — until the timeout, when the non-interactive policy applies.

import { GamedayError } from '../errors.js';
import type { CheckpointOutcome } from '../report/types.js';
import type { ResolvedCheckpoint } from '../scenario/types-gameday.js';
import { formatDuration } from '../util/duration.js';
import type { AckDecision, InboxEntry } from './inbox.js';

/** How a run can hear the people running it. Absent: nobody can answer, the policy applies at once. */
export interface CheckpointIo {
  /** Ask on a terminal; resolves with the line typed (Enter alone: ""). */
  ask?(prompt: string, signal: AbortSignal): Promise<string>;
  /** Wait for `gameday ack` even without a terminal (`--interactive`). */
  waitForAck?: boolean;
}

/** A checkpoint's outcome, the same shape however it ended (report.json `checkpoints[]`). */
export type CheckpointResult = CheckpointOutcome;

/** Routes `gameday ack` entries to the checkpoint waiting for them. */
export class AckQueue {
  private waiter: ((e: Extract<InboxEntry, { type: 'ack' }>) => void) | undefined;

  /** Offer an ack; false when no checkpoint is waiting (the caller notes it as ignored). */
  offer(e: Extract<InboxEntry, { type: 'ack' }>): boolean {
    if (!this.waiter) return false;
    this.waiter(e);
    return true;
  }

  next(signal: AbortSignal): Promise<Extract<InboxEntry, { type: 'ack' }>> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.waiter = undefined;
        reject(signal.reason);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiter = (e) => {
        this.waiter = undefined;
        signal.removeEventListener('abort', onAbort);
        resolve(e);
      };
    });
  }
}

type Answer =
  { by: 'terminal' | 'ack'; decision: AckDecision; text?: string; author?: string } | { by: 'policy'; why: string };

/** Wait for the answer to one checkpoint. Throws (aborted) when the answer or the policy is abort. */
export async function waitForCheckpoint(
  step: { name: string } & ResolvedCheckpoint,
  ctx: { io?: CheckpointIo; acks: AckQueue; signal: AbortSignal; runDir: string; now?: () => number },
): Promise<CheckpointResult> {
  const now = ctx.now ?? Date.now;
  const started = now();
  const interactive = ctx.io?.ask !== undefined || ctx.io?.waitForAck === true;
  let answer: Answer;
  if (!interactive) {
    answer = { by: 'policy', why: 'nobody can answer (not a terminal)' };
  } else {
    const ctl = new AbortController();
    const signal = AbortSignal.any([ctx.signal, ctl.signal]);
    const waits: Array<Promise<Answer>> = [
      ctx.acks.next(signal).then((e) => ({
        by: 'ack' as const,
        decision: e.decision,
        ...(e.text === undefined ? {} : { text: e.text }),
        ...(e.author === undefined ? {} : { author: e.author }),
      })),
      new Promise<Answer>((resolve) => {
        const timer = setTimeout(
          () => resolve({ by: 'policy', why: `no answer within ${formatDuration(step.timeoutMs)}` }),
          step.timeoutMs,
        );
        signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
      }),
    ];
    const ask = ctx.io?.ask;
    if (ask) {
      const prompt = `checkpoint "${step.name}": ${step.prompt}\n  press Enter to go on (or run: gameday ack ${ctx.runDir})`;
      waits.push(
        ask(prompt, signal).then((line) => ({
          by: 'terminal' as const,
          decision: 'continue' as const,
          ...(line.trim() ? { text: line.trim() } : {}),
        })),
      );
    }
    try {
      answer = await Promise.race(waits);
    } finally {
      ctl.abort();
    }
    for (const w of waits) w.catch(() => undefined);
  }
  const decision = answer.by === 'policy' ? step.nonInteractive : answer.decision;
  const waitedMs = now() - started;
  const detail =
    answer.by === 'policy'
      ? `${answer.why}: ${decision}`
      : `${decision === 'continue' ? 'acknowledged' : decision} by ${answer.author ?? (answer.by === 'ack' ? 'gameday ack' : 'the terminal')} after ${formatDuration(waitedMs)}${answer.text ? `: ${answer.text}` : ''}`;
  const result: CheckpointResult = {
    step: step.name,
    prompt: step.prompt,
    startedAt: new Date(started).toISOString(),
    endedAt: new Date(now()).toISOString(),
    waitedMs,
    answeredBy: answer.by,
    decision,
    detail,
  };
  if (answer.by !== 'policy' && answer.text !== undefined) result.text = answer.text;
  if (answer.by !== 'policy' && answer.author !== undefined) result.author = answer.author;
  return result;
}

/** The error that ends a run when a checkpoint decides to abort it. */
export function checkpointAbort(result: CheckpointResult): GamedayError {
  return new GamedayError(`checkpoint ${result.step}: ${result.detail}`, {
    kind: 'aborted',
    code: 'CHECKPOINT_ABORT',
    phase: 'steps',
    hint: 'the people running the game day stopped it at a checkpoint; rollback ran as usual',
  });
}
