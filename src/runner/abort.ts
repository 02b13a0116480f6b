// Abort conditions: stop the experiment when a probe's availability over a sliding window drops too far.

import type { ProbeSample } from '../probes/types.js';
import type { ResolvedGuards } from '../scenario/types.js';
import type { RunRecorder } from './recorder.js';

/** Evaluate one condition over the samples of its probe at time `now` (pure). Returns a reason or undefined. */
export function abortReason(
  cond: ResolvedGuards['abortWhen'][number],
  samples: readonly ProbeSample[],
  now: number,
  observeStartT: number,
): string | undefined {
  // Judge only a full window: a single early failure must not abort a run that just started.
  if (now - observeStartT < cond.forMs) return undefined;
  let good = 0;
  let all = 0;
  for (let i = samples.length - 1; i >= 0; i--) {
    const s = samples[i] as ProbeSample;
    if (s.t < now - cond.forMs) break;
    all += 1;
    if (s.ok) good += 1;
  }
  if (all === 0) return undefined;
  const availability = (good / all) * 100;
  if (availability >= cond.availabilityBelow) return undefined;
  return `abort condition: probe ${cond.probe} availability ${availability.toFixed(1)}% over the last ${Math.round(cond.forMs / 1000)}s is below ${cond.availabilityBelow}%`;
}

/** Check the conditions every 100 ms; call `abort` once with the first reason. Returns a stop function. */
export function watchAbortConditions(
  conditions: ResolvedGuards['abortWhen'],
  rec: RunRecorder,
  observeStartT: number,
  abort: (reason: string) => void,
): () => void {
  if (conditions.length === 0) return () => undefined;
  const timer = setInterval(() => {
    const now = rec.clock.now();
    for (const c of conditions) {
      const reason = abortReason(c, rec.samples.get(c.probe) ?? [], now, observeStartT);
      if (reason) {
        clearInterval(timer);
        abort(reason);
        return;
      }
    }
  }, 100);
  return () => clearInterval(timer);
}
