// Error budgets: how much of an SLO's budget for its period one run consumed (DESIGN.md, "Measurements").
// 99.9 % over 30 days allows 43.2 minutes of bad time (or 0.1 % of the period's events); a run that is
// bad for 26 s consumes 1 % of it. The burn rate is the bad fraction ÷ (1 − objective).

import type { ProbeSample } from '../probes/types.js';
import type { ErrorBudgetMeasurement } from '../report/types.js';
import type { ResolvedSlo } from '../scenario/types.js';
import { inWindow, type WindowBounds } from './windows.js';

const round = (v: number, d = 4): number => Math.round(v * 10 ** d) / 10 ** d;

/** Good and total events in a window. */
export interface EventCounts {
  good: number;
  total: number;
}

function base(
  slo: ResolvedSlo,
  sli: string,
): Omit<ErrorBudgetMeasurement, 'badMs' | 'observedMs' | 'events' | 'consumedPercent' | 'burnRate'> {
  return {
    slo: slo.name,
    objective: slo.objective,
    periodMs: slo.periodMs,
    sli,
    budgetMs: round((1 - slo.objective / 100) * slo.periodMs, 3),
  };
}

/** Bad fraction ÷ allowed bad fraction; null without events. */
export function burnRate(bad: number, total: number, objective: number): number | null {
  const allowed = 1 - objective / 100;
  if (total <= 0 || allowed <= 0) return null;
  return round(bad / total / allowed);
}

/** A time-based SLI from a probe: each failing sample is one interval of bad time. */
export function probeBudget(
  slo: ResolvedSlo,
  samples: readonly ProbeSample[],
  intervalMs: number,
  bounds: WindowBounds,
): ErrorBudgetMeasurement {
  const count = (w: keyof WindowBounds): { bad: number; total: number } => {
    let bad = 0;
    let total = 0;
    for (const s of samples) {
      if (!inWindow(s.t, bounds[w])) continue;
      total++;
      if (!s.ok) bad++;
    }
    return { bad, total };
  };
  const run = count('run');
  const during = count('during');
  const observedMs = run.total * intervalMs;
  const badMs = run.bad * intervalMs;
  const b = base(slo, `probe ${slo.sli.kind === 'probe' ? slo.sli.probe : ''}`);
  return {
    ...b,
    badMs,
    observedMs,
    events: null,
    consumedPercent: run.total === 0 || b.budgetMs <= 0 ? null : round((badMs / b.budgetMs) * 100),
    burnRate: {
      run: burnRate(run.bad, run.total, slo.objective),
      during: burnRate(during.bad, during.total, slo.objective),
    },
  };
}

/**
 * An event-based SLI (good/total events over the run and the fault window): the run consumed
 * burn rate × run length ÷ period of the period's budget (its traffic extrapolated to the period).
 */
export function eventBudget(
  slo: ResolvedSlo,
  run: EventCounts | null,
  during: EventCounts | null,
  runMs: number,
): ErrorBudgetMeasurement {
  const bad = (c: EventCounts): number => Math.max(0, c.total - c.good);
  const runBurn = run === null ? null : burnRate(bad(run), run.total, slo.objective);
  return {
    ...base(slo, 'promql'),
    badMs: null,
    observedMs: null,
    events: run === null ? null : { good: round(run.good, 3), total: round(run.total, 3), bad: round(bad(run), 3) },
    consumedPercent: runBurn === null || slo.periodMs <= 0 ? null : round(((runBurn * runMs) / slo.periodMs) * 100),
    burnRate: { run: runBurn, during: during === null ? null : burnRate(bad(during), during.total, slo.objective) },
  };
}
