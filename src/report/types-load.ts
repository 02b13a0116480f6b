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

/**
 * A load the k6-operator ran in the cluster (`load.k6.operator`): what the operator exposes on its TestRun —
 * the stage and the conditions — and nothing per request. The runners' own outputs (k6 --out) hold those.
 */
export interface K6OperatorMeasurement {
  namespace: string;
  testRun: string;
  configMap: string;
  parallelism: number;
  /** The last stage gameday saw; null when the operator never acted on the TestRun. */
  stage: string | null;
  /** Each stage gameday saw, with when it first saw it (polling, so a stage shorter than a poll may be missed). */
  stages: Array<{ stage: string; at: string }>;
  conditions: Array<{ type: string; status: string; reason?: string; message?: string }>;
  /**
   * finished or error: the operator's last stages; stopped: gameday deleted the TestRun when the run was
   * aborted; timeout: not finished within load.k6.operator.timeout (gameday deleted it).
   */
  status: 'finished' | 'error' | 'stopped' | 'timeout';
  /** Always false: the operator reports stages, not requests, so gameday has no request counts or latencies. */
  perRequestResults: false;
  /** The TestRun and its ConfigMap were deleted when the load ended (false: the run's rollback deletes them). */
  deleted: boolean;
}
