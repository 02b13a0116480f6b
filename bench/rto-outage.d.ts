// Types for rto-outage.js, so the test that shows it can report "misses" can call it.

export interface RtoEstimateOptions {
  t0: number;
  stableForMs: number;
  intervalMs: number;
  endT: number;
}
export type RtoEstimator = (samples: unknown[], o: RtoEstimateOptions) => number | null;
export interface RtoOutageRow {
  outage: number;
  trueMs: number;
  measuredMs: number | null;
}
export const midpointEstimate: RtoEstimator;
export const firstHealthyEstimate: RtoEstimator;
export function judgeRto(
  rows: RtoOutageRow[],
  intervalMs: number,
): {
  intervalMs: number;
  outages: number;
  meanAbsMs: number;
  maxAbsMs: number;
  meanGoalMs: number;
  maxGoalMs: number;
  verdict: 'meets goal' | 'MISSES GOAL';
};
export function benchRtoOutages(opts?: {
  outages?: number;
  intervalsMs?: number[];
  stableForMs?: number;
  estimators?: Record<string, RtoEstimator>;
}): Promise<Record<string, Record<number, RtoOutageRow[]>>>;
