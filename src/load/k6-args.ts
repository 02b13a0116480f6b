// The k6 command lines gameday runs (pure, so they are unit-tested without k6).

import type { ResolvedK6Load } from '../scenario/types.js';

/** -e NAME=value for the runtime variables and load.k6.env (the latter wins). */
export function k6EnvArgs(load: ResolvedK6Load, vars: Record<string, string>): string[] {
  const all = { ...vars, ...load.env };
  return Object.entries(all).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
}

/** --vus / --duration / --stage from the scenario's overrides. */
export function k6OverrideArgs(load: ResolvedK6Load): string[] {
  const out: string[] = [];
  if (load.vus !== undefined) out.push('--vus', String(load.vus));
  if (load.duration !== undefined) out.push('--duration', load.duration);
  for (const s of load.stages ?? []) out.push('--stage', `${s.duration}:${s.target}`);
  return out;
}

/** Percentiles k6 puts in its summary export, so thresholds on them report a value. */
export const K6_SUMMARY_TREND_STATS = 'avg,min,med,max,p(90),p(95),p(99)';

/** `k6 run …`: no usage report, REST API on loopback, JSON samples and the summary into the run directory. */
export function k6RunArgs(
  load: ResolvedK6Load,
  vars: Record<string, string>,
  files: { address: string; ndjson: string; summary: string },
): string[] {
  return [
    'run',
    // Why both this flag and K6_NO_USAGE_REPORT: no traffic may ever leave the machine.
    '--no-usage-report',
    '--no-color',
    '--quiet',
    '--address',
    files.address,
    '--out',
    `json=${files.ndjson}`,
    '--summary-export',
    files.summary,
    '--summary-trend-stats',
    K6_SUMMARY_TREND_STATS,
    ...k6EnvArgs(load, vars),
    ...k6OverrideArgs(load),
    load.script,
  ];
}
