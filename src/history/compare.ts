// Two runs side by side (`gameday compare`): the trended metrics and every objective, with deltas. Pure.

import type { Report } from '../report/types.js';
import { formatMetric } from './baseline.js';
import { METRICS, metricsFromReport, type MetricKey } from './metrics.js';

export interface CompareRow {
  name: string;
  a: string;
  b: string;
  /** "+2.1 s (+68 %)", "−0.40 %", "" when either side is missing. */
  delta: string;
  /** better / worse / same / "" (not comparable). */
  direction: 'better' | 'worse' | 'same' | '';
}

function deltaText(a: number, b: number, unit: (typeof METRICS)[MetricKey]['unit']): string {
  const d = b - a;
  const abs = formatMetric(Math.abs(d), unit);
  const pct = a === 0 ? '' : ` (${d >= 0 ? '+' : '−'}${Math.abs(Math.round((d / Math.abs(a)) * 100))} %)`;
  return `${d >= 0 ? '+' : '−'}${abs}${pct}`;
}

/** Rows for the metrics both reports may have, then for every objective either has. */
export function compareReports(a: Report, b: Report): { metrics: CompareRow[]; objectives: CompareRow[] } {
  const ma = metricsFromReport(a);
  const mb = metricsFromReport(b);
  const metrics: CompareRow[] = [];
  for (const def of Object.values(METRICS)) {
    const va = ma[def.field];
    const vb = mb[def.field];
    if (va === undefined && vb === undefined) continue;
    const both = typeof va === 'number' && typeof vb === 'number';
    const direction: CompareRow['direction'] = !both
      ? ''
      : va === vb
        ? 'same'
        : vb < va === (def.better === 'lower')
          ? 'better'
          : 'worse';
    metrics.push({
      name: def.label,
      a: va === undefined ? '—' : formatMetric(va, def.unit),
      b: vb === undefined ? '—' : formatMetric(vb, def.unit),
      delta: both ? deltaText(va, vb, def.unit) : '',
      direction,
    });
  }
  const names = [...new Set([...a.objectives.map((o) => o.name), ...b.objectives.map((o) => o.name)])];
  const objectives = names.map((name): CompareRow => {
    const oa = a.objectives.find((o) => o.name === name);
    const ob = b.objectives.find((o) => o.name === name);
    const cell = (o: typeof oa): string => (o ? `${o.actual} ${o.pass ? 'PASS' : 'FAIL'}` : '—');
    const direction: CompareRow['direction'] =
      !oa || !ob ? '' : oa.pass === ob.pass ? 'same' : ob.pass ? 'better' : 'worse';
    return { name, a: cell(oa), b: cell(ob), delta: '', direction };
  });
  return { metrics, objectives };
}
