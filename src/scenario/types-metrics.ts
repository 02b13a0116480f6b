// Resolved shapes of the scenario parts that measure with other tools: k6 load, Prometheus probes and
// objectives, SLOs with error budgets (schema-k6.ts, schema-prometheus.ts, schema-slo.ts).

import type { WindowName } from './schema-common.js';

/** `load.k6`: k6 runs the script; overrides are passed as k6 flags. */
export interface ResolvedK6Load {
  engine: 'k6';
  /** Absolute path of the script. */
  script: string;
  /** The binary as configured (load.k6.binary); undefined → $GAMEDAY_K6, then k6 on PATH. */
  binary?: string;
  /** -e values for the script (runtime variables are added when the run starts). */
  env: Record<string, string>;
  vus?: number;
  /** As k6 takes it ("30s"). */
  duration?: string;
  stages?: Array<{ duration: string; target: number }>;
  /** Run in the cluster through the k6-operator instead of a local process. */
  operator?: ResolvedK6Operator;
}

/** `load.k6.operator`: a k6-operator TestRun in the kubernetes target's cluster. */
export interface ResolvedK6Operator {
  parallelism: number;
  /** Namespace of the TestRun and its script ConfigMap. */
  namespace: string;
  image?: string;
  serviceAccount?: string;
  separate: boolean;
  /** How long gameday waits for the TestRun to finish before stopping it. */
  timeoutMs: number;
}

/** How to reach a Prometheus server; credentials are read from the named environment variables at use. */
export interface PrometheusConnectionConfig {
  url: string;
  bearerTokenEnv?: string;
  basic?: { usernameEnv: string; passwordEnv: string };
  /** Absolute path of a PEM CA file. */
  ca?: string;
}

export type Comparison = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface PrometheusCheck {
  kind: 'prometheus';
  prometheus: PrometheusConnectionConfig;
  query: string;
  op: Comparison;
  value: number;
  onNoData: 'fail' | 'pass' | 'ignore';
}

export interface ResolvedPromqlObjective {
  prometheus: PrometheusConnectionConfig;
  query: string;
  window: WindowName;
  max?: number;
  min?: number;
  stepMs: number;
}

export interface ResolvedSlo {
  name: string;
  /** Percent, e.g. 99.9. */
  objective: number;
  periodMs: number;
  sli:
    | { kind: 'probe'; probe: string }
    | { kind: 'promql'; prometheus: PrometheusConnectionConfig; good: string; total: string };
}

export interface ResolvedErrorBudgetObjective {
  slo: string;
  /** Percent of the period's budget. */
  maxBurn: number;
}
