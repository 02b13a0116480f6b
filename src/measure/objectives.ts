// Objectives: each bound in the scenario checked against its measurement, one result per bound.

import type { ResolvedObjectives } from '../scenario/types.js';
import type {
  ErrorBudgetMeasurement,
  LoadReport,
  LoadWindowMeasurement,
  ObjectiveResult,
  PromqlMeasurement,
  RpoMeasurement,
  RtoMeasurement,
  SloMeasurement,
  WindowName,
} from '../report/types.js';
import { formatDuration } from '../util/duration.js';
import { percentileEvidence, proportionEvidence } from './confidence.js';
import { formatBoundMs, formatMeasuredMs, formatPercent, trimNumber, unrecoveredText } from './format.js';
import { metricObjectiveResults, type MetricMeasurements } from './objectives-metrics.js';

export type Percentile = 'p50' | 'p90' | 'p95' | 'p99';
const PERCENTILES: readonly Percentile[] = ['p50', 'p90', 'p95', 'p99'];

export interface Measurements extends MetricMeasurements {
  rto: RtoMeasurement | null;
  rpo: RpoMeasurement | null;
  slos: readonly SloMeasurement[];
  load: LoadReport | null;
  /** The load per window (for load objectives on a window other than the whole run). */
  loadWindows?: readonly LoadWindowMeasurement[];
  /** Per promql objective, in order; null when the query failed (see notMeasured.promql). */
  promql?: ReadonlyArray<PromqlMeasurement | null>;
  errorBudgets?: readonly ErrorBudgetMeasurement[];
  /** Why a measurement is missing, shown as "not measured: <reason>" (defaults say what is usually the cause). */
  notMeasured?: Partial<Record<'rto' | 'rpo' | 'load' | 'promql', string>> & { budgets?: Record<string, string> };
}

const DEFAULT_NOT_MEASURED = {
  rto: 'no fault was injected',
  rpo: 'no markers configured',
  load: 'no load configured',
} as const;

/** A latency compared with a maximum, rounded up at 0.1 ms so the text never reads below the bound it failed. */
export function formatLatencyMs(ms: number): string {
  const up = Math.ceil(ms * 10 - 1e-6) / 10;
  return up < 1000 ? `${trimNumber(up, 1)}ms` : `${trimNumber(Math.ceil(up) / 1000, 3)}s`;
}

function notMeasured(
  name: string,
  target: string,
  targetValue: number,
  unit: ObjectiveResult['unit'],
  why: string,
): ObjectiveResult {
  return { name, target, actual: `not measured: ${why}`, pass: false, targetValue, actualValue: null, unit };
}

function atMost(
  name: string,
  bound: number,
  value: number,
  unit: ObjectiveResult['unit'],
  text: { target: string; actual: string },
): ObjectiveResult {
  return {
    name,
    target: text.target,
    actual: text.actual,
    pass: value <= bound,
    targetValue: bound,
    actualValue: value,
    unit,
  };
}

function rtoResult(o: NonNullable<ResolvedObjectives['rto']>, m: Measurements): ObjectiveResult {
  const target = `<= ${formatBoundMs(o.maxMs)}`;
  const rto = m.rto;
  if (rto === null) return notMeasured('rto', target, o.maxMs, 'ms', m.notMeasured?.rto ?? DEFAULT_NOT_MEASURED.rto);
  if (rto.status === 'no-impact' && rto.abortedAtMs !== undefined) {
    // Why not a pass: the window in which impact would have shown was cut short by the abort.
    return notMeasured(
      'rto',
      target,
      o.maxMs,
      'ms',
      `no impact observed before the abort at +${formatDuration(rto.abortedAtMs)}`,
    );
  }
  if (rto.status === 'no-impact') return atMost('rto', o.maxMs, 0, 'ms', { target, actual: 'no impact (0s)' });
  if (rto.status === 'not-recovered' || rto.ms === null) {
    return {
      name: 'rto',
      target,
      actual: unrecoveredText(rto),
      pass: false,
      targetValue: o.maxMs,
      actualValue: null,
      unit: 'ms',
    };
  }
  const actual = `${formatDuration(rto.ms)} ± ${formatDuration(rto.errorBoundMs)}`;
  return atMost('rto', o.maxMs, rto.ms, 'ms', { target, actual });
}

function rpoResults(o: NonNullable<ResolvedObjectives['rpo']>, m: Measurements): ObjectiveResult[] {
  const maxS = o.maxMs / 1000;
  const target = `<= ${formatBoundMs(o.maxMs)}`;
  const rpo = m.rpo;
  const why = m.notMeasured?.rpo ?? DEFAULT_NOT_MEASURED.rpo;
  const out: ObjectiveResult[] = [];
  if (rpo === null) {
    out.push(notMeasured('rpo', target, maxS, 's', why));
  } else if (rpo.newestAcknowledgedBeforeFaultAt === null) {
    out.push(notMeasured('rpo', target, maxS, 's', 'no marker was acknowledged before the fault'));
  } else if (rpo.newestSurvivingAt === null) {
    // Why fail: with no surviving marker the recovery point is unknown; the number is only a lower bound.
    out.push({
      name: 'rpo',
      target,
      actual: `>= ${formatMeasuredMs(rpo.seconds * 1000)} (no marker written before the fault survived)`,
      pass: false,
      targetValue: maxS,
      actualValue: rpo.seconds,
      unit: 's',
    });
  } else {
    out.push(atMost('rpo', maxS, rpo.seconds, 's', { target, actual: formatMeasuredMs(rpo.seconds * 1000) }));
  }
  if (o.maxLostWrites !== undefined) {
    const name = 'rpo lost writes';
    const lwTarget = `<= ${o.maxLostWrites}`;
    if (rpo === null) out.push(notMeasured(name, lwTarget, o.maxLostWrites, 'count', why));
    else {
      const actual = `${rpo.lostWrites} of ${rpo.acknowledged} acknowledged`;
      out.push(atMost(name, o.maxLostWrites, rpo.lostWrites, 'count', { target: lwTarget, actual }));
    }
  }
  return out;
}

function findSlo(m: Measurements, probe: string, window: WindowName): SloMeasurement | undefined {
  return m.slos.find((s) => s.probe === probe && s.window === window);
}

function noSamples(probe: string, window: WindowName, slo: SloMeasurement | undefined): string {
  return slo === undefined
    ? `no SLO measurement for ${probe} in the ${window} window`
    : `no samples from ${probe} in the ${window} window`;
}

function availabilityResult(o: ResolvedObjectives['availability'][number], m: Measurements): ObjectiveResult {
  const name = `availability(${o.probe}, ${o.window})`;
  const target = `>= ${trimNumber(o.min, 3)}%`;
  const slo = findSlo(m, o.probe, o.window);
  if (slo === undefined || slo.availability === null) {
    return notMeasured(name, target, o.min, 'percent', noSamples(o.probe, o.window, slo));
  }
  return {
    name,
    target,
    actual: `${formatPercent(slo.availability, 'down')} (${slo.good}/${slo.samples} good)`,
    pass: slo.availability >= o.min,
    targetValue: o.min,
    actualValue: slo.availability,
    unit: 'percent',
    evidence: proportionEvidence(slo.good, slo.samples, o.min, 'min'),
  };
}

function latencyResults(o: ResolvedObjectives['latency'][number], m: Measurements): ObjectiveResult[] {
  const slo = findSlo(m, o.probe, o.window);
  const out: ObjectiveResult[] = [];
  for (const p of PERCENTILES) {
    const bound = o.percentiles[p];
    if (bound === undefined) continue;
    const name = `latency ${p}(${o.probe}, ${o.window})`;
    const target = `<= ${formatBoundMs(bound)}`;
    if (slo?.latency == null) {
      out.push(notMeasured(name, target, bound, 'ms', noSamples(o.probe, o.window, slo)));
      continue;
    }
    const value = slo.latency[p];
    const result = atMost(name, bound, value, 'ms', { target, actual: formatLatencyMs(value) });
    out.push({ ...result, evidence: percentileEvidence(Number(p.slice(1)), slo.latency.count) });
  }
  return out;
}

/** The load of the objective's window: the whole run's totals, or the window's requests. */
function loadIn(
  window: WindowName,
  m: Measurements,
): { requests: number; errors: number; errorRate: number | null; latency: LoadReport['latency'] } | null {
  if (m.load === null) return null;
  if (window === 'run') {
    const l = m.load;
    return { requests: l.completed, errors: l.errors, errorRate: l.errorRate, latency: l.latency };
  }
  return m.loadWindows?.find((w) => w.window === window) ?? { requests: 0, errors: 0, errorRate: null, latency: null };
}

function loadResults(o: NonNullable<ResolvedObjectives['load']>, m: Measurements): ObjectiveResult[] {
  const out: ObjectiveResult[] = [];
  const window = o.window ?? 'run';
  const load = loadIn(window, m);
  const suffix = window === 'run' ? '' : ` (${window})`;
  const why = m.notMeasured?.load ?? DEFAULT_NOT_MEASURED.load;
  const none = window === 'run' ? 'no load request completed' : `no load request in the ${window} window`;
  if (o.maxErrorRate !== undefined) {
    const name = `load error rate${suffix}`;
    const target = `<= ${trimNumber(o.maxErrorRate, 3)}%`;
    if (load === null) out.push(notMeasured(name, target, o.maxErrorRate, 'percent', why));
    else if (load.requests === 0 || load.errorRate === null) {
      out.push(notMeasured(name, target, o.maxErrorRate, 'percent', none));
    } else {
      const actual = `${formatPercent(load.errorRate, 'up')} (${load.errors}/${load.requests})`;
      out.push({
        ...atMost(name, o.maxErrorRate, load.errorRate, 'percent', { target, actual }),
        evidence: proportionEvidence(load.errors, load.requests, o.maxErrorRate, 'max'),
      });
    }
  }
  for (const [p, bound] of [
    ['p95', o.p95Ms],
    ['p99', o.p99Ms],
  ] as const) {
    if (bound === undefined) continue;
    const name = `load ${p}${suffix}`;
    const target = `<= ${formatBoundMs(bound)}`;
    if (load === null) out.push(notMeasured(name, target, bound, 'ms', why));
    else if (load.latency === null) out.push(notMeasured(name, target, bound, 'ms', none));
    else {
      const value = load.latency[p];
      out.push({
        ...atMost(name, bound, value, 'ms', { target, actual: formatLatencyMs(value) }),
        evidence: percentileEvidence(Number(p.slice(1)), load.latency.count),
      });
    }
  }
  return out;
}

/** Check every bound in the objectives; a missing measurement is a failing result that says why. */
export function evaluateObjectives(objectives: ResolvedObjectives, m: Measurements): ObjectiveResult[] {
  const out: ObjectiveResult[] = [];
  if (objectives.rto) out.push(rtoResult(objectives.rto, m));
  if (objectives.rpo) out.push(...rpoResults(objectives.rpo, m));
  for (const a of objectives.availability) out.push(availabilityResult(a, m));
  for (const l of objectives.latency) out.push(...latencyResults(l, m));
  if (objectives.load) out.push(...loadResults(objectives.load, m));
  out.push(...metricObjectiveResults(objectives, m));
  return out;
}

/** True when every objective holds (vacuously true for none). */
export function allObjectivesPass(results: readonly ObjectiveResult[]): boolean {
  return results.every((r) => r.pass);
}
