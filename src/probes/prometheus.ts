// Prometheus probe: one instant PromQL query per check; healthy when every series of the result
// compares with the expected value. An empty result follows `onNoData` (fail, pass, or no sample).

import { PrometheusClient } from '../drivers/prometheus/client.js';
import { describeError, isGamedayError } from '../errors.js';
import type { Comparison, PrometheusCheck } from '../scenario/types.js';
import { truncate } from './detail.js';
import type { CheckOutcome, Probe } from './types.js';

/** `a op b`; NaN compares false except with != (as in PromQL). */
export function compare(a: number, op: Comparison, b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
}

const show = (v: number): string => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6))));
const labelText = (labels: Record<string, string>): string => {
  const inner = Object.entries(labels)
    .filter(([k]) => k !== '__name__')
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  return inner === '' ? '' : `{${inner}}`;
};

/** Build a Prometheus probe; its HTTP connections are released by `close()`. */
export function createPrometheusProbe(
  name: string,
  config: PrometheusCheck,
  timing: { intervalMs: number; timeoutMs: number },
  env: NodeJS.ProcessEnv = process.env,
): Probe {
  const client = new PrometheusClient(config.prometheus, timing.timeoutMs, env);
  const expected = `${config.op} ${show(config.value)}`;

  async function check(signal: AbortSignal): Promise<CheckOutcome> {
    try {
      const result = await client.query(config.query, { signal });
      const series = result.type === 'scalar' ? [{ labels: {}, value: result.value }] : result.series;
      if (series.length === 0) {
        if (config.onNoData === 'pass') return { ok: true, detail: 'no data (onNoData: pass)' };
        return { ok: false, detail: 'no data', ...(config.onNoData === 'ignore' ? { skip: true } : {}) };
      }
      const bad = series.find((s) => !compare(s.value, config.op, config.value));
      const first = series[0] as (typeof series)[number];
      if (bad !== undefined) {
        const which = series.length > 1 ? `${labelText(bad.labels)} ` : '';
        return { ok: false, detail: `${which}${show(bad.value)} (expected ${expected})`, value: bad.value };
      }
      const more = series.length > 1 ? ` (${series.length} series)` : '';
      return { ok: true, detail: `${show(first.value)}${more}`, value: first.value };
    } catch (error) {
      if (signal.aborted) return { ok: false, detail: 'aborted' };
      return { ok: false, detail: truncate(isGamedayError(error) ? error.message : describeError(error), 200) };
    }
  }

  return {
    name,
    kind: 'prometheus',
    intervalMs: timing.intervalMs,
    timeoutMs: timing.timeoutMs,
    check,
    close: () => client.close(),
  };
}
