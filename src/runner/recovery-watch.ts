// The recovery phase: after the steps, watch the RTO probe until it has recovered and stayed healthy for
// stableFor, or the recovery timeout passes, noting which on the timeline.

import type { FaultExecution } from '../faults/types.js';
import { computeRto } from '../measure/index.js';
import type { ProbeSample } from '../probes/types.js';
import type { Scenario } from '../scenario/types.js';
import { sleep, type Clock } from '../util/clock.js';
import { formatDuration } from '../util/duration.js';
import { measuredFault } from './measure-run.js';

/** What the watch reads from the run's recorder (RunRecorder fits): the clock, the samples so far, notes. */
export interface RecoveryRecorder {
  readonly clock: Clock;
  /** Samples per probe; the watch rereads the RTO probe's list on every tick while probes keep adding to it. */
  readonly samples: ReadonlyMap<string, readonly ProbeSample[]>;
  note(kind: string, message: string, level?: 'info' | 'warn' | 'error'): void;
}

/** What to watch and for how long. */
export interface RecoveryWatch {
  /** The RTO objective's probe, how long it must stay healthy, and its interval; absent: no RTO to time. */
  rto?: { probe: string; stableForMs: number; intervalMs: number };
  /** Run-clock ms of the measured fault's first mutation; absent: no fault was injected. */
  t0?: number;
  /** Run-clock ms when the steps ended: observation and the recovery timeout count from here. */
  stepsEndT: number;
  /** rollback.recoveryTimeout: the longest the watch waits for recovery. */
  recoveryTimeoutMs: number;
  signal: AbortSignal;
  /** Waits between ticks (default: a timer); a test passes one that moves its own clock. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Judges the samples (default: computeRto, as the final measurement does); a test passes a counting one. */
  judge?: typeof computeRto;
}

/** How often the watch rereads the samples. */
export const RECOVERY_TICK_MS = 100;

/** Shortest observation after the steps, so a fault without impact still leaves an "after" window. */
const MIN_OBSERVE_MS = 2000;

/** The watch for a scenario's run: its RTO objective and probe, the measured fault's t0, its recovery timeout. */
export function recoveryWatchFor(
  scenario: Scenario,
  faults: readonly FaultExecution[],
  stepsEndT: number,
  signal: AbortSignal,
): RecoveryWatch {
  const rto = scenario.objectives.rto;
  // The rules reject an RTO probe the scenario does not define (rules.ts), so the probe is always there.
  const probe = rto ? scenario.probes[rto.probe] : undefined;
  const t0 = measuredFault(faults)?.t0;
  return {
    ...(rto && probe ? { rto: { probe: rto.probe, stableForMs: rto.stableForMs, intervalMs: probe.intervalMs } } : {}),
    ...(t0 === undefined ? {} : { t0 }),
    stepsEndT,
    recoveryTimeoutMs: scenario.rollback.recoveryTimeoutMs,
    signal,
  };
}

/** Observe until the RTO probe has recovered and stayed healthy for stableFor, or the recovery timeout. */
export async function watchRecovery(rec: RecoveryRecorder, watch: RecoveryWatch): Promise<void> {
  const { rto, t0, stepsEndT, recoveryTimeoutMs, signal } = watch;
  const wait = watch.sleep ?? sleep;
  const judge = watch.judge ?? computeRto;
  const deadline = stepsEndT + recoveryTimeoutMs;
  const minObserve = Math.max(rto?.stableForMs ?? 0, MIN_OBSERVE_MS);
  // The last judgement and how many samples it read: while a probe keeps failing, recovery cannot have
  // begun, so the samples are not judged again (at a 100 ms interval that was a sort of every sample, ten
  // times a second, through the whole outage).
  let judged: { count: number; status: string } | undefined;
  for (;;) {
    const now = rec.clock.now();
    if (now >= deadline) {
      rec.note('recovery', `recovery not observed within ${formatDuration(recoveryTimeoutMs)}`, 'warn');
      return;
    }
    if (!rto || t0 === undefined) {
      if (now - stepsEndT >= minObserve) return;
    } else {
      // Judge on the samples alone (endT = the newest sample), exactly as the final measurement will.
      const samples = rec.samples.get(rto.probe) ?? [];
      if (judged?.status !== 'not-recovered' || samples.slice(judged.count).some((x) => x.ok)) {
        const r = judge(samples, {
          t0,
          stableForMs: rto.stableForMs,
          intervalMs: rto.intervalMs,
          endT: samples[samples.length - 1]?.t ?? now,
        });
        if (r.status === 'recovered') {
          rec.note('recovery', `${rto.probe} recovered ${formatDuration(r.ms ?? 0)} after the fault`);
          return;
        }
        judged = { count: samples.length, status: r.status };
      } else {
        judged.count = samples.length;
      }
      if (judged.status === 'no-impact' && now - stepsEndT >= minObserve) return;
    }
    await wait(RECOVERY_TICK_MS, signal);
  }
}
