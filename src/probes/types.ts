// The shapes every probe shares: a check that yields an outcome, and the sample recorded from it.

/** One probe observation. `t` is run-clock milliseconds (monotonic) at which the check started. */
export interface ProbeSample {
  probe: string;
  /** Run-clock ms (monotonic) when the check started. */
  t: number;
  /** Epoch ms (wall clock) when the check started, for reports. */
  wallTime: number;
  ok: boolean;
  latencyMs: number;
  /** Short human-readable detail: status code, error, replica counts… (never secrets). */
  detail?: string;
  /** Optional numeric reading (ready replicas, query value) for reports. */
  value?: number;
}

/** What one check returns; the scheduler adds timing. */
export interface CheckOutcome {
  ok: boolean;
  detail?: string;
  value?: number;
  /** Record no sample for this check (a Prometheus probe with no data and onNoData: ignore); not healthy. */
  skip?: boolean;
}

/** A ready-to-run probe: a named check on an interval. */
export interface Probe {
  name: string;
  /** Probe kind, e.g. "http", "tcp", "sql", "command", "sandbox". */
  kind: string;
  intervalMs: number;
  timeoutMs: number;
  /** Run one check. Must honour the signal (aborted at timeout or run end) and never throw for an unhealthy target. */
  check(signal: AbortSignal): Promise<CheckOutcome>;
  /** Release connections and other resources. */
  close?(): Promise<void>;
}
