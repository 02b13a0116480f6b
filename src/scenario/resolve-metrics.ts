// Resolve stage for k6 load, Prometheus probes and objectives, SLOs and error budgets: units converted,
// defaults filled in, paths made absolute (relative to the scenario file).

import { dirname, isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { parseDuration, parsePercent } from '../util/duration.js';
import type { K6Load } from './schema-k6.js';
import type { PrometheusConnection, PrometheusProbe } from './schema-prometheus.js';
import type { ScenarioParsed } from './schema.js';
import type {
  PrometheusCheck,
  PrometheusConnectionConfig,
  ResolvedErrorBudgetObjective,
  ResolvedK6Load,
  ResolvedPromqlObjective,
  ResolvedSlo,
} from './types-metrics.js';

const PERIOD_UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** "30d" → ms; undefined when malformed. */
export function parsePeriod(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(h|d|w)$/.exec(text.trim());
  return m ? Number(m[1]) * (PERIOD_UNIT_MS[m[2] as string] as number) : undefined;
}

/** A path from the scenario, relative to the scenario file's folder. */
const near = (file: string, path: string): string => (isAbsolute(path) ? path : resolve(dirname(file), path));
const many = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** `load.k6`; `defaults` are what `operator` falls back to: the kubernetes target's namespace, guards.timeout. */
export function resolveK6Load(
  k: z.output<typeof K6Load>,
  file: string,
  defaults: { namespace: string; timeoutMs: number },
): ResolvedK6Load {
  const out: ResolvedK6Load = { engine: 'k6', script: near(file, k.script), env: { ...(k.env ?? {}) } };
  if (k.operator !== undefined) {
    const o = k.operator;
    out.operator = {
      parallelism: o.parallelism,
      namespace: o.namespace ?? defaults.namespace,
      separate: o.separate ?? false,
      timeoutMs: o.timeout === undefined ? defaults.timeoutMs : (parseDuration(o.timeout) ?? defaults.timeoutMs),
    };
    if (o.image !== undefined) out.operator.image = o.image;
    if (o.serviceAccount !== undefined) out.operator.serviceAccount = o.serviceAccount;
  }
  // A bare name is looked up on PATH; anything with a slash is a path beside the scenario.
  if (k.binary !== undefined) out.binary = k.binary.includes('/') ? near(file, k.binary) : k.binary;
  if (k.vus !== undefined) out.vus = k.vus;
  if (k.duration !== undefined) out.duration = k.duration;
  if (k.stages !== undefined) out.stages = k.stages.map((s) => ({ duration: s.duration, target: s.target }));
  return out;
}

type ConnectionInput = z.output<z.ZodObject<typeof PrometheusConnection>>;

export function resolvePrometheusConnection(c: ConnectionInput, file: string): PrometheusConnectionConfig {
  const out: PrometheusConnectionConfig = { url: c.url };
  if (c.auth?.bearerTokenEnv !== undefined) out.bearerTokenEnv = c.auth.bearerTokenEnv;
  if (c.auth?.basic !== undefined) out.basic = { ...c.auth.basic };
  if (c.ca !== undefined) out.ca = near(file, c.ca);
  return out;
}

export function resolvePrometheusCheck(p: z.output<typeof PrometheusProbe>, file: string): PrometheusCheck {
  return {
    kind: 'prometheus',
    prometheus: resolvePrometheusConnection(p, file),
    query: p.query,
    op: p.expect.op,
    value: p.expect.value,
    onNoData: p.onNoData ?? 'fail',
  };
}

/** The promql and errorBudget objectives. */
export function resolveMetricObjectives(
  o: ScenarioParsed['objectives'],
  file: string,
): { promql?: ResolvedPromqlObjective[]; errorBudget?: ResolvedErrorBudgetObjective[] } {
  const out: { promql?: ResolvedPromqlObjective[]; errorBudget?: ResolvedErrorBudgetObjective[] } = {};
  const promql = many(o?.promql).map((p) => {
    const r: ResolvedPromqlObjective = {
      prometheus: resolvePrometheusConnection(p, file),
      query: p.query,
      window: p.window ?? 'run',
      stepMs: (p.step && parseDuration(p.step)) || 1000,
    };
    if (p.max !== undefined) r.max = p.max;
    if (p.min !== undefined) r.min = p.min;
    return r;
  });
  if (promql.length > 0) out.promql = promql;
  const budgets = many(o?.errorBudget).map((b) => ({ slo: b.slo, maxBurn: parsePercent(b.maxBurn) ?? 0 }));
  if (budgets.length > 0) out.errorBudget = budgets;
  return out;
}

export function resolveSlos(slos: ScenarioParsed['slos'], file: string): ResolvedSlo[] | undefined {
  if (slos === undefined) return undefined;
  return slos.map((s) => ({
    name: s.name,
    objective: parsePercent(s.objective) ?? 0,
    periodMs: parsePeriod(s.period) ?? 0,
    sli: s.sli.promql
      ? {
          kind: 'promql',
          prometheus: resolvePrometheusConnection(s.sli.promql, file),
          good: s.sli.promql.good,
          total: s.sli.promql.total,
        }
      : { kind: 'probe', probe: s.sli.probe ?? '' },
  }));
}
