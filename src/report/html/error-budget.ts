// Error-budget burn per SLO: the share of the period's budget this run consumed and the burn rate in the
// fault window. Drawn only when report.json carries error budgets (runs with `slos:` in the scenario).

import { trimNumber } from '../../measure/format.js';
import { budgetBad, formatPeriod } from '../budget-text.js';
import type { Report } from '../types.js';
import { esc } from './escape.js';

export interface BudgetView {
  name: string;
  objective: string;
  period: string;
  /** Percent of the period's error budget consumed by the run. */
  consumed: number | null;
  /** In the fault window (over the run when there was no fault). */
  burnRate: number | null;
  bad: string;
}

/** Error budgets as report.json states them (`measurements.errorBudgets`); [] when it has none. */
export function errorBudgets(r: Report): BudgetView[] {
  return (r.measurements.errorBudgets ?? []).map((b) => ({
    name: b.slo,
    objective: `${trimNumber(b.objective, 4)}%`,
    period: formatPeriod(b.periodMs),
    consumed: b.consumedPercent,
    burnRate: b.burnRate.during ?? b.burnRate.run,
    bad: b.consumedPercent === null ? '' : budgetBad(b),
  }));
}

/** The error-budget section, or '' when the report has no error budgets. */
export function errorBudgetSection(r: Report): string {
  const budgets = errorBudgets(r);
  if (budgets.length === 0) return '';
  const rows = budgets
    .map((b) => {
      const width = b.consumed === null ? 0 : Math.min(100, Math.max(0, b.consumed));
      return `<tr><td>${esc(b.name)}</td><td>${esc(b.objective)}</td><td>${esc(b.period)}</td><td class="num">${esc(b.bad || '—')}</td><td class="num">${b.consumed === null ? '—' : `${esc(trimNumber(b.consumed, 3))}%`}<div class="meter" data-consumed="${b.consumed ?? ''}"><div style="width:${width}%"></div></div></td><td class="num">${b.burnRate === null ? '—' : `${esc(trimNumber(b.burnRate, 2))}×`}</td></tr>`;
    })
    .join('');
  return `<section id="error-budget"><h2>Error-budget burn</h2>
<table class="budgets"><thead><tr><th>SLO</th><th>Objective</th><th>Period</th><th>Bad</th><th>Budget consumed</th><th>Burn rate</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}
