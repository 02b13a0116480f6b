// Runbooks: ordered, timed, journaled steps with execute / verify / rollback, such as a region
// failover (switch traffic, promote the replica, scale up the DR fleet, check health).

import type { AwsDriver } from '../drivers/aws/index.js';
import type { SandboxClient } from '../drivers/sandbox/index.js';
import type { Journal, UndoAction } from '../runner/journal.js';
import type { Clock } from '../util/clock.js';

/** Arguments of a step and state captured before it: plain JSON data, journaled, never secrets. */
export type ActionArgs = Record<string, unknown>;
export type ActionState = Record<string, unknown>;

/** One resolved runbook step (durations already parsed). */
export interface RunbookStep {
  name: string;
  /** A registered action name, e.g. "sandbox-switch-traffic" or "route53-change". */
  action: string;
  args: ActionArgs;
  /** Time allowed for execute + verify. */
  timeoutMs: number;
}

/** The resolved `fault: region-failover` step that src/faults/sandbox/region-failover.ts consumes. */
export interface RegionFailoverFault {
  type: 'region-failover';
  /** Region that serves now and fails (default: the sandbox's serving region). */
  from?: string;
  /** Region that takes over (default: the other region). */
  to?: string;
  /**
   * Cause a regional outage of `from` before the runbook runs; `database` says how its database
   * server stops (immediate = crash, the default). Absent: a planned failover, no outage.
   */
  outage?: { database: 'immediate' | 'fast' | 'none' };
  /** The steps; absent: the default sandbox runbook (switch traffic, promote, scale up, verify). */
  runbook?: RunbookStep[];
  /** Time between two verify attempts (default 200 ms). */
  pollMs?: number;
}

/** Outcome of one verify attempt. */
export interface VerifyOutcome {
  ok: boolean;
  detail: string;
}

/** What an action may use at run time. Targets add their connection here. */
export interface RunbookContext {
  journal: Journal;
  clock: Clock;
  /** Aborts the step: the run's signal combined with the step's time limit. */
  signal: AbortSignal;
  /** The run step the runbook belongs to; journal entries carry it. */
  step: string;
  log(message: string): void;
  sandbox?: { client: SandboxClient; controlUrl: string };
  /** The AWS driver of targets.aws (identity already guarded), for the AWS actions (aws-actions.ts). */
  aws?: AwsDriver;
  /** The run's RPO marker writer, when it writes markers: a step may point it at the new primary. */
  markers?: { readonly url: string; switchTo(url: string): Promise<void> };
  /** Time between two verify attempts (default 200 ms). */
  pollMs?: number;
}

/**
 * A runbook action. `capture` reads (never changes) the state its rollback returns to, before the
 * intent is journaled; `undo` turns args + that state into the journal's plain-data undo, replayed by
 * `gameday rollback` through src/faults/undo.ts; null means the action changes nothing.
 */
export interface RunbookAction {
  name: string;
  /** Pure: problems with `args` (empty when valid), reported at plan time. */
  check(args: ActionArgs): string[];
  /** One line for plans, journals and reports. */
  describe(args: ActionArgs): string;
  capture?(args: ActionArgs, ctx: RunbookContext): Promise<ActionState>;
  execute(args: ActionArgs, ctx: RunbookContext, state: ActionState): Promise<string>;
  /** One attempt; polled until ok or the step's time runs out. */
  verify(args: ActionArgs, ctx: RunbookContext, state: ActionState): Promise<VerifyOutcome>;
  /** Idempotent: return the target to `state`. */
  rollback(args: ActionArgs, ctx: RunbookContext, state: ActionState): Promise<string>;
  undo(args: ActionArgs, state: ActionState, ctx: RunbookContext): UndoAction | null;
}

export type RunbookStepStatus = 'ok' | 'failed' | 'not-run';

/** One step's outcome: the same shape whether it passed or failed. Times are run-clock ms. */
export interface RunbookStepResult {
  step: string;
  action: string;
  status: RunbookStepStatus;
  /** Wall-clock ISO time the step started (null when not run). */
  startedAt: string | null;
  startT: number | null;
  /** When execute returned (the mutation is done), null when it threw or did not run. */
  executedT: number | null;
  endT: number | null;
  durationMs: number | null;
  /** Verify attempts made. */
  attempts: number;
  detail: string;
  error?: string;
  /** Set when the step was rolled back: what the rollback did or why it failed. */
  rollback?: { status: 'ok' | 'failed'; detail: string; durationMs: number };
  /** Journal entry of the step. */
  journalId?: string;
}

export interface RunbookResult {
  ok: boolean;
  steps: RunbookStepResult[];
  /** The step that failed and why (execute threw, or verify did not pass in time). */
  /** The step that failed, why, and the error itself (a harness error, such as a refused permission, is told apart). */
  failed?: { step: string; reason: string; error?: unknown };
  /** Present when steps were rolled back; complete is false when a rollback failed. */
  rollback?: { complete: boolean; errors: string[] };
  /** Run-clock time the first mutating call returned (t0 of a runbook without an outage). */
  firstMutationT: number | null;
}

/** The per-step timing proposed for report.json (`measurements.runbook`). */
export interface RunbookTiming {
  step: string;
  action: string;
  startedAt: string | null;
  durationMs: number | null;
  status: RunbookStepStatus;
  rolledBack?: 'ok' | 'failed';
}
