// Measurements: RTO, RPO, SLOs and objectives, computed from the run's timeline (pure functions).

export { computeRto, rtoToMeasurement, type RtoOptions, type RtoResult } from './rto.js';
export { computeRpo, computeRestoreRpo, type RpoInput } from './rpo.js';
export { windowBounds, inWindow, type TimeWindow, type WindowBounds, type WindowInput } from './windows.js';
export { summarizeLatency } from './latency.js';
export { sloForWindow, sloWindowsFor, computeSlos } from './slo.js';
export { summarizeProbe } from './probes.js';
export {
  evaluateObjectives,
  allObjectivesPass,
  formatLatencyMs,
  type Measurements,
  type Percentile,
} from './objectives.js';
export { formatBoundMs, formatMeasuredMs, formatPercent } from './format.js';
