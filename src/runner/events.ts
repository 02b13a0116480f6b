// Run events: a union keyed on `kind`. Reporters subscribe with optional hooks and can never break a run.

import type { ProbeSample } from '../probes/types.js';

export type Phase =
  | 'validate'
  | 'plan'
  | 'guards'
  | 'targets'
  | 'steady-state'
  | 'observe'
  | 'steps'
  | 'recovery'
  | 'steady-state-after'
  | 'rollback'
  | 'measure'
  | 'report';

export type RunEvent =
  | { kind: 'run-start'; t: number; scenario: string; runId: string; runDir: string }
  | { kind: 'phase'; t: number; phase: Phase; detail?: string }
  | { kind: 'step-start'; t: number; index: number; name: string }
  | { kind: 'step-end'; t: number; index: number; name: string; status: 'ok' | 'failed' | 'aborted'; detail?: string }
  | { kind: 'fault-injected'; t: number; index: number; fault: string; detail: string }
  | { kind: 'undo'; t: number; id: string; status: 'ok' | 'failed'; detail?: string }
  | { kind: 'sample'; sample: ProbeSample }
  | {
      kind: 'load-progress';
      t: number;
      sent: number;
      completed: number;
      errors: number;
      ratePerSec: number;
      targetRatePerSec: number;
    }
  | { kind: 'abort'; t: number; reason: string }
  | { kind: 'log'; t: number; level: 'info' | 'warn' | 'error'; message: string }
  | { kind: 'run-end'; t: number; verdict: Verdict };

export type Verdict = 'pass' | 'fail' | 'aborted' | 'error';

/** Something that wants to hear about a run. Every hook is optional; a throwing hook is ignored. */
export interface Reporter {
  onEvent?(event: RunEvent): void;
}

/** Fan an event out to reporters; a reporter's error never reaches the run. */
export function emit(reporters: readonly Reporter[], event: RunEvent): void {
  for (const r of reporters) {
    try {
      r.onEvent?.(event);
    } catch {
      // A reporter must never break a run.
    }
  }
}
