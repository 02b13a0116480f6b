// Running the steps that involve people or custom mutations: checkpoints and actions.

import { runAction } from '../actions/run.js';
import type { Journal } from '../runner/journal.js';
import type { ResolvedStep } from '../scenario/types.js';
import { AckQueue, checkpointAbort, waitForCheckpoint } from './checkpoint.js';
import type { LiveSession } from './session.js';

export interface InteractiveStepContext {
  journal: Journal;
  signal: AbortSignal;
  /** The run's inbox and checkpoint answers; without one, checkpoints apply their policy at once. */
  live?: LiveSession;
  runDir: string;
  /** The scenario file and the step's index, journaled with an action's undo. */
  file: string;
  index: number;
  note(kind: string, message: string): void;
}

/** Run a checkpoint or an action step: ok or not, and a detail line. Throws when a checkpoint aborts the run. */
export async function runInteractiveStep(
  step: Extract<ResolvedStep, { kind: 'checkpoint' | 'action' }>,
  ctx: InteractiveStepContext,
): Promise<{ ok: boolean; detail: string }> {
  if (step.kind === 'action') {
    const outcome = await runAction(step, {
      journal: ctx.journal,
      signal: ctx.signal,
      file: ctx.file,
      index: ctx.index,
    });
    ctx.note('action', outcome.detail);
    return outcome;
  }
  ctx.note('checkpoint', `${step.name}: ${step.prompt}`);
  const result = await waitForCheckpoint(step, {
    ...(ctx.live?.io ? { io: ctx.live.io } : {}),
    acks: ctx.live?.acks ?? new AckQueue(),
    signal: ctx.signal,
    runDir: ctx.runDir,
  });
  ctx.live?.addCheckpoint(result);
  if (result.decision === 'abort') throw checkpointAbort(result);
  return { ok: result.decision === 'continue', detail: result.detail };
}
