// Plain-data shapes of the AWS driver: the resolved `targets.aws` config, FIS templates and experiments
// as the FIS API documents them, RDS events. Nothing here imports the SDK, so faults, probes and the
// IAM generator can use these types without depending on it.

/** The AWS services gameday calls. Keys of `endpoints`. */
export const AWS_SERVICES = ['fis', 'rds', 'ec2', 'sts', 'cloudwatch', 's3', 'route53'] as const;
export type AwsService = (typeof AWS_SERVICES)[number];

/** Resolved `targets.aws`: where and as whom gameday may act. */
export interface AwsTargetConfig {
  /** Region every client uses, e.g. "us-west-2". */
  region: string;
  /** Regions the scenario may act in (default: [region]). The identity guard refuses any other. */
  regions: string[];
  /** Account ids the caller identity must belong to. Empty refuses every account. */
  accounts: string[];
  /** Named profile for the default credential chain (default: the chain's own choice). */
  profile?: string;
  /** One endpoint for every service (an emulator such as moto). */
  endpoint?: string;
  /** Per-service endpoint overrides; win over `endpoint`. */
  endpoints?: Partial<Record<AwsService, string>>;
  /** SDK retry mode on throttling and transient errors (default adaptive). */
  retryMode: 'adaptive' | 'standard';
  /** Attempts per call, first try included (default 5). */
  maxAttempts: number;
  /** Time one call may take, retries included (default 60s). */
  callTimeoutMs?: number;
  /** FIS experiment role that templates run as (required for FIS faults that build a template). */
  fisRoleArn?: string;
  /** A shared target lock in S3 (targets.aws.lock): bucket and key prefix ("gameday/"). */
  lock?: { bucket: string; prefix: string };
}

/** What a journaled undo needs to rebuild a client: region and endpoint only, never credentials. */
export interface AwsLocation {
  region: string;
  endpoint?: string;
}

/** The caller identity STS reported, after the guard accepted it. */
export interface AwsIdentity {
  account: string;
  arn: string;
  region: string;
}

// ---------- FIS (shapes of the FIS API reference, 2020-12-01) ----------

export interface FisTargetInput {
  resourceType: string;
  resourceArns?: string[];
  resourceTags?: Record<string, string>;
  filters?: Array<{ path: string; values: string[] }>;
  /** ALL, COUNT(n) or PERCENT(n). */
  selectionMode: string;
  parameters?: Record<string, string>;
}

export interface FisActionInput {
  actionId: string;
  description?: string;
  parameters?: Record<string, string>;
  targets?: Record<string, string>;
  startAfter?: string[];
}

/** A CreateExperimentTemplate request body. */
export interface FisTemplateInput {
  clientToken: string;
  description: string;
  roleArn: string;
  targets: Record<string, FisTargetInput>;
  actions: Record<string, FisActionInput>;
  stopConditions: Array<{ source: 'none' | 'aws:cloudwatch:alarm'; value?: string }>;
  logConfiguration?: {
    logSchemaVersion: number;
    cloudWatchLogsConfiguration?: { logGroupArn: string };
    s3Configuration?: { bucketName: string; prefix?: string };
  };
  experimentOptions?: { emptyTargetResolutionMode?: 'fail' | 'skip'; accountTargeting?: 'single-account' };
  tags: Record<string, string>;
}

/** Experiment states; `cancelled` is in the current API reference even where an older SDK model lacks it. */
export type FisExperimentStatus =
  'pending' | 'initiating' | 'running' | 'completed' | 'stopping' | 'stopped' | 'failed' | 'cancelled';

export const FIS_TERMINAL: readonly string[] = ['completed', 'stopped', 'failed', 'cancelled'];

export interface FisActionState {
  name: string;
  actionId: string;
  status: string;
  reason?: string;
  startTime?: Date;
  endTime?: Date;
}

/** The parts of GetExperiment gameday reads. */
export interface FisExperimentView {
  id: string;
  templateId?: string;
  status: string;
  reason?: string;
  /** ExperimentState.error, when FIS gives one (code, location, account). */
  error?: { code?: string; location?: string; accountId?: string };
  startTime?: Date;
  endTime?: Date;
  actions: FisActionState[];
  tags: Record<string, string>;
}

export interface FisResolvedTarget {
  targetName: string;
  resourceType: string;
  /** e.g. { arn: "arn:aws:ec2:…:instance/i-…" }. */
  info: Record<string, string>;
}

// ---------- RDS ----------

/** One RDS event as DescribeEvents returns it. */
export interface RdsEvent {
  sourceId: string;
  sourceType: string;
  message: string;
  categories: string[];
  date: Date;
  sourceArn?: string;
}

export interface RdsDatabase {
  kind: 'cluster' | 'instance';
  id: string;
  arn: string;
  status: string;
  engine?: string;
  multiAz: boolean;
  /** Zone of the writer: the cluster writer's instance zone, or the instance's own zone. */
  writerZone?: string;
  /** Cluster writer instance id. */
  writer?: string;
  members?: Array<{ id: string; writer: boolean; zone?: string }>;
  secondaryZone?: string;
  tags: Record<string, string>;
}
