// report.json: shapes every section uses.

export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/** A measurement window: before / during / after the fault, or the whole run. */
export type WindowName = 'before' | 'during' | 'after' | 'run';
