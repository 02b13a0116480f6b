// The sampling scheduler: every probe on its own absolute schedule, checks run concurrently with a
// per-check time limit, so one slow sample never delays the next.

import { build, type Histogram } from 'hdr-histogram-js';
import type { Clock } from '../util/clock.js';
import { sleep } from '../util/clock.js';
import { errorCode, whenAborted } from './detail.js';
import type { CheckOutcome, Probe, ProbeSample } from './types.js';

export interface SchedulerStats {
  samples: number;
  /** Ticks skipped because the event loop was blocked past them (never run late in a burst). */
  missedTicks: number;
  /** Start-time jitter: actual check start minus scheduled tick, in ms. */
  maxJitterMs: number;
  p99JitterMs: number;
}

export interface ProbeRunner {
  /** Stop scheduling, abort in-flight checks and wait for them; no sample is delivered after this resolves. */
  stop(): Promise<void>;
  stats(): Record<string, SchedulerStats>;
}

export interface StartProbesOptions {
  clock: Clock;
  /** Receives every sample; a throwing listener is ignored. */
  onSample(sample: ProbeSample): void;
  /** Aborting it stops the scheduler like `stop()` (without waiting). */
  signal?: AbortSignal;
}

/** Shortest interval the scheduler honours; faster probes are slowed to this. */
export const MIN_INTERVAL_MS = 50;
/** A timer may fire this much early (it rounds to whole ms); earlier than that it is re-armed. */
const EARLY_SLACK_MS = 0.5;

interface ProbeState {
  probe: Probe;
  intervalMs: number;
  /** Index of the next tick to run; tick k is due at start + k·interval. */
  next: number;
  timer: NodeJS.Timeout | undefined;
  samples: number;
  missedTicks: number;
  maxJitterMs: number;
  jitter: Histogram;
}

/** Start sampling every probe on its interval until `stop()` or the signal. */
export function startProbes(probes: Probe[], opts: StartProbesOptions): ProbeRunner {
  const { clock } = opts;
  const run = new AbortController();
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  const start = clock.now();

  const deliver = (sample: ProbeSample): void => {
    try {
      opts.onSample(sample);
    } catch {
      // A listener must never break sampling.
    }
  };

  const states: ProbeState[] = probes.map((probe) => ({
    probe,
    intervalMs: Math.max(MIN_INTERVAL_MS, probe.intervalMs),
    next: 0,
    timer: undefined,
    samples: 0,
    missedTicks: 0,
    maxJitterMs: 0,
    jitter: build({
      lowestDiscernibleValue: 1,
      highestTrackableValue: 3_600_000_000,
      numberOfSignificantValueDigits: 3,
    }),
  }));

  const arm = (state: ProbeState): void => {
    if (stopped) return;
    const due = start + state.next * state.intervalMs;
    state.timer = setTimeout(() => fire(state), Math.max(0, due - clock.now()));
  };

  const fire = (state: ProbeState): void => {
    state.timer = undefined;
    if (stopped) return;
    const now = clock.now();
    let due = start + state.next * state.intervalMs;
    if (now < due - EARLY_SLACK_MS) {
      arm(state);
      return;
    }
    // Blocked past whole ticks: skip them (counted) and run only the newest one, never a burst.
    const behind = Math.floor((now - due) / state.intervalMs);
    if (behind > 0) {
      state.missedTicks += behind;
      state.next += behind;
      due += behind * state.intervalMs;
    }
    const jitter = Math.max(0, now - due);
    state.maxJitterMs = Math.max(state.maxJitterMs, jitter);
    state.jitter.recordValue(Math.max(1, Math.round(jitter * 1000)));
    state.next += 1;
    arm(state);

    const task = runCheck(state.probe, clock, run.signal).then((sample) => {
      if (stopped && sample.abortedByCaller) return;
      state.samples += 1;
      deliver(sample.sample);
    });
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  };

  const halt = (): void => {
    if (stopped) return;
    stopped = true;
    for (const s of states) if (s.timer) clearTimeout(s.timer);
    run.abort(new Error('probes stopped'));
  };
  if (opts.signal?.aborted) halt();
  else opts.signal?.addEventListener('abort', halt, { once: true });

  for (const s of states) arm(s);

  return {
    async stop() {
      halt();
      opts.signal?.removeEventListener('abort', halt);
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    stats() {
      const out: Record<string, SchedulerStats> = {};
      for (const s of states) {
        out[s.probe.name] = {
          samples: s.samples,
          missedTicks: s.missedTicks,
          maxJitterMs: round3(s.maxJitterMs),
          p99JitterMs: s.jitter.totalCount === 0 ? 0 : round3(s.jitter.getValueAtPercentile(99) / 1000),
        };
      }
      return out;
    },
  };
}

/** Run one check now, bounded by the probe's timeout and the caller's signal; never throws. */
export async function checkOnce(probe: Probe, clock: Clock, signal?: AbortSignal): Promise<ProbeSample> {
  return (await runCheck(probe, clock, signal)).sample;
}

/**
 * Check the probe every interval until it is healthy or `timeoutMs` passes; returns the first
 * healthy sample, else the last failing one (undefined when no check finished).
 */
export async function waitUntilHealthy(
  probe: Probe,
  opts: { clock: Clock; timeoutMs: number; signal?: AbortSignal },
): Promise<ProbeSample | undefined> {
  const { clock } = opts;
  const deadline = AbortSignal.timeout(Math.max(0, opts.timeoutMs));
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
  const start = clock.now();
  const interval = Math.max(MIN_INTERVAL_MS, probe.intervalMs);
  let last: ProbeSample | undefined;
  for (let k = 1; !signal.aborted; k++) {
    const { sample, abortedByCaller } = await runCheck(probe, clock, signal);
    if (sample.ok) return sample;
    // Why keep it: the last failure says why the probe never got healthy (a refused permission, a 503).
    if (!abortedByCaller) last = sample;
    try {
      await sleep(start + k * interval - clock.now(), signal);
    } catch {
      return last;
    }
  }
  return last;
}

interface CheckResult {
  sample: ProbeSample;
  /** The caller's signal ended the check (not its own time limit): not a real observation. */
  abortedByCaller: boolean;
}

async function runCheck(probe: Probe, clock: Clock, outer: AbortSignal | undefined): Promise<CheckResult> {
  const t = clock.now();
  const wallTime = clock.wall(t);
  const timeout = AbortSignal.timeout(Math.max(1, probe.timeoutMs));
  const signal = outer ? AbortSignal.any([outer, timeout]) : timeout;
  let outcome: CheckOutcome;
  try {
    // Race the signal too: a check that ignores its signal still ends its sample on time.
    const raced = await Promise.race([probe.check(signal), whenAborted(signal).then(() => undefined)]);
    outcome = raced ?? { ok: false, detail: 'aborted' };
  } catch (error) {
    // Checks must not throw for an unhealthy target; one that does is a failing sample all the same.
    outcome = { ok: false, detail: errorCode(error) };
  }
  const latencyMs = clock.now() - t;
  const timedOut = timeout.aborted && !(outer?.aborted ?? false);
  if (!outcome.ok && timedOut) outcome = { ...outcome, ok: false, detail: `timeout after ${probe.timeoutMs}ms` };
  const sample: ProbeSample = { probe: probe.name, t, wallTime, ok: outcome.ok, latencyMs: round3(latencyMs) };
  if (outcome.detail !== undefined) sample.detail = outcome.detail;
  if (outcome.value !== undefined) sample.value = outcome.value;
  return { sample, abortedByCaller: !outcome.ok && !timedOut && (outer?.aborted ?? false) };
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
