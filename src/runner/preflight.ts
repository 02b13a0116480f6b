// Checks before any fault that need the tools a scenario names: the k6 binary and `k6 inspect` of the
// script (script errors are invalid input, exit 2), and a parse check of every PromQL expression.

import { PrometheusClient } from '../drivers/prometheus/client.js';
import { checkK6, type K6Found } from '../load/k6-binary.js';
import { inspectK6, type K6Inspection } from '../load/k6-inspect.js';
import type { PrometheusConnectionConfig, Scenario } from '../scenario/types.js';

export interface Preflight {
  k6?: { found: K6Found; inspection: K6Inspection };
  /** PromQL expressions checked, with where they come from. */
  promql: Array<{ where: string; query: string }>;
}

/** Every PromQL expression in the scenario, `$__range` filled in with a placeholder for the parse check. */
export function promqlExpressions(
  scenario: Scenario,
): Array<{ where: string; query: string; prometheus: PrometheusConnectionConfig }> {
  const out: Array<{ where: string; query: string; prometheus: PrometheusConnectionConfig }> = [];
  for (const p of Object.values(scenario.probes)) {
    if (p.check.kind === 'prometheus')
      out.push({ where: `probe ${p.name}`, query: p.check.query, prometheus: p.check.prometheus });
  }
  (scenario.objectives.promql ?? []).forEach((o, i) =>
    out.push({ where: `objectives.promql[${i}]`, query: o.query, prometheus: o.prometheus }),
  );
  for (const s of scenario.slos ?? []) {
    if (s.sli.kind !== 'promql') continue;
    for (const key of ['good', 'total'] as const) {
      out.push({ where: `slo ${s.name} ${key}`, query: withRange(s.sli[key], 60_000), prometheus: s.sli.prometheus });
    }
  }
  return out;
}

/** Replace `$__range` with a window length in whole seconds (at least 1s). */
export function withRange(query: string, ms: number): string {
  return query.replaceAll('$__range', `${Math.max(1, Math.ceil(ms / 1000))}s`);
}

/** Run the checks; throws GamedayError (invalid input for bad scripts and bad PromQL). */
export async function preflightTools(
  scenario: Scenario,
  opts: { vars: Record<string, string>; signal?: AbortSignal; env?: NodeJS.ProcessEnv },
): Promise<Preflight> {
  const result: Preflight = { promql: [] };
  const load = scenario.load;
  // With the k6-operator the runner pods run the script (the operator's initializer inspects it there).
  if (load?.engine === 'k6' && !load.operator) {
    const found = await checkK6(load.binary, opts.env);
    result.k6 = { found, inspection: await inspectK6(load, found, opts.vars, opts.env) };
  }
  for (const e of promqlExpressions(scenario)) {
    const client = new PrometheusClient(e.prometheus, 10_000, opts.env);
    try {
      await client.checkParses(e.query, opts.signal);
    } finally {
      await client.close();
    }
    result.promql.push({ where: e.where, query: e.query });
  }
  return result;
}
