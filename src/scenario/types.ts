// The resolved scenario: what the planner and runner consume. Durations are milliseconds,
// percentages are percent points, rates are per second, defaults are filled in.

import type { ZoneOutageMode } from './schema-zone-outage.js';
import type { RegionFailoverFault } from '../runbook/types.js';
import type { DrillConfig } from '../drill/types.js';
import type { FaultType, ProbeKind } from './schema.js';
import type { AwsTargetConfig } from '../drivers/aws/types.js';
import type {
  AwsAzOutageFault,
  AwsDbFailoverFault,
  AwsFisExperimentFault,
  AwsSpotInterruptionFault,
} from '../faults/aws/config.js';
import type { CloudWatchProbeConfig, RdsProbeConfig } from '../probes/aws/types.js';
import type {
  PrometheusCheck,
  ResolvedErrorBudgetObjective,
  ResolvedK6Load,
  ResolvedPromqlObjective,
  ResolvedSlo,
} from './types-metrics.js';
import type { ResolvedAction, ResolvedCheckpoint, ResolvedNotifyTarget } from './types-gameday.js';

export type * from './types-metrics.js';

export type { WindowName } from './schema-common.js';
import type { WindowName } from './schema-common.js';

export interface SandboxTargetConfig {
  /** Control URL of an already-running sandbox; undefined → gameday starts one for the run. */
  url?: string;
  replicas: number;
  zones: string[];
  startupDelayMs: number;
  database: boolean;
  /** Primary region first, DR region second; absent: one region. */
  regions?: Array<{ name: string; zones?: string[]; replicas?: number }>;
  /** Delay on the replication link to the standby (cross-region), ms. */
  replicationLagMs?: number;
}

export interface KubernetesTargetConfig {
  /** Kubeconfig file; undefined → $KUBECONFIG, then ~/.kube/config. */
  kubeconfig?: string;
  /** Context; undefined → the file's current context. */
  context?: string;
  namespace: string;
  /** Use the pod's service account instead of a kubeconfig. */
  inCluster: boolean;
}

/** What a kubernetes probe watches; `namespace` is filled in from the target when the probe gives none. */
export type KubernetesCheck =
  | {
      watch: 'workload';
      namespace: string;
      workload: { kind: 'Deployment' | 'StatefulSet'; name: string };
      readyAtLeast?: number;
      availableAtLeast?: number;
    }
  | { watch: 'pdb'; namespace: string; name: string; disruptionsAllowedAtLeast: number }
  | { watch: 'pod-restarts'; namespace: string; labels: Record<string, string>; max: number }
  | { watch: 'nodes-ready'; zone?: string; atLeast?: number };

export interface ResolvedGuards {
  allowedZones?: string[];
  allowedNamespaces?: string[];
  /** Either a count or a percent of the fleet. */
  maxUnavailable?: { count: number } | { percent: number };
  abortWhen: Array<{ probe: string; availabilityBelow: number; forMs: number }>;
  timeoutMs: number;
  /** guards.deadman: how long the run may go without renewing its shared lock before others count it gone. */
  deadmanMs?: number;
}

/** One HTTP request per check: status, optional body pattern and latency bound. */
export interface HttpCheck {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  expectStatus: number[];
  bodyMatches?: string;
  maxLatencyMs?: number;
}

export type ResolvedProbeCheck =
  | ({ kind: 'http' } & HttpCheck)
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'sql'; url: string; query: string; expectRows?: number; expectValue?: string | number | boolean }
  | { kind: 'command'; run: string | string[]; cwd?: string; expectExitCode: number; outputMatches?: string }
  | { kind: 'sandbox'; readyAtLeast?: number }
  | ({ kind: 'kubernetes' } & KubernetesCheck)
  | { kind: 'cloudwatch'; cloudwatch: CloudWatchProbeConfig }
  | { kind: 'rds'; rds: RdsProbeConfig }
  | PrometheusCheck;

export interface ResolvedProbe {
  name: string;
  kind: ProbeKind;
  intervalMs: number;
  timeoutMs: number;
  check: ResolvedProbeCheck;
}

/** The load a scenario runs: the built-in generator or k6. */
export type ResolvedLoad = ResolvedBuiltinLoad | ResolvedK6Load;

export interface ResolvedBuiltinLoad {
  engine: 'builtin';
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Piecewise-linear ramp; a constant rate is one stage with from === to. */
  stages: Array<{ fromRatePerSec: number; toRatePerSec: number; durationMs: number }>;
  connections: number;
  maxInFlight: number;
  timeoutMs: number;
  expectStatus: number[];
}

export interface ResolvedMarkers {
  postgres?: { url: string; intervalMs: number; table: string };
}

export interface ReplicaSelection {
  count?: number;
  percent?: number;
  /** This many in every zone (count and percent are then unset). */
  perZone?: number;
  zone?: string;
  capacity?: 'spot' | 'on-demand';
  order: 'random' | 'oldest';
  /** Kubernetes: pod labels (pod-kill) or node labels (spot-interruption). */
  labels?: Record<string, string>;
  /** Kubernetes: namespace of the pods (resolved to the target's when absent). */
  namespace?: string;
  /** Kubernetes: nodes by name (spot-interruption). */
  nodes?: string[];
}

/** Kubernetes-only settings of a fault, present when the step's target is kubernetes. */
export interface KubernetesFaultOptions {
  /** pod-kill: delete, or evict through the Eviction API (respects PodDisruptionBudgets). */
  mode: 'delete' | 'evict';
  /** Deletion grace period; undefined → the pod's own terminationGracePeriodSeconds. */
  graceSeconds?: number;
  /** How long an eviction refused with 429 is retried before it becomes a finding. */
  evictionTimeoutMs: number;
  /** zone-outage: what happens to the zone's pods. */
  podAction: 'evict' | 'delete';
  /** zone-outage: the node label that makes a node NotReady (null: only cordon). */
  notReadyLabel: { key: string; value: string } | null;
  /** zone-outage: what happens to the zone's nodes (src/scenario/schema-zone-outage.ts). */
  zoneMode?: ZoneOutageMode;
}

export type ResolvedFault =
  | {
      type: 'pod-kill';
      select: ReplicaSelection;
      signal: 'SIGKILL' | 'SIGTERM';
      graceMs: number;
      repeat?: { everyMs: number; times: number };
      kubernetes?: KubernetesFaultOptions;
    }
  | { type: 'zone-outage'; zone: string; durationMs?: number; kubernetes?: KubernetesFaultOptions }
  | {
      type: 'spot-interruption';
      select: ReplicaSelection;
      noticeMs: number;
      graceMs: number;
      kubernetes?: KubernetesFaultOptions;
      /** Target aws: the FIS spot interruption (src/faults/aws). */
      aws?: AwsSpotInterruptionFault;
    }
  | { type: 'db-failover'; mode: 'fast' | 'immediate'; aws?: AwsDbFailoverFault }
  | RegionFailoverFault
  | { type: 'az-outage'; aws: AwsAzOutageFault }
  | { type: 'fis-experiment'; aws: AwsFisExperimentFault };

/** A target a fault step acts on. */
export type FaultTarget = 'sandbox' | 'kubernetes' | 'aws';

export type ResolvedStep =
  | { kind: 'fault'; name: string; target: FaultTarget; fault: ResolvedFault & { type: FaultType }; measure?: boolean }
  | { kind: 'wait-probe'; name: string; probe: string; timeoutMs: number }
  | { kind: 'sleep'; name: string; durationMs: number }
  | { kind: 'verify'; name: string; probe: string; timeoutMs: number }
  | ({ kind: 'checkpoint'; name: string } & ResolvedCheckpoint)
  | ({ kind: 'action'; name: string } & ResolvedAction);

export interface ResolvedObjectives {
  rto?: { probe: string; maxMs: number; stableForMs: number };
  rpo?: { maxMs: number; maxLostWrites?: number };
  availability: Array<{ probe: string; window: WindowName; min: number }>;
  latency: Array<{
    probe: string;
    window: WindowName;
    percentiles: Partial<Record<'p50' | 'p90' | 'p95' | 'p99', number>>;
  }>;
  load?: { window?: WindowName; maxErrorRate?: number; p95Ms?: number; p99Ms?: number };
  promql?: ResolvedPromqlObjective[];
  errorBudget?: ResolvedErrorBudgetObjective[];
}

export interface ResolvedRollback {
  recoveryTimeoutMs: number;
  steadyStateAfter: boolean;
  timeoutMs: number;
}

/** A validated, defaulted scenario. */
export interface Scenario {
  name: string;
  description?: string;
  /** Absolute path of the file it came from. */
  file: string;
  targets: { sandbox?: SandboxTargetConfig; kubernetes?: KubernetesTargetConfig; aws?: AwsTargetConfig };
  guards: ResolvedGuards;
  probes: Record<string, ResolvedProbe>;
  load?: ResolvedLoad;
  markers: ResolvedMarkers;
  /** SLOs whose error budget the report accounts for. */
  slos?: ResolvedSlo[];
  steadyState: string[];
  steps: ResolvedStep[];
  objectives: ResolvedObjectives;
  rollback: ResolvedRollback;
  /** A backup-restore drill (gameday drill); absent for chaos experiments. */
  drill?: DrillConfig;
  /** Webhooks on start, abort and end (src/notify). */
  notify?: ResolvedNotifyTarget[];
}

/** Names of variables gameday provides at run time (after targets start); left as-is by load-time interpolation. */
export const RUNTIME_VARIABLES = ['SANDBOX_URL', 'SANDBOX_API_URL', 'SANDBOX_DATABASE_URL'] as const;
