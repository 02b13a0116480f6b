// report.json — the contract that scripts and CI rely on (see DESIGN.md, "CLI").

import type { Verdict } from '../runner/events.js';
import type { LatencySummary, WindowName } from './types-common.js';
import type { ObjectiveEvidence } from './types-objective.js';
import type { K6OperatorMeasurement, K6Report, LoadWindowMeasurement } from './types-load.js';
import type { ErrorBudgetMeasurement, PromqlMeasurement } from './types-slo.js';
import type { CheckpointOutcome, NoteEntry, NotificationResult, RegressionResult } from './types-live.js';

export type * from './types-common.js';
export type * from './types-objective.js';
export type * from './types-load.js';
export type * from './types-slo.js';
export type * from './types-live.js';

export const REPORT_SCHEMA_VERSION = 1;

export interface RtoMeasurement {
  probe: string;
  /** "no-impact": no failing sample at/after t0 (RTO 0); "recovered"; "not-recovered" within the run. */
  status: 'no-impact' | 'recovered' | 'not-recovered';
  /**
   * Milliseconds from t0 to recovery, best estimate: midway between the last failing sample and the first
   * healthy sample of the first window stable for `stableForMs`; null when not recovered.
   */
  ms: number | null;
  /** ± bound of `ms`: half the gap between those two samples (the probe interval when there was no impact). */
  errorBoundMs: number;
  stableForMs: number;
  /** Time to detect: first failing sample at/after t0, minus t0; null for no impact. */
  detectMs: number | null;
  /** Epoch ms of t0, impact and recovery, for reports. */
  faultAt: string;
  impactAt: string | null;
  /** The recovery estimate (the midpoint). */
  recoveredAt: string | null;
  /** The last failing sample before recovery, and the first healthy one: true recovery lies between them. */
  lastFailingAt: string | null;
  firstHealthyAt: string | null;
  /** The same two instants as ms after t0. */
  lastFailingMs: number | null;
  firstHealthyMs: number | null;
  /** How long the run observed after t0 (for "not recovered within …"). */
  observedMs: number;
  /** The run was aborted this long after t0 (SIGINT, guards.timeout, abortWhen): what was measured stops there. */
  abortedAtMs?: number;
}

export interface RpoMeasurement {
  /** Seconds of data lost (newest acknowledged marker before the fault vs newest surviving one). */
  seconds: number;
  /** Acknowledged markers missing after recovery, including those written after the fault. */
  lostWrites: number;
  /** Distinct acknowledged markers. */
  acknowledged: number;
  /** Acknowledged markers present after recovery (acknowledged - lostWrites). */
  surviving: number;
  /** Newest surviving marker among those acknowledged at or before the fault; null when none survived. */
  newestSurvivingAt: string | null;
  newestAcknowledgedBeforeFaultAt: string | null;
}

/** min / p50 / p95 / max of per-pod durations, in ms. */
export interface PodTimeDistribution {
  count: number;
  min: number;
  p50: number;
  p95: number;
  max: number;
}

/** Per-pod recovery on Kubernetes: each pod a fault deleted or evicted, and its replacement. */
export interface PodTimingsMeasurement {
  /** Pods deleted or evicted by the faults. */
  disrupted: number;
  /** Deleted → replacement scheduled; null when none was. */
  rescheduling: PodTimeDistribution | null;
  /** Deleted → replacement Ready; null when none was. */
  readiness: PodTimeDistribution | null;
  notRescheduled: number;
  notReady: number;
  pods: Array<{
    pod: string;
    namespace: string;
    workload: string;
    deletedAt: string;
    replacement: string | null;
    node: string | null;
    rescheduledMs: number | null;
    readyMs: number | null;
  }>;
}

export interface SloMeasurement {
  probe: string;
  window: WindowName;
  samples: number;
  good: number;
  /** Percent 0..100; null when the window has no samples. */
  availability: number | null;
  latency: LatencySummary | null;
}

export interface ObjectiveResult {
  /** e.g. "rto", "availability(api, during)", "latency p95(api)", "load error rate". */
  name: string;
  /** Human-readable bound, e.g. "<= 30s", ">= 99.5%". */
  target: string;
  /** Human-readable measured value, e.g. "6.42s ± 100ms", "not recovered within 2m". */
  actual: string;
  pass: boolean;
  /** Machine values: the bound and the measurement in base units (ms, percent, seconds, count). */
  targetValue: number;
  actualValue: number | null;
  unit: 'ms' | 'percent' | 's' | 'count' | 'ratio' | 'value';
  /** How far the samples behind the value can be trusted (availability, latency, load objectives). */
  evidence?: ObjectiveEvidence;
}

/** What one fault step of a run chose to act on, as `gameday plan --json` lists it (`choices`). */
export interface RunChoice {
  step: string;
  /** The fault's target: sandbox, kubernetes or aws. */
  target: string;
  /** The replicas, pods, nodes, zones or instances the plan chose with the run's seed. */
  affected: string[];
  /** What the fault acted on when it ran (a replica gone by then, or a repeat, is chosen again, from the same seed). */
  actedOn?: string[];
}

export interface TimelineEntry {
  /** Epoch ms as ISO string. */
  at: string;
  /** Run-relative ms (monotonic clock). */
  t: number;
  kind: string;
  message: string;
}

export interface ProbeSummary {
  name: string;
  kind: string;
  intervalMs: number;
  samples: number;
  failures: number;
  /** Transitions between healthy and failing, for timelines: [t, ok]. */
  transitions: Array<{ t: number; at: string; ok: boolean; detail?: string }>;
}

export interface LoadReport {
  engine: 'builtin' | 'k6';
  /** The configured arrival rate; null for k6 (its executors set the pace). */
  targetRatePerSec: number | null;
  achievedRatePerSec: number;
  durationMs: number;
  requests: number;
  completed: number;
  errors: number;
  /** Percent of completed requests that failed (status or transport error). */
  errorRate: number;
  statusCounts: Record<string, number>;
  latency: LatencySummary | null;
  /** Requests that could not start on time because the in-flight cap was reached (k6: dropped_iterations). */
  dropped: number;
  /** Built-in engine: actual send time − intended start (ms) of every started request. */
  sendLagMs?: LatencySummary | null;
  /** Built-in engine: requests sent more than 10 ms after their intended start. */
  late?: number;
  /** k6 runs: thresholds, exit, per-window metrics. */
  k6?: K6Report;
}

export interface RunbookStepTiming {
  step: string;
  action: string;
  startedAt: string | null;
  durationMs: number | null;
  status: 'ok' | 'failed' | 'not-run';
  rolledBack?: 'ok' | 'failed';
}

/** One FIS experiment a step ran: its end state, each action's start and end, what FIS resolved the targets to. */
export interface FisExperimentMeasurement {
  step: string;
  templateId: string;
  experimentId: string | null;
  /** completed, stopped, failed or cancelled. */
  status: string;
  /** FIS's reason (why it failed or stopped). */
  reason?: string;
  actions: Array<{
    name: string;
    actionId: string;
    status: string;
    startedAt: string | null;
    endedAt: string | null;
    reason?: string;
  }>;
  resolvedTargets: Array<{ targetName: string; resourceType: string; resource: string }>;
}

/** The backup artifact a drill restored. */
export interface DrillSourceSummary {
  kind: string;
  name: string | null;
  location: string | null;
  createdAt: string | null;
  /** Drill start − artifact time. */
  ageSeconds: number | null;
  bytes: number | null;
  format: 'custom' | 'custom+gzip' | 'sql' | 'sql+gzip' | null;
  /** For sources that take the backup themselves (pg_dump): its duration. */
  backupMs: number | null;
  /** Download (or dump) duration. */
  fetchMs: number | null;
}

/** `measurements.restore` of a drill. */
export interface RestoreMeasurement {
  source: DrillSourceSummary;
  target: string | null;
  startedAt: string | null;
  /** The restore's part of RTO (target creation + decompression + restore tool). */
  durationMs: number | null;
  toolMs: number | null;
  jobs: number | null;
  databaseBytes: number | null;
  validations: { passed: number; total: number };
  cleanupComplete: boolean;
}

/** `measurements.rpo` of a drill: no marker writer ran during the outage, so there are no lost-write counts. */
export interface RestoreRpoMeasurement {
  kind: 'restore';
  /** Drill start − newest marker present in the restored copy. */
  seconds: number;
  newestSurvivingAt: string | null;
  lostWrites: null;
}

export type DrillValidationValue = string | number | boolean | null;

/** One drill validation's outcome: same shape whether it passed or not. */
export interface ValidationResult {
  name: string;
  kind: 'query' | 'rowCounts' | 'checksum' | 'schema' | 'marker' | 'artifactTables';
  pass: boolean;
  expected: DrillValidationValue;
  actual: DrillValidationValue;
  detail: string;
}

/** A gone run rolled back at the start of this one: whose, from which journal, how it ended. */
export interface RepairResult {
  /** The lock key of the target it left changed. */
  key: string;
  runId: string;
  host: string;
  /** When it took the lock, and when it last renewed it (ISO). */
  since: string;
  renewedAt: string;
  /** The run directory whose journal.ndjson was undone (a copy of the mirrored one when it ran elsewhere). */
  journal: string;
  undone: number;
  complete: boolean;
  failed: Array<{ id: string; error: string }>;
}

export interface Report {
  /** The report schema's id (schema/report.schema.json); written by the report writer. */
  $schema?: string;
  schemaVersion: number;
  scenario: string;
  runId: string;
  /**
   * The seed of the run's random choices (which replicas, pods, nodes, zones, instances): `gameday run
   * --seed N` makes the same choices again and `gameday plan --seed N --json` lists them. Absent on drills.
   */
  seed?: number;
  startedAt: string;
  endedAt: string;
  verdict: Verdict;
  /** Why the run was aborted or errored, when it was. */
  reason?: string;
  /** Each fault step's choice of targets (absent when the run ended before planning). */
  choices?: RunChoice[];
  measurements: {
    rto: RtoMeasurement | null;
    rpo: RpoMeasurement | RestoreRpoMeasurement | null;
    slos: SloMeasurement[];
    /** Each runbook step of a region failover: when it started, how long it took, how it ended. */
    runbook?: RunbookStepTiming[];
    /** A backup-restore drill: the source, the restore's duration (its part of RTO) and the data volume. */
    restore?: RestoreMeasurement;
    /** A drill's validations, each with what was expected and what the restored copy held. */
    validations?: ValidationResult[];
    /** Kubernetes runs: per-pod rescheduling and readiness times (deleted → replacement scheduled / Ready). */
    pods?: PodTimingsMeasurement;
    /** AWS runs: each FIS experiment, its actions' start and end and its resolved targets. */
    fis?: FisExperimentMeasurement[];
    /** `load.k6.operator`: the TestRun gameday created, as far as the k6-operator reports on it. */
    k6Operator?: K6OperatorMeasurement;
    /** The load per window that load objectives were judged on. */
    load?: LoadWindowMeasurement[];
    /** Per SLO: the share of its period's error budget the run consumed, and the burn rates. */
    errorBudgets?: ErrorBudgetMeasurement[];
    /** Per PromQL objective: its range query's points over the window. */
    promql?: PromqlMeasurement[];
  };
  objectives: ObjectiveResult[];
  timeline: TimelineEntry[];
  probes: ProbeSummary[];
  load: LoadReport | null;
  /** `failed[].hint` says what a person must do about an undo that cannot succeed (e.g. an RDS promotion). */
  rollback: {
    complete: boolean;
    undone: number;
    failed: Array<{ id: string; error: string; code?: string; hint?: string }>;
  };
  /**
   * Runs on the same target whose holder was gone (it stopped renewing its shared lock, or its process
   * died) and that this run rolled back from their journals before taking the lock (also on the timeline).
   */
  repairs?: RepairResult[];
  /** Observations added with `gameday note`, live or afterwards (also on the timeline). */
  notes?: NoteEntry[];
  /** Each checkpoint step: who answered, what was decided, how long the run waited. */
  checkpoints?: CheckpointOutcome[];
  /** `gameday gate --baseline`: the comparison with earlier runs. */
  regression?: RegressionResult;
  /** Webhooks sent for this run (`notify:`); a failed one never fails the run. */
  notifications?: NotificationResult[];
}
