// Error budgets in words, for the CLI's run summary and summary.md.

import { formatPercent, trimNumber } from '../measure/format.js';
import { formatDuration } from '../util/duration.js';
import type { ErrorBudgetMeasurement } from './types.js';

const DAY_MS = 86_400_000;

/** "30d", "4w", "36h". */
export function formatPeriod(ms: number): string {
  if (ms % (7 * DAY_MS) === 0 && ms % (30 * DAY_MS) !== 0) return `${ms / (7 * DAY_MS)}w`;
  if (ms % DAY_MS === 0) return `${ms / DAY_MS}d`;
  return `${trimNumber(ms / 3_600_000, 2)}h`;
}

const burn = (v: number | null): string => (v === null ? '—' : `${trimNumber(v, v >= 10 ? 1 : 2)}×`);

/** What the run burned: bad time (probe SLIs) or bad of all events (PromQL SLIs). */
export function budgetBad(b: ErrorBudgetMeasurement): string {
  return b.badMs !== null
    ? `${formatDuration(b.badMs)} bad`
    : `${trimNumber(b.events?.bad ?? 0, 1)} bad of ${trimNumber(b.events?.total ?? 0, 1)} events`;
}

/** One line per SLO: how much of the period's budget the run burned, and the burn rate in the fault window. */
export function budgetLine(b: ErrorBudgetMeasurement): string {
  const head = `error budget ${b.slo} (${trimNumber(b.objective, 4)}% over ${formatPeriod(b.periodMs)}: ${formatDuration(b.budgetMs)})`;
  if (b.consumedPercent === null) return `${head}: not measured`;
  return `${head}: this run burned ${formatPercent(b.consumedPercent, 'up')} (${budgetBad(b)}); burn rate ${burn(b.burnRate.during)} during the fault, ${burn(b.burnRate.run)} over the run`;
}
