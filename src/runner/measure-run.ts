// From what a run observed to its report: measurements, objectives and the verdict.

import type { AcknowledgedMarker } from '../drivers/postgres/markers.js';
import type { FaultExecution } from '../faults/types.js';
import { loadReportOf, type LoadRunResult } from '../load/windows.js';
import {
  allObjectivesPass,
  computeRpo,
  computeRto,
  computeSlos,
  evaluateObjectives,
  rtoToMeasurement,
  summarizeProbe,
  windowBounds,
  type WindowBounds,
} from '../measure/index.js';
import type { Probe, ProbeSample } from '../probes/types.js';
import {
  REPORT_SCHEMA_VERSION,
  type ObjectiveResult,
  type Report,
  type RpoMeasurement,
  type RunChoice,
  type RtoMeasurement,
} from '../report/types.js';
import type { Scenario } from '../scenario/types.js';
import type { RunbookTiming } from '../runbook/types.js';
import type { Clock } from '../util/clock.js';
import type { Verdict } from './events.js';
import type { RunRecorder } from './recorder.js';
import type { RollbackResult } from './rollback.js';
import type { StepOutcome } from './steps.js';
import { errorBudgetMeasurements, loadWindowMeasurements, type PrometheusMeasurements } from './measure-metrics.js';

export interface RunObservations {
  scenario: Scenario;
  runId: string;
  /** The seed of the run's random choices, and the choices the plan made with it (none before planning). */
  seed: number;
  choices?: RunChoice[];
  startedAt: string;
  startT: number;
  endT: number;
  clock: Clock;
  rec: RunRecorder;
  probes: readonly Probe[];
  /** When continuous probing started; null when the run ended before it. */
  observeStartT: number | null;
  /** When continuous probing stopped; null when it never started. */
  observeEndT: number | null;
  faults: readonly FaultExecution[];
  stepOutcomes: readonly StepOutcome[];
  /** Per-step timings of every runbook the run executed. */
  runbook: readonly RunbookTiming[];
  stepsEndT: number | null;
  loadResult: LoadRunResult | null;
  /** What Prometheus reported on the run's windows (PromQL objectives, event-based SLOs). */
  prometheus?: PrometheusMeasurements;
  markers:
    { acknowledged: readonly AcknowledgedMarker[]; surviving: number[] | null; error: string | undefined } | undefined;
  steadyAfterFailures: readonly string[];
  /** When the run was aborted (run clock), or null. */
  abortT?: number | null;
  rollback: RollbackResult;
  failure: { aborted: boolean; reason: string } | undefined;
}

/** The fault that defines t0: the one marked `measure: true`, else the first. */
export function measuredFault(faults: readonly FaultExecution[]): FaultExecution | undefined {
  return faults.find((f) => f.measured) ?? faults[0];
}

/** RTO (its recovery instant splits the windows) and the before / during / after / run windows. */
export function runWindows(o: RunObservations): {
  rto: RtoMeasurement | null;
  t0: number | null;
  bounds: WindowBounds;
} {
  const { scenario, clock, rec } = o;
  const wall = (t: number): number => clock.wall(t);
  const observeEnd = o.observeEndT ?? o.endT;
  const t0 = measuredFault(o.faults)?.t0 ?? null;
  const faultEndT = o.faults.reduce<number | null>(
    (end, f) => (f.endT === undefined ? end : Math.max(end ?? 0, f.endT)),
    null,
  );

  let rto: RtoMeasurement | null = null;
  let recoveredT: number | null = null;
  const rtoObj = scenario.objectives.rto;
  if (rtoObj && t0 !== null) {
    const probe = scenario.probes[rtoObj.probe];
    const result = computeRto(rec.samples.get(rtoObj.probe) ?? [], {
      t0,
      stableForMs: rtoObj.stableForMs,
      intervalMs: probe?.intervalMs ?? 0,
      endT: observeEnd,
    });
    recoveredT = result.recoveredT;
    rto = rtoToMeasurement(result, { probe: rtoObj.probe, t0, stableForMs: rtoObj.stableForMs, wall });
    // An abort after the fault: RTO, time to detect and the `during` window hold what was seen until then.
    if (o.abortT != null && o.abortT >= t0 && rto.status !== 'recovered') rto.abortedAtMs = o.abortT - t0;
  }

  const bounds = windowBounds({ runStartT: o.observeStartT ?? o.startT, t0, recoveredT, faultEndT, endT: observeEnd });
  return { rto, t0, bounds };
}

/** Compute every measurement and objective and decide the verdict. Pure apart from reading the clock mapping. */
export function buildReport(o: RunObservations): Report {
  const { scenario, clock, rec } = o;
  const wall = (t: number): number => clock.wall(t);
  const allSamples: ProbeSample[] = [...rec.samples.values()].flat();
  const { rto, t0, bounds } = runWindows(o);
  const slos = computeSlos(scenario.objectives, allSamples, bounds);

  let rpo: RpoMeasurement | null = null;
  let rpoNotMeasured: string | undefined;
  if (o.markers) {
    if (o.markers.surviving) {
      rpo = computeRpo({
        acknowledged: o.markers.acknowledged,
        surviving: o.markers.surviving,
        faultAt: wall(t0 ?? o.endT),
      });
    } else {
      rpoNotMeasured = `markers could not be read back: ${o.markers.error ?? 'unknown error'}`;
    }
  }

  const load = loadReportOf(o.loadResult);
  const loadWindows = o.loadResult ? loadWindowMeasurements(o.loadResult, bounds) : undefined;
  const budgets = errorBudgetMeasurements(scenario, rec.samples, bounds, o.prometheus);
  const notMeasured: NonNullable<Parameters<typeof evaluateObjectives>[1]['notMeasured']> = {
    budgets: budgets.notMeasured,
  };
  if (t0 === null) notMeasured['rto'] = o.failure ? 'the run ended before any fault' : 'no fault was injected';
  if (rpoNotMeasured) notMeasured['rpo'] = rpoNotMeasured;
  if (o.prometheus?.promqlError) notMeasured['promql'] = o.prometheus.promqlError;
  const objectives: ObjectiveResult[] = evaluateObjectives(scenario.objectives, {
    rto,
    rpo,
    slos,
    load,
    notMeasured,
    ...(loadWindows ? { loadWindows } : {}),
    ...(o.prometheus ? { promql: o.prometheus.promql } : {}),
    errorBudgets: budgets.budgets,
  });

  for (const s of o.stepOutcomes) {
    if (s.status === 'failed') {
      objectives.push({
        name: `step ${s.name}`,
        target: 'completes',
        actual: s.detail,
        pass: false,
        targetValue: 1,
        actualValue: 0,
        unit: 'count',
      });
    }
  }
  if (o.steadyAfterFailures.length > 0) {
    objectives.push({
      name: 'steady state after recovery',
      target: 'all steady-state probes healthy',
      actual: o.steadyAfterFailures.join('; '),
      pass: false,
      targetValue: 1,
      actualValue: 0,
      unit: 'count',
    });
  }

  let verdict: Verdict;
  if (o.failure) verdict = o.failure.aborted ? 'aborted' : 'error';
  else verdict = allObjectivesPass(objectives) ? 'pass' : 'fail';

  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    scenario: scenario.name,
    runId: o.runId,
    seed: o.seed,
    startedAt: o.startedAt,
    endedAt: new Date(wall(o.endT)).toISOString(),
    verdict,
    ...(o.choices ? { choices: o.choices } : {}),
    measurements: {
      rto,
      rpo,
      slos,
      ...(o.runbook.length > 0 ? { runbook: [...o.runbook] } : {}),
      ...(loadWindows ? { load: loadWindows } : {}),
      ...(budgets.budgets.length > 0 ? { errorBudgets: budgets.budgets } : {}),
      ...(o.prometheus && o.prometheus.promql.some((p) => p !== null)
        ? { promql: o.prometheus.promql.filter((p) => p !== null) }
        : {}),
    },
    objectives,
    timeline: [...rec.timeline]
      .sort((a, b) => a.t - b.t)
      .map((e) => ({ ...e, t: Math.round((e.t - o.startT) * 1000) / 1000 })),
    probes: o.probes.map((p) =>
      summarizeProbe({ name: p.name, kind: p.kind, intervalMs: p.intervalMs }, rec.samples.get(p.name) ?? [], wall),
    ),
    load,
    rollback: o.rollback,
  };
  if (o.failure) report.reason = o.failure.reason;
  return report;
}
