// Objectives measured with other tools: k6's own thresholds (one objective each, with k6's verdict),
// PromQL bounds over a window, and error budgets.

import type {
  ErrorBudgetMeasurement,
  K6Threshold,
  LoadReport,
  ObjectiveResult,
  PromqlMeasurement,
} from '../report/types.js';
import type { ResolvedObjectives } from '../scenario/types.js';
import { formatDuration } from '../util/duration.js';
import { formatPercent, trimNumber } from './format.js';

/** What these objectives are judged on (a part of objectives.ts's Measurements). */
export interface MetricMeasurements {
  load: LoadReport | null;
  /** Per promql objective, in order; null when its query failed. */
  promql?: ReadonlyArray<PromqlMeasurement | null>;
  errorBudgets?: readonly ErrorBudgetMeasurement[];
  notMeasured?: { promql?: string; budgets?: Record<string, string> };
}

const missing = (
  name: string,
  target: string,
  targetValue: number,
  unit: ObjectiveResult['unit'],
  why: string,
): ObjectiveResult => ({
  name,
  target,
  actual: `not measured: ${why}`,
  pass: false,
  targetValue,
  actualValue: null,
  unit,
});

const show = (v: number): string => trimNumber(v, Math.abs(v) >= 100 ? 1 : 4);

/** A k6 threshold as an objective: k6's verdict is the result. */
function thresholdResult(t: K6Threshold, k6Status: string): ObjectiveResult {
  const bound = /(-?\d+(?:\.\d+)?)\s*$/.exec(t.expression)?.[1];
  const unit: ObjectiveResult['unit'] = /^\s*rate/.test(t.expression)
    ? 'ratio'
    : t.metric.includes('duration')
      ? 'ms'
      : 'value';
  const valueText = t.value === null ? '' : ` (${show(t.value)})`;
  const judged = k6Status !== 'failed' || t.value !== null;
  return {
    name: `k6 threshold ${t.metric}`,
    target: t.expression,
    actual: !judged ? 'not judged: k6 did not finish' : `${t.ok ? 'held' : 'crossed'}${valueText}`,
    pass: t.ok,
    targetValue: bound === undefined ? 0 : Number(bound),
    actualValue: t.value,
    unit,
  };
}

/** k6 thresholds, promql objectives and error budgets. */
export function metricObjectiveResults(objectives: ResolvedObjectives, m: MetricMeasurements): ObjectiveResult[] {
  const out: ObjectiveResult[] = [];
  const k6 = m.load?.k6;
  for (const t of k6?.thresholds ?? []) out.push(thresholdResult(t, k6?.status ?? 'completed'));

  (objectives.promql ?? []).forEach((o, i) => {
    const bounds = [o.max === undefined ? null : `<= ${o.max}`, o.min === undefined ? null : `>= ${o.min}`];
    const name = `promql(${o.window}) ${o.query.length > 60 ? `${o.query.slice(0, 59)}…` : o.query}`;
    const target = bounds.filter((b) => b !== null).join(' and ');
    const targetValue = o.max ?? o.min ?? 0;
    const pm = m.promql?.[i] ?? null;
    if (pm === null) {
      out.push(missing(name, target, targetValue, 'value', m.notMeasured?.promql ?? 'the query failed'));
    } else if (pm.points === 0 || pm.min === null || pm.max === null) {
      out.push(missing(name, target, targetValue, 'value', `no data in the ${o.window} window`));
    } else {
      const tooHigh = o.max !== undefined && pm.max > o.max;
      const tooLow = o.min !== undefined && pm.min < o.min;
      const worst = tooHigh ? pm.max : tooLow ? pm.min : o.max !== undefined ? pm.max : pm.min;
      out.push({
        name,
        target,
        actual: `${o.max !== undefined ? 'max' : 'min'} ${show(worst)} over ${pm.points} points (range ${show(pm.min)}–${show(pm.max)})`,
        pass: !tooHigh && !tooLow,
        targetValue,
        actualValue: worst,
        unit: 'value',
      });
    }
  });

  for (const o of objectives.errorBudget ?? []) {
    const name = `error budget(${o.slo})`;
    const b = m.errorBudgets?.find((e) => e.slo === o.slo);
    const target = `<= ${trimNumber(o.maxBurn, 3)}% of the budget`;
    if (b === undefined || b.consumedPercent === null) {
      out.push(missing(name, target, o.maxBurn, 'percent', m.notMeasured?.budgets?.[o.slo] ?? 'nothing was observed'));
      continue;
    }
    const used =
      b.badMs !== null
        ? `${formatDuration(b.badMs)} bad of ${formatDuration(b.budgetMs)}`
        : `${trimNumber(b.events?.bad ?? 0, 1)} bad of ${trimNumber(b.events?.total ?? 0, 1)} events`;
    out.push({
      name,
      target,
      actual: `${formatPercent(b.consumedPercent, 'up')} (${used})`,
      pass: b.consumedPercent <= o.maxBurn,
      targetValue: o.maxBurn,
      actualValue: b.consumedPercent,
      unit: 'percent',
    });
  }
  return out;
}
