// Per-request outcomes of a load run, stored compactly (typed arrays, no object per request) so that
// error rate and latency can be computed over any window of the run afterwards.

import type { LatencySummary } from '../report/types.js';
import { summarizeLatency } from '../measure/latency.js';

export const PENDING = 0;
export const OK = 1;
export const FAILED = 2;
/** Dropped arrivals are kept per 10 ms batch: enough resolution for windows, bounded memory at any rate. */
export const DROP_BATCH_MS = 10;

/**
 * Requests in arrival order: intended start (run-clock ms, non-decreasing), actual send time (run-clock
 * ms: how far the sender kept to the schedule), latency from the intended start (NaN when there is none
 * to report: transport errors other than timeouts) and state.
 * Arrivals dropped at the in-flight cap are kept apart as (time, count) batches.
 */
export class LoadOutcomes {
  length = 0;
  intendedT = new Float64Array(1024);
  sentT = new Float64Array(1024);
  latencyMs = new Float64Array(1024);
  state = new Uint8Array(1024);
  droppedLength = 0;
  droppedT = new Float64Array(64);
  droppedCount = new Uint32Array(64);

  /** Append a request started at `sentT` for the arrival slot `intendedT`; returns its index. */
  add(intendedT: number, sentT: number): number {
    if (this.length === this.intendedT.length) {
      this.intendedT = grow(this.intendedT);
      this.sentT = grow(this.sentT);
      this.latencyMs = grow(this.latencyMs);
      this.state = grow(this.state);
    }
    const i = this.length++;
    this.intendedT[i] = intendedT;
    this.sentT[i] = sentT;
    this.latencyMs[i] = NaN;
    this.state[i] = PENDING;
    return i;
  }

  /** Record `count` arrivals dropped at about time t (merged into the previous batch within 10 ms). */
  addDropped(t: number, count: number): void {
    if (count <= 0) return;
    const last = this.droppedLength - 1;
    if (last >= 0 && t - (this.droppedT[last] as number) < DROP_BATCH_MS) {
      this.droppedCount[last] = (this.droppedCount[last] as number) + count;
      return;
    }
    if (this.droppedLength === this.droppedT.length) {
      this.droppedT = grow(this.droppedT);
      this.droppedCount = grow(this.droppedCount);
    }
    this.droppedT[this.droppedLength] = t;
    this.droppedCount[this.droppedLength] = count;
    this.droppedLength++;
  }

  /** Index range [lo, hi) of requests whose intended start is in [fromT, toT). */
  range(fromT: number, toT: number): [number, number] {
    return [lowerBound(this.intendedT, this.length, fromT), lowerBound(this.intendedT, this.length, toT)];
  }

  droppedBetween(fromT: number, toT: number): number {
    let n = 0;
    const lo = lowerBound(this.droppedT, this.droppedLength, fromT);
    for (let i = lo; i < this.droppedLength && (this.droppedT[i] as number) < toT; i++)
      n += this.droppedCount[i] as number;
    return n;
  }

  /** A run log can hold millions of entries: keep it out of JSON reports. */
  toJSON(): { requests: number; droppedBatches: number } {
    return { requests: this.length, droppedBatches: this.droppedLength };
  }
}

/** Finished arrivals (dropped ones included) with intended start in [fromT, toT), and how many failed. */
export function countBetween(
  result: { outcomes: LoadOutcomes },
  fromT: number,
  toT: number,
): { finished: number; failed: number } {
  const o = result.outcomes;
  const [lo, hi] = o.range(fromT, toT);
  let finished = 0;
  let failed = 0;
  for (let i = lo; i < hi; i++) {
    const s = o.state[i];
    if (s === PENDING) continue;
    finished++;
    if (s === FAILED) failed++;
  }
  const dropped = o.droppedBetween(fromT, toT);
  return { finished: finished + dropped, failed: failed + dropped };
}

/** Percent of finished arrivals (dropped ones included) with intended start in [fromT, toT) that failed; null when none. */
export function errorRateBetween(result: { outcomes: LoadOutcomes }, fromT: number, toT: number): number | null {
  const { finished, failed } = countBetween(result, fromT, toT);
  return finished === 0 ? null : (failed / finished) * 100;
}

/** Latency summary (ms, from intended start) of requests with intended start in [fromT, toT); null when none. */
export function latencyBetween(result: { outcomes: LoadOutcomes }, fromT: number, toT: number): LatencySummary | null {
  const o = result.outcomes;
  const [lo, hi] = o.range(fromT, toT);
  return summarizeLatency(o.latencyMs.subarray(lo, hi));
}

/** First index in sorted[0, length) whose value is >= x. */
function lowerBound(sorted: Float64Array, length: number, x: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function grow<T extends Float64Array | Uint8Array | Uint32Array>(a: T): T {
  const next = new (a.constructor as new (n: number) => T)(a.length * 2);
  next.set(a);
  return next;
}
