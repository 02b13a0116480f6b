// The resolved scenario: what the planner and runner consume. Durations are milliseconds,
// percentages are percent points, rates are per second, defaults are filled in.

import type { FaultType, ProbeKind } from './schema.js';

export type WindowName = 'before' | 'during' | 'after' | 'run';

export interface SandboxTargetConfig {
  /** Control URL of an already-running sandbox; undefined → gameday starts one for the run. */
  url?: string;
  replicas: number;
  zones: string[];
  startupDelayMs: number;
  database: boolean;
}

export interface ResolvedGuards {
  allowedZones?: string[];
  allowedNamespaces?: string[];
  /** Either a count or a percent of the fleet. */
  maxUnavailable?: { count: number } | { percent: number };
  abortWhen: Array<{ probe: string; availabilityBelow: number; forMs: number }>;
  timeoutMs: number;
}

export type ResolvedProbeCheck =
  | {
      kind: 'http';
      url: string;
      method: string;
      headers: Record<string, string>;
      body?: string;
      expectStatus: number[];
      bodyMatches?: string;
      maxLatencyMs?: number;
    }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'sql'; url: string; query: string; expectRows?: number; expectValue?: string | number | boolean }
  | { kind: 'command'; run: string | string[]; cwd?: string; expectExitCode: number; outputMatches?: string }
  | { kind: 'sandbox'; readyAtLeast?: number };

export interface ResolvedProbe {
  name: string;
  kind: ProbeKind;
  intervalMs: number;
  timeoutMs: number;
  check: ResolvedProbeCheck;
}

export interface ResolvedLoad {
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
  zone?: string;
  capacity?: 'spot' | 'on-demand';
  order: 'random' | 'oldest';
}

export type ResolvedFault =
  | {
      type: 'pod-kill';
      select: ReplicaSelection;
      signal: 'SIGKILL' | 'SIGTERM';
      graceMs: number;
      repeat?: { everyMs: number; times: number };
    }
  | { type: 'zone-outage'; zone: string; durationMs?: number }
  | { type: 'spot-interruption'; select: ReplicaSelection; noticeMs: number; graceMs: number }
  | { type: 'db-failover'; mode: 'fast' | 'immediate' };

export type ResolvedStep =
  | { kind: 'fault'; name: string; target: 'sandbox'; fault: ResolvedFault & { type: FaultType } }
  | { kind: 'wait-probe'; name: string; probe: string; timeoutMs: number }
  | { kind: 'sleep'; name: string; durationMs: number }
  | { kind: 'verify'; name: string; probe: string; timeoutMs: number };

export interface ResolvedObjectives {
  rto?: { probe: string; maxMs: number; stableForMs: number };
  rpo?: { maxMs: number; maxLostWrites?: number };
  availability: Array<{ probe: string; window: WindowName; min: number }>;
  latency: Array<{
    probe: string;
    window: WindowName;
    percentiles: Partial<Record<'p50' | 'p90' | 'p95' | 'p99', number>>;
  }>;
  load?: { maxErrorRate?: number; p95Ms?: number; p99Ms?: number };
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
  targets: { sandbox?: SandboxTargetConfig };
  guards: ResolvedGuards;
  probes: Record<string, ResolvedProbe>;
  load?: ResolvedLoad;
  markers: ResolvedMarkers;
  steadyState: string[];
  steps: ResolvedStep[];
  objectives: ResolvedObjectives;
  rollback: ResolvedRollback;
}

/** Names of variables gameday provides at run time (after targets start); left as-is by load-time interpolation. */
export const RUNTIME_VARIABLES = ['SANDBOX_URL', 'SANDBOX_API_URL', 'SANDBOX_DATABASE_URL'] as const;
