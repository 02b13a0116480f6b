// The fault interface: plan (pure, from the inventory) and inject (journals its undo before each mutation).

import type { SandboxClient, SandboxStatus } from '../drivers/sandbox/index.js';
import type { Journal } from '../runner/journal.js';
import type { FaultTarget, ResolvedFault } from '../scenario/types.js';
import type { KubernetesInventory, KubernetesRuntime } from './kubernetes/types.js';
import type { AwsDriver } from '../drivers/aws/index.js';
import type { AwsExecutionRecord, AwsInventory, PlannedAwsFault } from './aws/config.js';
import type { Clock } from '../util/clock.js';
import type { RunbookTiming } from '../runbook/types.js';
import type { LiveBlastRadius, PoolImpact } from './blast-radius.js';

/** What the planner knows about the targets, discovered before any mutation. */
export interface Inventory {
  sandbox?: SandboxStatus;
  /** Nodes and pods from the kubernetes target's informer caches. */
  kubernetes?: KubernetesInventory;
  /** Caller identity (guarded) and the databases the AWS faults name. */
  aws?: AwsInventory;
}

/** A fault step resolved against the inventory: what it will act on. */
export interface PlannedFault {
  fault: ResolvedFault;
  target: FaultTarget;
  /** One line for `gameday plan` and reports. */
  description: string;
  /** Replica ids, zones or servers the fault acts on. */
  affected: string[];
  /** Replicas taken out of service at once, for the blast-radius guard. */
  unavailable: number;
  /** Fleet size the cap is measured against. */
  fleet: number;
  /**
   * What the step takes out of service per pool (sandbox fleet, Kubernetes workload), for the blast radius
   * over the whole run: members of a pool add up across steps until a wait for recovery. Without it the
   * cap is checked per step on `unavailable` of `fleet`.
   */
  pools?: PoolImpact[];
  /** Target aws: the AWS module's own plan (experiment to build, database, notes). */
  aws?: PlannedAwsFault;
}

/** What a fault needs at run time. */
export interface FaultRuntime {
  step: string;
  journal: Journal;
  clock: Clock;
  signal: AbortSignal;
  sandbox?: { client: SandboxClient; controlUrl: string };
  kubernetes?: KubernetesRuntime;
  /** Target aws: the driver, the run id (FIS tags, client tokens) and whether this is a plan preview (FIS skip-all). */
  aws?: { driver: AwsDriver; runId: string; preview?: boolean };
  /** The run's RPO marker writer, when it writes markers: a runbook step may point it at the new primary. */
  markers?: { readonly url: string; switchTo(url: string): Promise<void> };
  rng: () => number;
  /** guards.maxUnavailable against the live state, checked right before each mutating call (when set). */
  blastRadius?: LiveBlastRadius;
  log(message: string): void;
  /** An entry on the run's timeline, now; also after inject returned (watches that follow a fault), until the run ends. */
  timeline?(kind: string, message: string): void;
}

/** The outcome of an injection; t0 is when the first mutating call returned (run clock). */
export interface FaultExecution {
  t0: number;
  /** When the fault ended, for faults that end by themselves (a zone restored after its duration). */
  endT?: number;
  detail: string;
  affected: string[];
  /** Things worth a person's attention that are not errors. */
  findings: string[];
  /** Set by the runner when this fault defines t0 (the step says `measure: true`, or it is the first fault). */
  measured?: boolean;
  /** Per-step timings of a runbook (region failover), for the report. */
  runbook?: RunbookTiming[];
  /** Target aws: FIS action and RDS event timeline, resolved targets, the experiment. */
  aws?: AwsExecutionRecord;
}

export interface FaultModule<F extends ResolvedFault = ResolvedFault> {
  type: F['type'];
  /** Pure: decide what the fault will act on. Throws GamedayError (invalid-input) when it cannot apply. */
  plan(fault: F, inventory: Inventory, rng: () => number): PlannedFault;
  /** Inject. Journal the intent and its undo before every mutating call. */
  inject(fault: F, planned: PlannedFault, runtime: FaultRuntime): Promise<FaultExecution>;
}
