// Regression against a baseline (`gate --baseline last-pass|median:N --tolerance rto=25%,p95=20%`):
// a run that holds its absolute objectives but got worse than earlier runs by more than the tolerance
// fails the gate, with the numbers that say so. Pure.

import { GamedayError } from '../errors.js';
import type { RegressionCheck, RegressionResult } from '../report/types.js';
import type { HistoryEntry } from './entry.js';
import { METRICS, type MetricKey, type RunMetrics } from './metrics.js';

export type BaselineSpec = { kind: 'last-pass' } | { kind: 'median'; runs: number };
export type Tolerances = Partial<Record<MetricKey, number>>;

/** Used when --baseline is given without --tolerance. */
export const DEFAULT_TOLERANCES: Tolerances = { rto: 25, p95: 25, restore: 25 };

/** "last-pass" or "median:N". */
export function parseBaseline(text: string): BaselineSpec {
  if (text === 'last-pass') return { kind: 'last-pass' };
  const m = /^median:(\d+)$/.exec(text);
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= 100) return { kind: 'median', runs: Number(m[1]) };
  throw new GamedayError(`--baseline ${text}: expected last-pass or median:N (N from 1 to 100)`, {
    kind: 'usage',
    code: 'USAGE',
    hint: 'e.g. --baseline last-pass, or --baseline median:5 for the median of the last 5 passing runs',
  });
}

/** "rto=25%,p95=20%" → { rto: 25, p95: 20 }. */
export function parseTolerances(text: string): Tolerances {
  const out: Tolerances = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([a-z0-9]+)=(\d+(?:\.\d+)?)%$/.exec(part);
    const key = m?.[1] as MetricKey | undefined;
    if (!m || key === undefined || !(key in METRICS)) {
      const what = m ? `unknown metric "${m[1]}"` : 'expected <metric>=<percent>%';
      throw new GamedayError(`--tolerance ${part}: ${what}`, {
        kind: 'usage',
        code: 'USAGE',
        hint: `metrics: ${Object.keys(METRICS).join(', ')}; e.g. --tolerance rto=25%,p95=20%`,
      });
    }
    out[key] = Number(m[2]);
  }
  return out;
}

export function describeBaseline(spec: BaselineSpec): string {
  return spec.kind === 'last-pass' ? 'last-pass' : `median:${spec.runs}`;
}

/** Earlier runs that may serve as a baseline: passed, not themselves regressed, started before `before`. */
export function baselineCandidates(entries: readonly HistoryEntry[], scenario: string, before: string): HistoryEntry[] {
  return entries.filter(
    (e) =>
      e.scenario === scenario &&
      e.kind !== 'gameday' &&
      e.verdict === 'pass' &&
      e.regressed !== true &&
      e.startedAt < before,
  );
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** The baseline metrics (and the runs they come from), or undefined when there is no earlier passing run. */
export function selectBaseline(
  candidates: readonly HistoryEntry[],
  spec: BaselineSpec,
): { metrics: RunMetrics; runs: string[] } | undefined {
  const sorted = [...candidates].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const used = spec.kind === 'last-pass' ? sorted.slice(-1) : sorted.slice(-spec.runs);
  if (used.length === 0) return undefined;
  const metrics: RunMetrics = { score: median(used.map((e) => e.metrics.score)) };
  for (const def of Object.values(METRICS)) {
    const values = used.map((e) => e.metrics[def.field]).filter((v): v is number => typeof v === 'number');
    if (values.length > 0) metrics[def.field] = median(values);
  }
  const bounds = used.map((e) => e.metrics.rtoErrorBoundMs).filter((v): v is number => typeof v === 'number');
  if (bounds.length > 0) metrics.rtoErrorBoundMs = median(bounds);
  return { metrics, runs: used.map((e) => e.runId) };
}

/** A value as people read it: "5.2 s", "850 ms", "99.52 %", "87.5". */
export function formatMetric(value: number, unit: RegressionCheck['unit']): string {
  if (unit === 'ms') return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
  if (unit === 's') return `${value.toFixed(1)} s`;
  if (unit === 'percent') return `${value.toFixed(2)} %`;
  return `${Math.round(value * 10) / 10}`;
}

/**
 * Compare each metric that has a tolerance and a baseline value. A time regresses when it exceeds the
 * baseline by more than the tolerance (relative) and by more than the two measurements' error bounds
 * (a difference within the resolution of the measurement is not a finding); availability and score
 * regress when they fall below the baseline by more than the tolerance.
 */
export function compareWithBaseline(
  current: RunMetrics,
  baseline: { metrics: RunMetrics; runs: string[] },
  tolerances: Tolerances,
  spec: BaselineSpec,
): RegressionResult {
  const checks: RegressionCheck[] = [];
  for (const [key, tol] of Object.entries(tolerances) as Array<[MetricKey, number]>) {
    const def = METRICS[key];
    const cur = current[def.field];
    const base = baseline.metrics[def.field];
    if (typeof cur !== 'number' || typeof base !== 'number') continue;
    const changePct = base === 0 ? (cur === 0 ? 0 : Infinity) : ((cur - base) / Math.abs(base)) * 100;
    const slack = key === 'rto' ? (current.rtoErrorBoundMs ?? 0) + (baseline.metrics.rtoErrorBoundMs ?? 0) : 0;
    const regressed =
      def.better === 'lower' ? cur > base * (1 + tol / 100) && cur - base > slack : cur < base * (1 - tol / 100);
    const change = Number.isFinite(changePct) ? `${changePct >= 0 ? '+' : ''}${Math.round(changePct)} %` : 'up from 0';
    const explanation = `${def.label} ${formatMetric(cur, def.unit)} vs baseline ${formatMetric(base, def.unit)}, ${change}, tolerance ${tol} %`;
    checks.push({
      metric: key,
      unit: def.unit,
      current: cur,
      baseline: base,
      changePct: Number.isFinite(changePct) ? Math.round(changePct * 10) / 10 : 1e9,
      tolerancePct: tol,
      regressed,
      explanation,
    });
  }
  return {
    baseline: describeBaseline(spec),
    baselineRuns: baseline.runs,
    regressed: checks.some((c) => c.regressed),
    checks,
  };
}
