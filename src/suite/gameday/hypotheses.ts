// Hypotheses against results: confirmed when every objective they rest on held, refuted when one did
// not, not tested when an item they rest on did not run to a verdict. Pure.

import type { GameDayHypothesis } from './types.js';
import type { GameDayItemResult, HypothesisResult } from './report-types.js';

/** Judge one hypothesis on the items' results. */
export function judgeHypothesis(h: GameDayHypothesis, items: readonly GameDayItemResult[]): HypothesisResult {
  const evidence: string[] = [];
  let refuted = false;
  let untested = false;
  for (const name of h.items) {
    const item = items.find((i) => i.name === name);
    if (!item || item.status === 'skipped' || item.status === 'aborted' || item.status === 'error') {
      untested = true;
      evidence.push(`${name}: ${item ? `${item.status}: ${item.detail}` : 'not in this game day'}`);
      continue;
    }
    const objectives = (item.objectives ?? []).filter(
      (o) => h.objectives === undefined || h.objectives.includes(o.name),
    );
    for (const wanted of h.objectives ?? []) {
      if (!objectives.some((o) => o.name === wanted)) {
        untested = true;
        evidence.push(`${name}: no objective "${wanted}"`);
      }
    }
    if (h.objectives === undefined && objectives.length === 0) {
      if (item.status !== 'pass') refuted = true;
      evidence.push(`${name}: ${item.status.toUpperCase()}`);
    }
    for (const o of objectives) {
      const notMeasured = o.actualValue === null && o.actual.startsWith('not measured');
      if (notMeasured) untested = true;
      else if (!o.pass) refuted = true;
      evidence.push(
        `${name}: ${o.name} ${o.actual} (target ${o.target}) ${o.pass ? 'held' : notMeasured ? 'not measured' : 'did not hold'}`,
      );
    }
  }
  const status = refuted ? 'refuted' : untested ? 'not-tested' : 'confirmed';
  return { id: h.id, statement: h.statement, status, evidence };
}
