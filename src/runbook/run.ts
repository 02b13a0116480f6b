// Executing a runbook: each step is journaled (intent + undo) before it runs, timed, verified by
// polling, and on the first failure the steps done are rolled back in reverse.

import { describeError } from '../errors.js';
import { sleep } from '../util/clock.js';
import { redactText } from '../util/redact.js';
import { runbookAction } from './registry.js';
import type {
  ActionState,
  RunbookContext,
  RunbookResult,
  RunbookStep,
  RunbookStepResult,
  RunbookTiming,
  VerifyOutcome,
} from './types.js';

const NO_UNDO = { driver: 'runbook', op: 'none', args: {} };

function notRun(step: RunbookStep): RunbookStepResult {
  return {
    step: step.name,
    action: step.action,
    status: 'not-run',
    startedAt: null,
    startT: null,
    executedT: null,
    endT: null,
    durationMs: null,
    attempts: 0,
    detail: 'not run',
  };
}

/** A signal for one step: the run's signal and the step's own time limit. */
function stepSignal(ctx: RunbookContext, timeoutMs: number): AbortSignal {
  return AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
}

/** Poll `verify` until it passes or the step's deadline passes; the last outcome explains a failure. */
async function pollVerify(
  attempt: () => Promise<VerifyOutcome>,
  deadline: number,
  ctx: RunbookContext,
  result: RunbookStepResult,
): Promise<VerifyOutcome> {
  let last: VerifyOutcome = { ok: false, detail: 'not verified' };
  for (;;) {
    result.attempts += 1;
    try {
      last = await attempt();
    } catch (error) {
      // Why keep the previous outcome: an attempt cut off by the step's deadline says nothing new,
      // while the last completed one says what was wrong.
      if (!ctx.signal.aborted || result.attempts === 1) last = { ok: false, detail: describeError(error) };
    }
    if (last.ok || ctx.signal.aborted) return last;
    const left = deadline - ctx.clock.now();
    if (left <= 0) return last;
    await sleep(Math.min(ctx.pollMs ?? 200, left), ctx.signal).catch(() => undefined);
  }
}

/**
 * Run `steps` in order. Before each step its intent and undo are journaled; when execute throws or
 * verify does not pass within the step's timeout, the steps done (the failed one included, since it
 * may have half-happened) are rolled back newest first. Never throws for a step failure: the result
 * says which step failed and why.
 */
export async function runRunbook(steps: readonly RunbookStep[], ctx: RunbookContext): Promise<RunbookResult> {
  const results = steps.map(notRun);
  const done: Array<{ index: number; state: ActionState; id: string }> = [];
  let firstMutationT: number | null = null;
  let failed: RunbookResult['failed'];

  for (const [index, step] of steps.entries()) {
    const result = results[index] as RunbookStepResult;
    const action = runbookAction(step.action);
    const startT = ctx.clock.now();
    const deadline = startT + step.timeoutMs;
    const stepCtx: RunbookContext = { ...ctx, signal: stepSignal(ctx, step.timeoutMs) };
    result.startT = startT;
    result.startedAt = new Date(ctx.clock.wall(startT)).toISOString();
    let state: ActionState = {};
    let id: string | undefined;
    try {
      state = action.capture ? await action.capture(step.args, stepCtx) : {};
      // Why before execute: a run killed during the call must still find the undo on disk.
      const undo = action.undo(step.args, state, stepCtx) ?? NO_UNDO;
      id = await ctx.journal.intent(ctx.step, `runbook ${step.name}: ${action.describe(step.args)}`, step.action, undo);
      result.journalId = id;
      done.push({ index, state, id });
      const executed = await action.execute(step.args, stepCtx, state);
      result.executedT = ctx.clock.now();
      firstMutationT ??= result.executedT;
      // Why now and not after verify: "applied" means the mutating call returned, which an undo may
      // need to know (a PromoteReadReplica that was accepted cannot be called off, verified or not).
      ctx.journal.applied(id, redactText(executed));
      const verified = await pollVerify(() => action.verify(step.args, stepCtx, state), deadline, stepCtx, result);
      result.detail = verified.ok ? `${executed}; ${verified.detail}` : executed;
      if (!verified.ok) {
        const why = ctx.signal.aborted ? 'the run was aborted' : `not verified within ${step.timeoutMs}ms`;
        throw new Error(`${why}: ${verified.detail}`);
      }
      result.status = 'ok';
    } catch (error) {
      const reason = redactText(describeError(error));
      result.status = 'failed';
      result.error = reason;
      if (id !== undefined) ctx.journal.failed(id, reason);
      failed = { step: step.name, reason, error };
    } finally {
      result.endT = ctx.clock.now();
      result.durationMs = result.endT - startT;
    }
    ctx.log(`runbook step ${step.name} ${result.status} in ${Math.round(result.durationMs)}ms`);
    if (failed) break;
  }

  if (!failed) return { ok: true, steps: results, firstMutationT };

  // Roll back in reverse. Each rollback gets its step's time limit but never the run's abort signal:
  // an aborted run must still be put back.
  const errors: string[] = [];
  for (const { index, state, id } of [...done].reverse()) {
    const step = steps[index] as RunbookStep;
    const result = results[index] as RunbookStepResult;
    const action = runbookAction(step.action);
    const t = ctx.clock.now();
    const rollbackCtx: RunbookContext = { ...ctx, signal: AbortSignal.timeout(step.timeoutMs + 5_000) };
    try {
      const detail = await action.rollback(step.args, rollbackCtx, state);
      ctx.journal.undone(id, redactText(detail));
      result.rollback = { status: 'ok', detail, durationMs: ctx.clock.now() - t };
    } catch (error) {
      const message = redactText(describeError(error));
      ctx.journal.undoFailed(id, message);
      errors.push(`${step.name}: ${message}`);
      result.rollback = { status: 'failed', detail: message, durationMs: ctx.clock.now() - t };
    }
    ctx.log(`runbook step ${step.name} rolled back: ${result.rollback.status} (${result.rollback.detail})`);
  }
  return { ok: false, steps: results, failed, rollback: { complete: errors.length === 0, errors }, firstMutationT };
}

/** The per-step timings for reports. */
export function runbookTimings(result: RunbookResult): RunbookTiming[] {
  return result.steps.map((s) => ({
    step: s.step,
    action: s.action,
    startedAt: s.startedAt,
    durationMs: s.durationMs === null ? null : Math.round(s.durationMs),
    status: s.status,
    ...(s.rollback ? { rolledBack: s.rollback.status } : {}),
  }));
}
