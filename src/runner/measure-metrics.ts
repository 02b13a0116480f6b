// Measurements beyond probes and markers: the load per window, k6's metrics per window, PromQL
// objectives (range queries) and error budgets (probe samples, or PromQL good/total events).

import { PrometheusClient } from '../drivers/prometheus/client.js';
import { describeError } from '../errors.js';
import { k6MetricWindows, loadWindowStats, type LoadRunResult } from '../load/windows.js';
import { eventBudget, probeBudget, type EventCounts } from '../measure/budget.js';
import type { WindowBounds } from '../measure/windows.js';
import type { ProbeSample } from '../probes/types.js';
import type { ErrorBudgetMeasurement, LoadWindowMeasurement, PromqlMeasurement, WindowName } from '../report/types.js';
import type { PrometheusConnectionConfig, Scenario } from '../scenario/types.js';
import { redactText } from '../util/redact.js';
import { withRange } from './preflight.js';

const WINDOW_NAMES: readonly WindowName[] = ['before', 'during', 'after', 'run'];

/** The load per window; for k6 also its metrics per window (into the report's load.k6.metrics). */
export function loadWindowMeasurements(r: LoadRunResult, bounds: WindowBounds): LoadWindowMeasurement[] {
  const spans = WINDOW_NAMES.map((name) => ({ name, span: bounds[name] }));
  if (r.engine === 'k6') r.report.k6.metrics = k6MetricWindows(r, spans);
  return spans.map(({ name, span }) => {
    const s = loadWindowStats(r, span);
    return {
      window: name,
      requests: s.requests,
      errors: s.errors,
      errorRate: s.requests === 0 ? null : Math.round((s.errors / s.requests) * 100_000) / 1000,
      latency: s.latency,
    };
  });
}

/** What Prometheus said about the run's windows. */
export interface PrometheusMeasurements {
  /** Per promql objective; null when its query failed. */
  promql: Array<PromqlMeasurement | null>;
  promqlError?: string;
  /** Per promql SLO: events over the run and the fault window. */
  events: Record<string, { run: EventCounts | null; during: EventCounts | null; error?: string }>;
}

/** Sum of an instant result (a scalar, or the values of every series). */
function total(result: Awaited<ReturnType<PrometheusClient['query']>>): number {
  return result.type === 'scalar' ? result.value : result.series.reduce((n, s) => n + s.value, 0);
}

async function withClient<T>(conn: PrometheusConnectionConfig, fn: (c: PrometheusClient) => Promise<T>): Promise<T> {
  const client = new PrometheusClient(conn, 30_000);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

/** Run the PromQL objectives' range queries and the SLOs' event queries over the run's windows. */
export async function measurePrometheus(
  scenario: Scenario,
  bounds: WindowBounds,
  wall: (t: number) => number,
  signal?: AbortSignal,
): Promise<PrometheusMeasurements> {
  const out: PrometheusMeasurements = { promql: [], events: {} };
  const sec = (t: number): number => Math.round(wall(t)) / 1000;
  for (const o of scenario.objectives.promql ?? []) {
    const w = bounds[o.window];
    if (!(w.to > w.from)) {
      out.promql.push({ query: o.query, window: o.window, points: 0, min: null, max: null, stepMs: o.stepMs });
      continue;
    }
    try {
      const series = await withClient(o.prometheus, (c) =>
        c.queryRange(o.query, { start: sec(w.from), end: sec(w.to), stepSec: o.stepMs / 1000 }, signal),
      );
      const values = series.flatMap((s) => s.points.map(([, v]) => v)).filter((v) => !Number.isNaN(v));
      out.promql.push({
        query: o.query,
        window: o.window,
        points: values.length,
        min: values.length === 0 ? null : Math.min(...values),
        max: values.length === 0 ? null : Math.max(...values),
        stepMs: o.stepMs,
      });
    } catch (error) {
      out.promql.push(null);
      out.promqlError = redactText(describeError(error));
    }
  }
  for (const slo of scenario.slos ?? []) {
    if (slo.sli.kind !== 'promql') continue;
    const sli = slo.sli;
    const counts = async (w: WindowBounds[WindowName]): Promise<EventCounts | null> => {
      if (!(w.to > w.from)) return null;
      const at = { time: sec(w.to), ...(signal ? { signal } : {}) };
      return withClient(sli.prometheus, async (c) => ({
        good: total(await c.query(withRange(sli.good, w.to - w.from), at)),
        total: total(await c.query(withRange(sli.total, w.to - w.from), at)),
      }));
    };
    try {
      out.events[slo.name] = { run: await counts(bounds.run), during: await counts(bounds.during) };
    } catch (error) {
      out.events[slo.name] = { run: null, during: null, error: redactText(describeError(error)) };
    }
  }
  return out;
}

/** Every SLO's error budget; `notMeasured` says why one could not be computed. */
export function errorBudgetMeasurements(
  scenario: Scenario,
  samples: ReadonlyMap<string, readonly ProbeSample[]>,
  bounds: WindowBounds,
  prometheus: PrometheusMeasurements | undefined,
): { budgets: ErrorBudgetMeasurement[]; notMeasured: Record<string, string> } {
  const budgets: ErrorBudgetMeasurement[] = [];
  const notMeasured: Record<string, string> = {};
  for (const slo of scenario.slos ?? []) {
    if (slo.sli.kind === 'probe') {
      const probe = scenario.probes[slo.sli.probe];
      budgets.push(probeBudget(slo, samples.get(slo.sli.probe) ?? [], probe?.intervalMs ?? 0, bounds));
      continue;
    }
    const events = prometheus?.events[slo.name];
    if (events?.error !== undefined) notMeasured[slo.name] = events.error;
    budgets.push(
      eventBudget(slo, events?.run ?? null, events?.during ?? null, Math.max(0, bounds.run.to - bounds.run.from)),
    );
  }
  return { budgets, notMeasured };
}
