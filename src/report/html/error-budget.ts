// Error-budget burn per SLO: the share of the period's budget this run consumed and the burn rate in the
// fault window. Drawn only when report.json carries error budgets (runs with `slos:` in the scenario).

import { trimNumber } from '../../measure/format.js';
import type { Report } from '../types.js';
import { esc } from './escape.js';

export interface BudgetView {
  name: string;
  objective: string;
  period: string;
  /** Percent of the period's error budget consumed by the run. */
  consumed: number | null;
  burnRate: number | null;
  bad: string;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

function pick(o: Record<string, unknown>, pattern: RegExp): unknown {
  const key = Object.keys(o).find((k) => pattern.test(k));
  return key === undefined ? undefined : o[key];
}

/** Error budgets as report.json states them; [] when it has none. Read by shape, so their layout may grow. */
export function errorBudgets(r: Report): BudgetView[] {
  const m = r.measurements as unknown as Record<string, unknown>;
  const root = r as unknown as Record<string, unknown>;
  const list = [m['errorBudgets'], m['errorBudget'], root['errorBudgets']].find(Array.isArray) as unknown[] | undefined;
  if (!list) return [];
  return list
    .filter((x): x is Record<string, unknown> => x !== null && typeof x === 'object')
    .map((o) => {
      const bad = pick(o, /^bad/i);
      return {
        name: str(o['slo'] ?? o['name']),
        objective: str(o['objective']),
        period: str(o['period']),
        consumed: num(pick(o, /consumed|budgetUsed|budgetBurn|burned/i)),
        burnRate: num(pick(o, /burnRate/i)),
        bad: typeof bad === 'number' ? trimNumber(bad, 3) : str(bad),
      };
    });
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
