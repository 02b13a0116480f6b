// Shapes of the sandbox control API and its state files (see infra-fixtures/sandbox/supervisor.mjs).

export type ReplicaState = 'starting' | 'ready' | 'draining' | 'terminating';
export type ReplicaCapacity = 'spot' | 'on-demand';

/** One API replica as the supervisor sees it. Times are epoch milliseconds. */
export interface ReplicaInfo {
  id: string;
  zone: string;
  capacity: ReplicaCapacity;
  pid: number;
  port: number | null;
  state: ReplicaState;
  startedAt: number;
  readyAt: number | null;
}

export interface DbNodeInfo {
  name: string;
  port: number;
  pid: number | null;
}

/** The database topology. `primary` is null only between the two steps of a failover (stopped, not yet promoted). */
export interface DbStatus {
  writerUrl: string;
  readerUrl: string;
  primary: DbNodeInfo | null;
  standby: DbNodeInfo | null;
}

/** GET /status. `ready` counts replicas whose IPC "ready" arrived (ground truth, not the balancer's view). */
export interface SandboxStatus {
  desired: number;
  ready: number;
  replicas: ReplicaInfo[];
  zones: Record<string, { up: boolean }>;
  apiUrl: string;
  db: DbStatus | null;
  lastFleetWholeAt: number | null;
}

export interface TargetedReplica {
  id: string;
  zone: string;
  pid: number;
}

export interface KillResult {
  killed: TargetedReplica[];
}

export interface InterruptResult {
  interrupted: TargetedReplica[];
}

export interface ZoneDownResult {
  zone: string;
  killed: TargetedReplica[];
}

export interface ZoneUpResult {
  zone: string;
  up: true;
}

export interface FailoverResult {
  oldPrimary: string;
  newPrimary: string;
  /** Epoch ms at which the writer endpoint pointed at the new primary. */
  promotedAt: number;
}

export interface StopPrimaryResult {
  stopped: string;
  standby: string;
  /** Epoch ms at which the primary had stopped. */
  stoppedAt: number;
}

export interface PromoteResult {
  oldPrimary: string | null;
  newPrimary: string;
  promotedAt: number;
}

export interface RebuildStandbyResult {
  primary: DbNodeInfo;
  standby: DbNodeInfo;
}

export type KillSignal = 'SIGKILL' | 'SIGTERM';
export type FailoverMode = 'fast' | 'immediate';

/** stateDir/sandbox.json, written once the sandbox is up and kept current while it runs. */
export interface SandboxStateFile {
  pid: number;
  controlUrl: string;
  apiUrl: string;
  databaseUrl: string | null;
  readerUrl: string | null;
  pids: number[];
  pgDataDirs: string[];
  pgBinDir: string | null;
}

export type GroundTruthEventName =
  | 'sandbox-starting'
  | 'sandbox-up'
  | 'sandbox-stopping'
  | 'sandbox-stopped'
  | 'owner-gone'
  | 'replica-started'
  | 'replica-listening'
  | 'replica-ready'
  | 'replica-draining'
  | 'replica-signalled'
  | 'replica-exited'
  | 'fleet-degraded'
  | 'fleet-whole'
  | 'desired-changed'
  | 'zone-down'
  | 'zone-up'
  | 'db-primary-ready'
  | 'db-standby-ready'
  | 'db-failover'
  | 'db-promoted';

/** One line of stateDir/events.ndjson: `at` is epoch ms with sub-millisecond precision. */
export interface GroundTruthEvent {
  at: number;
  event: GroundTruthEventName;
  id?: string;
  zone?: string;
  [field: string]: unknown;
}
