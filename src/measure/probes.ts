// Per-probe summaries for reports: sample counts and the transitions between healthy and failing.

import type { ProbeSample } from '../probes/types.js';
import type { ProbeSummary } from '../report/types.js';
import { toTimeline } from './rto.js';

/** Summarize one probe's samples; the first sample is recorded as the initial state, then every change. */
export function summarizeProbe(
  probe: { name: string; kind: string; intervalMs: number },
  samples: readonly ProbeSample[],
  wall: (t: number) => number,
): ProbeSummary {
  const own = samples.filter((s) => s.probe === probe.name);
  const details = new Map<number, string>();
  for (const s of own) {
    // Why: at a merged instant the failing sample's detail explains the state shown.
    if (s.detail !== undefined && (!s.ok || !details.has(s.t))) details.set(s.t, s.detail);
  }
  const transitions: ProbeSummary['transitions'] = [];
  let last: boolean | undefined;
  for (const p of toTimeline(own)) {
    if (p.ok === last) continue;
    last = p.ok;
    const detail = details.get(p.t);
    const entry: ProbeSummary['transitions'][number] = { t: p.t, at: new Date(wall(p.t)).toISOString(), ok: p.ok };
    if (detail !== undefined) entry.detail = detail;
    transitions.push(entry);
  }
  return {
    name: probe.name,
    kind: probe.kind,
    intervalMs: probe.intervalMs,
    samples: own.length,
    failures: own.reduce((n, s) => n + (s.ok ? 0 : 1), 0),
    transitions,
  };
}
