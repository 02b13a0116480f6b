// report.json, SLO section: error budgets and PromQL objectives.

import type { WindowName } from './types-common.js';

/** `measurements.errorBudgets[]`: how much of an SLO's error budget for its period the run consumed. */
export interface ErrorBudgetMeasurement {
  slo: string;
  /** The SLO's objective, percent (99.9). */
  objective: number;
  periodMs: number;
  /** "probe <name>" (time-based: bad time) or "promql" (event-based: bad events). */
  sli: string;
  /** The period's budget as time: (1 − objective) × period (43.2 min for 99.9 % over 30 days). */
  budgetMs: number;
  /** Time-based SLIs: time the probe was failing during the run, and how long the run observed. */
  badMs: number | null;
  observedMs: number | null;
  /** Event-based SLIs: good and total events during the run. */
  events: { good: number; total: number; bad: number } | null;
  /** Share of the period's budget this run consumed, percent; null when nothing was observed. */
  consumedPercent: number | null;
  /** Bad fraction ÷ (1 − objective), over the run and over the fault window; 1 burns the budget exactly in the period. */
  burnRate: { run: number | null; during: number | null };
}

/** `measurements.promql[]`: a PromQL objective's range query over its window. */
export interface PromqlMeasurement {
  query: string;
  window: WindowName;
  /** Points returned (all series). */
  points: number;
  min: number | null;
  max: number | null;
  /** Query step, ms. */
  stepMs: number;
}
