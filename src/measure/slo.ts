// Service level measurements per probe and window: availability and latency.

import type { ProbeSample } from '../probes/types.js';
import type { ResolvedObjectives } from '../scenario/types.js';
import type { SloMeasurement, WindowName } from '../report/types.js';
import { summarizeLatency } from './latency.js';
import { inWindow, type WindowBounds } from './windows.js';

/** Availability (good / all samples, in percent) and latency of one probe over one window. */
export function sloForWindow(
  probe: string,
  samples: readonly ProbeSample[],
  window: WindowName,
  bounds: WindowBounds,
): SloMeasurement {
  const w = bounds[window];
  const inside = samples.filter((s) => s.probe === probe && inWindow(s.t, w));
  const good = inside.reduce((n, s) => n + (s.ok ? 1 : 0), 0);
  return {
    probe,
    window,
    samples: inside.length,
    good,
    availability: inside.length === 0 ? null : (good / inside.length) * 100,
    latency: summarizeLatency(inside.map((s) => s.latencyMs)),
  };
}

/** The distinct (probe, window) pairs that the objectives need measured, in objective order. */
export function sloWindowsFor(objectives: ResolvedObjectives): Array<{ probe: string; window: WindowName }> {
  const seen = new Set<string>();
  const out: Array<{ probe: string; window: WindowName }> = [];
  for (const o of [...objectives.availability, ...objectives.latency]) {
    const key = `${o.probe}\u0000${o.window}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ probe: o.probe, window: o.window });
  }
  return out;
}

/** Measure every (probe, window) pair the objectives need. */
export function computeSlos(
  objectives: ResolvedObjectives,
  samples: readonly ProbeSample[],
  bounds: WindowBounds,
): SloMeasurement[] {
  return sloWindowsFor(objectives).map(({ probe, window }) => sloForWindow(probe, samples, window, bounds));
}
