// The few numbers a run is trended and compared on: RTO, p95 latency, availability, restore time,
// RPO, load error rate, score. Each is the one the scenario's own objectives name, where they name one.

import type { Report, SloMeasurement } from '../report/types.js';
import { scoreReport } from './score.js';

export interface RunMetrics {
  /** Recovery time (0 for no impact); absent when not measured or not recovered. */
  rtoMs?: number;
  rtoErrorBoundMs?: number;
  /** p95 latency of the first latency objective's probe and window, else of the probes during the fault, else the load's. */
  p95Ms?: number;
  /** Availability (percent) of the first availability objective, else of the first probe during the fault. */
  availability?: number;
  /** A drill's restore duration. */
  restoreMs?: number;
  rpoS?: number;
  /** Load error rate (percent). */
  errorRate?: number;
  score: number;
}

/** The metric keys, as `--tolerance` and `gameday history` name them. */
export const METRICS = {
  rto: { field: 'rtoMs', label: 'RTO', unit: 'ms', better: 'lower' },
  p95: { field: 'p95Ms', label: 'p95', unit: 'ms', better: 'lower' },
  availability: { field: 'availability', label: 'availability', unit: 'percent', better: 'higher' },
  restore: { field: 'restoreMs', label: 'restore time', unit: 'ms', better: 'lower' },
  rpo: { field: 'rpoS', label: 'RPO', unit: 's', better: 'lower' },
  errors: { field: 'errorRate', label: 'error rate', unit: 'percent', better: 'lower' },
  score: { field: 'score', label: 'score', unit: 'points', better: 'higher' },
} as const;
export type MetricKey = keyof typeof METRICS;

function firstObjective(report: Report, prefix: string): number | undefined {
  const o = report.objectives.find((x) => x.name.startsWith(prefix) && x.actualValue !== null);
  return o?.actualValue ?? undefined;
}

function sloDuring(
  slos: readonly SloMeasurement[],
  pick: (s: SloMeasurement) => number | null | undefined,
): number | undefined {
  for (const w of ['during', 'run'] as const) {
    for (const s of slos) {
      const v = s.window === w ? pick(s) : undefined;
      if (v !== null && v !== undefined) return v;
    }
  }
  return undefined;
}

/** The trended numbers of one report. */
export function metricsFromReport(report: Report): RunMetrics {
  const m: RunMetrics = { score: scoreReport(report).score };
  const rto = report.measurements.rto;
  if (rto && rto.ms !== null) {
    m.rtoMs = rto.ms;
    m.rtoErrorBoundMs = rto.errorBoundMs;
  }
  const p95 =
    firstObjective(report, 'latency p95(') ??
    sloDuring(report.measurements.slos, (s) => s.latency?.p95) ??
    report.load?.latency?.p95;
  if (p95 !== undefined) m.p95Ms = p95;
  const availability =
    firstObjective(report, 'availability(') ?? sloDuring(report.measurements.slos, (s) => s.availability);
  if (availability !== undefined) m.availability = availability;
  const restore = report.measurements.restore?.durationMs;
  if (restore !== undefined && restore !== null) m.restoreMs = restore;
  const rpo = report.measurements.rpo;
  if (rpo) m.rpoS = rpo.seconds;
  if (report.load && report.load.completed > 0) m.errorRate = report.load.errorRate;
  return m;
}
