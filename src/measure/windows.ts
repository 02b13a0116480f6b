// Named measurement windows (before / during / after the fault, the whole run) in run-clock ms.

import type { WindowName } from '../report/types.js';

/** A span of run-clock ms: `from` is inclusive; `to` is inclusive only when `closed`. */
export interface TimeWindow {
  from: number;
  to: number;
  closed: boolean;
}

export type WindowBounds = Record<WindowName, TimeWindow>;

export interface WindowInput {
  runStartT: number;
  /** Fault time; null when no fault was injected. */
  t0: number | null;
  recoveredT: number | null;
  /** When the fault ended on its own (e.g. a timed zone outage), if known. */
  faultEndT: number | null;
  endT: number;
}

/** True when run-clock time `t` lies in the window. */
export function inWindow(t: number, w: TimeWindow): boolean {
  return t >= w.from && (w.closed ? t <= w.to : t < w.to);
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);

/** Compute the four windows: before = [start, t0), during = [t0, recovery), after = [recovery, end], run = [start, end]. */
export function windowBounds(input: WindowInput): WindowBounds {
  const start = input.runStartT;
  const end = Math.max(input.endT, start);
  const run: TimeWindow = { from: start, to: end, closed: true };
  if (input.t0 === null) {
    const empty: TimeWindow = { from: end, to: end, closed: false };
    return { before: { ...run }, during: { ...empty }, after: { ...empty }, run };
  }
  const t0 = clamp(input.t0, start, end);
  const split = clamp(input.recoveredT ?? input.faultEndT ?? end, t0, end);
  return {
    before: { from: start, to: t0, closed: false },
    during: { from: t0, to: split, closed: false },
    after: { from: split, to: end, closed: true },
    run,
  };
}
