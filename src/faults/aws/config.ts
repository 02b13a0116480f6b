// Resolved configs of the AWS faults: what the scenario schema turns `steps[].fault` into for target aws.
// Plain data that imports only driver data types, so the resolved scenario and fault types can name them
// without an import cycle.
// Durations are milliseconds; the template builder turns them into ISO-8601 for FIS.

import type { AwsIdentity, FisActionState, FisResolvedTarget, RdsDatabase } from '../../drivers/aws/types.js';

/** FIS target selection: every match, n of them, or a percentage. */
export type FisSelection = { mode: 'all' } | { mode: 'count'; n: number } | { mode: 'percent'; n: number };

/** One FIS target: resources by ARN or by tags, narrowed by filters. */
export interface FisTargetSpec {
  resourceType: string;
  arns?: string[];
  tags?: Record<string, string>;
  filters?: Array<{ path: string; values: string[] }>;
  selection: FisSelection;
  /** Target parameters, e.g. { writerAvailabilityZoneIdentifiers: "usw2-az1" } for aws:rds:cluster. */
  parameters?: Record<string, string>;
}

/** One FIS action. `durationMs` becomes the `duration` parameter (ISO-8601). */
export interface FisActionSpec {
  actionId: string;
  description?: string;
  parameters?: Record<string, string>;
  durationMs?: number;
  /** Action target key (e.g. "Instances") → target name. */
  targets: Record<string, string>;
  startAfter?: string[];
}

/** An experiment to build a template from. */
export interface FisExperimentSpec {
  description: string;
  targets: Record<string, FisTargetSpec>;
  actions: Record<string, FisActionSpec>;
}

/** How a fault uses FIS: role, stop conditions, logs, or an existing template instead of building one. */
export interface FisOptions {
  /** Run this existing template instead of building one (gameday then neither creates nor deletes a template). */
  templateId?: string;
  /** Experiment role; default targets.aws.fisRoleArn. */
  roleArn?: string;
  /** CloudWatch alarm ARNs that stop the experiment when they go to ALARM. */
  stopConditions: string[];
  logs?: { cloudWatchLogGroupArn?: string; s3Bucket?: string; s3Prefix?: string };
  /** What FIS does when a target resolves to nothing (default fail: an empty target is a broken scenario). */
  emptyTargetResolutionMode: 'fail' | 'skip';
  /** Longest wait for the experiment to end (default 30m). */
  timeoutMs: number;
  /** First GetExperiment poll interval (default 2s), backing off ×1.5 to 15s. */
  pollIntervalMs: number;
  /** Extra tags on the template and experiment. */
  tags?: Record<string, string>;
}

/** `fault: fis-experiment` — any FIS experiment, by existing template id or by targets and actions. */
export interface AwsFisExperimentFault {
  type: 'fis-experiment';
  fis: FisOptions;
  experiment?: FisExperimentSpec;
}

/** `fault: spot-interruption` on target aws: FIS aws:ec2:send-spot-instance-interruptions on tagged spot instances. */
export interface AwsSpotInterruptionFault {
  type: 'spot-interruption';
  /** Instance tags, e.g. { "eks:nodegroup-name": "spot", "eks.amazonaws.com/capacityType": "SPOT" }. */
  tags: Record<string, string>;
  filters?: Array<{ path: string; values: string[] }>;
  selection: FisSelection;
  /** Notice before the interruption, 2–15 minutes (FIS limits). */
  durationBeforeInterruptionMs: number;
  fis: FisOptions;
  /** Present when the scenario has a kubernetes target: the interrupted instances' nodes are tracked (and drained). */
  kubernetes?: SpotKubernetesSide;
}

/** The Kubernetes side of a FIS spot interruption. */
export interface SpotKubernetesSide {
  /** Do the termination handler's work on the notice: taint, annotate, cordon and drain by eviction. */
  drain: boolean;
  /** With drain: how long an eviction refused with 429 is retried before it becomes a finding. */
  evictionTimeoutMs: number;
}

/** `fault: az-outage`: FIS's "AZ Availability: Power Interruption" shape for one zone; each part optional. */
export interface AwsAzOutageFault {
  type: 'az-outage';
  /** Availability zone name, e.g. "us-west-2a". */
  zone: string;
  durationMs: number;
  stopInstances: false | { tags?: Record<string, string>; selection: FisSelection; restartAfterDuration: boolean };
  disruptNetwork: false | { scope: 'availability-zone' | 'all'; subnetTags?: Record<string, string> };
  /** Fail over databases whose writer is in the zone; ids or ARNs, or tags FIS resolves. */
  failoverDatabases:
    | false
    | {
        clusters?: string[];
        instances?: string[];
        clusterTags?: Record<string, string>;
        instanceTags?: Record<string, string>;
      };
  fis: FisOptions;
}

/** `fault: db-failover` on target aws: FailoverDBCluster or RebootDBInstance(ForceFailover), directly or via FIS. */
export interface AwsDbFailoverFault {
  type: 'db-failover';
  via: 'api' | 'fis';
  /** Exactly one of cluster or instance (identifier). */
  cluster?: string;
  instance?: string;
  /** Cluster failover: the reader to promote (default: RDS chooses). */
  targetInstance?: string;
  /** How long to wait for the completion event (default 10m). */
  eventTimeoutMs: number;
  /** First DescribeEvents poll interval (default 2s). */
  pollIntervalMs: number;
  /** Required when via is fis. */
  fis?: FisOptions;
}

export type AwsFault = AwsFisExperimentFault | AwsSpotInterruptionFault | AwsAzOutageFault | AwsDbFailoverFault;

/** What the planner knows about the AWS target, discovered before any mutation. */
export interface AwsInventory {
  region: string;
  identity?: AwsIdentity;
  /** FIS experiment role from targets.aws. */
  fisRoleArn?: string;
  /** Databases the scenario names, with their writer zones. */
  databases: RdsDatabase[];
}

/** An AWS fault resolved against the inventory (the PlannedFault shape, target aws). */
export interface PlannedAwsFault<F extends AwsFault = AwsFault> {
  fault: F;
  target: 'aws';
  description: string;
  affected: string[];
  /** Unknown before FIS resolves targets; COUNT(n) selections give n. */
  unavailable: number;
  fleet: number;
  /** The experiment to build a template from, when the fault goes through FIS and no template id is given. */
  experiment?: FisExperimentSpec;
  /** Resolved database for db-failover. */
  database?: RdsDatabase;
  /** FIS role the template runs as (when a template is built). */
  roleArn?: string;
  /** Things the plan noticed that are not errors (a named database whose writer is elsewhere). */
  notes?: string[];
}

/** A timeline entry (same shape as the report's TimelineEntry). */
export interface AwsTimelineEntry {
  at: string;
  t: number;
  kind: string;
  message: string;
}

/** What an AWS fault adds to its step's execution, for the timeline and the report. */
export interface AwsExecutionRecord {
  /** The step's name, as the report labels it. */
  step: string;
  timeline: AwsTimelineEntry[];
  resolvedTargets: FisResolvedTarget[];
  fis?: { templateId: string; experimentId?: string; status: string; reason?: string; actions?: FisActionState[] };
}
