// The resolved drill configuration (what the scenario's `drill:` section becomes after validation and
// defaults) and the drill's result. The scenario schema maps YAML onto these; the drill engine reads
// nothing else.

import type { Readable } from 'node:stream';
import type { Journal } from '../runner/journal.js';
import type { DrillSourceSummary, ObjectiveResult, TimelineEntry, ValidationResult } from '../report/types.js';
import type { Clock } from '../util/clock.js';

/** How to choose among several artifacts. */
export interface ArtifactPick {
  /** "newest" (default) or "random" among those within `withinMs` of now (as AWS Backup restore testing does). */
  strategy: 'newest' | 'random';
  withinMs?: number;
  /** Artifact time: the storage's modification time, or a timestamp parsed from the name. */
  timeFrom: 'modified' | 'name';
}

export type DrillSourceConfig =
  /** pg_dump of the sandbox primary (its writer URL comes from the control API, or `url`). */
  | { kind: 'sandbox'; controlUrl?: string; url?: string }
  /** pg_dump of any database; the dump's time is backup time, not restore time. */
  | { kind: 'postgres'; url: string }
  /** One existing artifact: custom format, or custom format gzip'ed (.dump.gz, .sql.gz), or plain SQL (.sql/.sql.gz). */
  | { kind: 'file'; path: string }
  /** The chosen artifact in a folder whose names match `pattern` (a glob: `connectkit-backup-*.sql.gz`). */
  | { kind: 'directory'; path: string; pattern?: string; pick: ArtifactPick }
  /** The chosen object under an S3 prefix (same selection as `directory`, over ListObjectsV2). */
  | { kind: 's3'; bucket: string; prefix: string; pattern?: string; region?: string; pick: ArtifactPick }
  /** An RDS snapshot (or a point in time) restored into a scratch instance. */
  | RdsSourceConfig;

export interface RdsSourceConfig {
  kind: 'rds';
  region?: string;
  /** The production instance whose snapshots (or point in time) are restored. */
  dbInstanceIdentifier: string;
  /** Snapshot restore (newest or random within a window), or point-in-time restore. */
  mode:
    | { kind: 'snapshot'; snapshotType: 'automated' | 'manual' | 'any'; pick: ArtifactPick }
    | { kind: 'point-in-time'; restoreTime: 'latest' | string };
  scratch: {
    /** Prefix of the scratch instance id; a run-unique suffix is added. */
    instanceIdPrefix: string;
    instanceClass: string;
    subnetGroup: string;
    securityGroupIds: string[];
  };
  /** How the drill logs into the restored copy (the master user keeps its password across restores). */
  credentials: { user: string; passwordEnv: string; database: string };
  /** Time allowed for the instance to become available. */
  waitTimeoutMs: number;
}

/** Where a dump is restored. */
export type DrillTargetConfig =
  /** A throwaway PostgreSQL server in a temp dir (default). */
  | { kind: 'scratch-server' }
  /** A scratch database created (and dropped) on an existing server; `url` is a maintenance connection. */
  | { kind: 'database'; url: string };

export interface ExpectValue {
  equals?: string | number | boolean | null;
  min?: number;
  max?: number;
}

export type ValidationConfig =
  /** The first column of the first row must match. */
  | { kind: 'query'; name: string; sql: string; expect: ExpectValue }
  /** count(*) of each table within `tolerancePercent` of the source (live source DB, or `expected`). */
  | { kind: 'rowCounts'; name?: string; tables: string[]; tolerancePercent: number; expected?: Record<string, number> }
  /** md5 over each table's rows (ordered), equal to the source's (live source DB, or `expected`). */
  | { kind: 'checksum'; name?: string; tables: string[]; expected?: Record<string, string> }
  /** Tables (and optionally columns) exist. */
  | { kind: 'schema'; name?: string; tables: Array<{ name: string; columns?: string[] }> }
  /** The newest marker present in the copy: RPO = drill start − its time. */
  | { kind: 'marker'; name?: string; table: string; column: string };

export interface DrillObjectives {
  /** Restore duration bound (the restore's part of RTO). */
  restoreTimeMaxMs?: number;
  /** RPO bound: drill start − newest marker present in the copy. */
  rpoMaxMs?: number;
  /** Source age bound: drill start − artifact time. */
  sourceAgeMaxMs?: number;
  /** "all": every validation must pass. */
  validations: 'all' | 'none';
}

export interface DrillConfig {
  name: string;
  source: DrillSourceConfig;
  target: DrillTargetConfig;
  restore: {
    /** pg_restore -j (default 2). */
    jobs: number;
  };
  /** Explicit validations; when undefined the defaults run (see defaultValidations). */
  validations?: ValidationConfig[];
  /** Live database to compare row counts and checksums with; defaults to a pg_dump source's URL. */
  compareWith?: string;
  /** Marker used for RPO when no `marker` validation is given and the table exists in the copy. */
  marker: { table: string; column: string };
  objectives: DrillObjectives;
  /** Time limit for the whole drill except cleanup. */
  timeoutMs: number;
  /** Time limit for cleanup (it runs even after the time limit or an abort). */
  cleanupTimeoutMs: number;
  /** Parent of the drill's temp dirs (default os.tmpdir()). */
  workDir?: string;
}

export type DrillStep = 'select' | 'fetch' | 'target' | 'restore' | 'validate' | 'cleanup';

export type DrillEvent =
  | { kind: 'step'; step: DrillStep; status: 'start' | 'done' | 'failed'; detail?: string }
  | { kind: 'progress'; step: DrillStep; bytes: number; totalBytes: number | null; elapsedMs: number }
  | { kind: 'validation'; result: ValidationResult };

export interface DrillRunOptions {
  journal: Journal;
  clock: Clock;
  signal?: AbortSignal;
  onProgress?(event: DrillEvent): void;
  /** Source implementations by kind (s3, rds, or a replacement for a built-in one). */
  sources?: Partial<Record<DrillSourceConfig['kind'], (config: DrillSourceConfig) => DrillSource>>;
  binDir?: string;
  /** The random source for `pick: random` (default Math.random). */
  random?: () => number;
}

// ---- sources ----

/** One backup artifact as listed by a source. */
export interface ArtifactInfo {
  /** File name, object key, or snapshot id. */
  name: string;
  /** Where it lives, for reports: a path, s3://bucket/key, arn. */
  location: string;
  /** Epoch ms when the backup was taken; null when unknown (then age is null too). */
  createdAt: number | null;
  bytes: number | null;
}

/** An artifact brought onto this machine. */
export interface FetchedArtifact {
  path: string;
  bytes: number;
  /** Set by sources that make the backup themselves (pg_dump): when it was taken, and how long it took. */
  createdAt?: number;
  backupMs?: number;
}

export interface SourceContext {
  signal: AbortSignal;
  /** Epoch ms of "now" for age windows. */
  now: number;
  /** Draws for `pick: random`, seeded from the run's seed so `--seed N` picks the same artifact again. */
  random?: () => number;
  onProgress?(bytes: number, totalBytes: number | null, elapsedMs: number): void;
}

/** A source that yields a pg_dump (or SQL) file to restore. */
export interface DumpSource {
  readonly type: 'dump';
  readonly kind: string;
  /** A live database holding the same data, for row-count and checksum comparisons. */
  compareUrl?: string;
  select(ctx: SourceContext): Promise<ArtifactInfo>;
  fetch(artifact: ArtifactInfo, workDir: string, ctx: SourceContext): Promise<FetchedArtifact>;
}

/** A database the source restored itself (an RDS scratch instance). */
export interface RestoredCopy {
  url: string;
}

/** Registers a cleanup that always runs at the end of the drill (newest first); it must be idempotent. */
export type Defer = (label: string, cleanup: (signal: AbortSignal) => Promise<string>) => void;

/** A source that restores by itself (RDS snapshot / point in time); journals its scratch instance. */
export interface SnapshotSource {
  readonly type: 'snapshot';
  readonly kind: string;
  select(ctx: SourceContext): Promise<ArtifactInfo>;
  /** Journal the scratch instance and `defer` its deletion before creating it. */
  restore(artifact: ArtifactInfo, ctx: SourceContext & { journal: Journal; defer: Defer }): Promise<RestoredCopy>;
}

export type DrillSource = DumpSource | SnapshotSource;

/** A byte stream from object storage (AWS SDK v3 bodies are Readable in Node). */
export type ObjectBody = Readable | AsyncIterable<Uint8Array>;

// ---- result ----

export type ValidationValue = string | number | boolean | null;

export type { ValidationResult };

export type DrillStatus = 'passed' | 'failed' | 'error' | 'aborted';

export interface DrillResult {
  name: string;
  /** passed: restore done and every objective held; failed: an objective or validation failed; error/aborted: the drill could not finish. */
  status: DrillStatus;
  error?: { code: string; message: string; step: DrillStep | null };
  startedAt: string;
  endedAt: string;
  source: DrillSourceSummary;
  restore: {
    target: DrillTargetConfig['kind'] | 'snapshot';
    startedAt: string;
    /** Decompression + restore tool + target creation: the restore's part of RTO. */
    durationMs: number;
    /** The restore tool alone (pg_restore / psql). */
    toolMs: number | null;
    jobs: number;
    databaseBytes: number | null;
  } | null;
  rpoSeconds: number | null;
  newestMarkerAt: string | null;
  validations: ValidationResult[];
  /** The drill's objectives, evaluated (empty when the drill errored before restoring). */
  objectives: ObjectiveResult[];
  cleanup: { complete: boolean; detail: string[]; failed: string[] };
  timeline: TimelineEntry[];
}

export type ArtifactFormat = 'custom' | 'custom+gzip' | 'sql' | 'sql+gzip';
