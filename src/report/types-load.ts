// report.json, load section: the load run per window and, for k6, what k6 itself reported.

import type { LatencySummary, WindowName } from './types-common.js';

/** The load's requests whose time falls in one window (`measurements.load`). */
export interface LoadWindowMeasurement {
  window: WindowName;
  /** Finished requests (dropped arrivals included, as failures). */
  requests: number;
  errors: number;
  /** Percent of `requests` that failed; null when there were none. */
  errorRate: number | null;
  latency: LatencySummary | null;
}

/** One k6 threshold and k6's verdict on it. */
export interface K6Threshold {
  metric: string;
  /** As written in the script, e.g. "p(95)<500". */
  expression: string;
  /** k6's verdict: true when the threshold held. */
  ok: boolean;
  /** The metric's value the threshold was judged on, when k6 reported it. */
  value: number | null;
}

/** One k6 metric over one window, from k6's own samples. */
export interface K6MetricWindow {
  metric: string;
  type: 'counter' | 'gauge' | 'rate' | 'trend';
  window: WindowName;
  /** Samples in the window. */
  count: number;
  /** counter: the sum; gauge: the largest value; rate: percent non-zero; trend: the mean. */
  value: number | null;
  /** Trends only: percentiles of the samples in the window. */
  latency?: LatencySummary | null;
}

/** `load.k6`: how the k6 run went. */
export interface K6Report {
  version: string | null;
  /** The script, relative to the scenario file when it lies beside it. */
  script: string;
  /** k6's exit code; null when it was killed by a signal. */
  exitCode: number | null;
  /** completed; thresholds-failed (exit 99); stopped (by gameday, on abort); failed (any other exit). */
  status: 'completed' | 'thresholds-failed' | 'stopped' | 'failed';
  thresholds: K6Threshold[];
  metrics: K6MetricWindow[];
  /** Lines of k6's NDJSON output read (k6.ndjson in the run directory). */
  linesRead: number;
}
