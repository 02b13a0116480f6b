// Recovery time objective: from the fault time t0 to the start of the first stably healthy window.
// True recovery lies between the last failing sample and that window's first healthy sample; the
// reported RTO is their midpoint, with half the gap as its error bound (DESIGN.md, "Measurements").
// Each sample counts at the middle of its check, when the system most likely answered it.

import type { ProbeSample } from '../probes/types.js';
import type { RtoMeasurement } from '../report/types.js';

export interface RtoOptions {
  /** Run-clock ms when the first mutating call of the fault step returned success. */
  t0: number;
  /** How long the probe must stay healthy for a run of healthy samples to count as recovery. */
  stableForMs: number;
  /** The probe interval: the error bound when no failure was seen (an outage shorter than it can slip by). */
  intervalMs: number;
  /** Run-clock ms when observation ended (probes stopped). */
  endT: number;
}

export interface RtoResult {
  status: 'no-impact' | 'recovered' | 'not-recovered';
  /** Best estimate of recovery minus t0 (the midpoint below); 0 for no impact; null when not recovered. */
  ms: number | null;
  /** Half the gap between the last failing and the first healthy sample; the interval for no impact. */
  errorBoundMs: number;
  /** First failing sample at/after t0, minus t0; null for no impact. */
  detectMs: number | null;
  impactT: number | null;
  /** The recovery estimate: midway between `lastFailingT` and `firstHealthyT`. */
  recoveredT: number | null;
  /** The last failing sample before the stable window; true recovery is after it. */
  lastFailingT: number | null;
  /** The stable window's first healthy sample; true recovery is at or before it. */
  firstHealthyT: number | null;
  /** How long the run observed after t0. */
  observedMs: number;
}

interface Point {
  t: number;
  ok: boolean;
}

/** Order samples by time (stably) and merge equal times; a failing sample at a time wins over healthy ones. */
export function toTimeline(samples: readonly ProbeSample[]): Point[] {
  const sorted = samples
    .map((s, i) => ({ t: s.t, ok: s.ok, i }))
    .filter((s) => Number.isFinite(s.t))
    .sort((a, b) => a.t - b.t || a.i - b.i);
  const points: Point[] = [];
  for (const s of sorted) {
    const last = points[points.length - 1];
    if (last !== undefined && last.t === s.t) {
      // Why: two observations at one instant that disagree cannot prove health; be conservative.
      last.ok = last.ok && s.ok;
    } else {
      points.push({ t: s.t, ok: s.ok });
    }
  }
  return points;
}

/**
 * When a sample saw the system: the middle of its check. The checked system answered somewhere between the
 * check's start and its end, most likely in the middle (as a clock sync reads a round trip); a check that
 * hung (a timeout) counts at most half an interval after its start.
 */
export function observedAt(s: ProbeSample, intervalMs: number): number {
  const latency = Math.max(0, Number.isFinite(s.latencyMs) ? s.latencyMs : 0);
  return s.t + (intervalMs > 0 ? Math.min(latency, intervalMs) : latency) / 2;
}

/** Compute RTO, time to detect and recovery time from one probe's samples (run-clock ms). */
export function computeRto(samples: readonly ProbeSample[], opts: RtoOptions): RtoResult {
  const { t0, stableForMs, intervalMs, endT } = opts;
  const stable = Math.max(0, stableForMs);
  const observedMs = Math.max(0, endT - t0);
  const points = toTimeline(samples.map((s) => ({ ...s, t: observedAt(s, intervalMs) })));
  const none = { recoveredT: null, lastFailingT: null, firstHealthyT: null };

  const impactIndex = points.findIndex((p) => p.t >= t0 && !p.ok);
  const impact = points[impactIndex];
  if (impact === undefined) {
    return { status: 'no-impact', ms: 0, errorBoundMs: intervalMs, detectMs: null, impactT: null, ...none, observedMs };
  }
  const impacted = { errorBoundMs: intervalMs, detectMs: round3(impact.t - t0), impactT: impact.t, observedMs };

  let i = impactIndex + 1;
  while (i < points.length) {
    const start = points[i] as Point;
    if (!start.ok) {
      i++;
      continue;
    }
    // `start` is the first healthy sample after a failing one; walk its healthy run.
    let j = i;
    while (j + 1 < points.length && (points[j + 1] as Point).ok) j++;
    const lastHealthy = points[j] as Point;
    const runEndsTheProbe = j === points.length - 1;
    const due = start.t + stable;
    // Why: a run cut short by the end of the run is only trusted if the probe never failed again.
    if (lastHealthy.t >= due || (runEndsTheProbe && endT >= due)) {
      // points[i - 1] fails: `start` is the first healthy point after a failing one.
      const lastFailing = (points[i - 1] as Point).t;
      const recoveredT = (lastFailing + start.t) / 2;
      return {
        ...impacted,
        status: 'recovered',
        ms: round3(recoveredT - t0),
        errorBoundMs: round3((start.t - lastFailing) / 2),
        recoveredT,
        lastFailingT: lastFailing,
        firstHealthyT: start.t,
      };
    }
    i = j + 1;
  }
  return { ...impacted, status: 'not-recovered', ms: null, ...none };
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/** Turn an RTO result into its report.json shape, mapping run-clock times to wall-clock ISO strings. */
export function rtoToMeasurement(
  result: RtoResult,
  ctx: { probe: string; t0: number; stableForMs: number; wall: (t: number) => number },
): RtoMeasurement {
  const iso = (t: number): string => new Date(ctx.wall(t)).toISOString();
  const since = (t: number | null): number | null => (t === null ? null : round3(t - ctx.t0));
  return {
    probe: ctx.probe,
    status: result.status,
    ms: result.ms,
    errorBoundMs: result.errorBoundMs,
    stableForMs: ctx.stableForMs,
    detectMs: result.detectMs,
    faultAt: iso(ctx.t0),
    impactAt: result.impactT === null ? null : iso(result.impactT),
    recoveredAt: result.recoveredT === null ? null : iso(result.recoveredT),
    lastFailingAt: result.lastFailingT === null ? null : iso(result.lastFailingT),
    firstHealthyAt: result.firstHealthyT === null ? null : iso(result.firstHealthyT),
    lastFailingMs: since(result.lastFailingT),
    firstHealthyMs: since(result.firstHealthyT),
    observedMs: result.observedMs,
  };
}
