// Shapes of the sandbox control API and its state files (see infra-fixtures/sandbox/supervisor.mjs).

export type ReplicaState = 'starting' | 'ready' | 'draining' | 'terminating';
export type ReplicaCapacity = 'spot' | 'on-demand';

/** One API replica as the supervisor sees it. Times are epoch milliseconds. */
export interface ReplicaInfo {
  id: string;
  zone: string;
  /** Only in a sandbox with regions. */
  region?: string;
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
  /** The region the server lives in ("local" without regions). */
  region?: string;
}

/** The database topology. `primary` is null only between the two steps of a failover (stopped, not yet promoted). */
export interface DbStatus {
  writerUrl: string;
  readerUrl: string;
  primary: DbNodeInfo | null;
  standby: DbNodeInfo | null;
  /** A primary that is stopped and not replaced yet (mid-failover, or its region is down). */
  stoppedPrimary?: DbNodeInfo | null;
  /** Delaying links standbys stream over (cross-region replication): one per streaming standby at most. */
  replicationLinks?: number;
}

/** One region of GET /status; a sandbox without regions has one, named "local". */
export interface RegionStatus {
  zones: string[];
  desired: number;
  ready: number;
  /** True for the region the balancer routes to (the sandbox's DNS answer). */
  serving: boolean;
  /** True while the region has an outage (POST /regions/:region/down). */
  down: boolean;
  /** Role of the database server in this region. */
  database: 'primary' | 'standby' | null;
}

/**
 * GET /status. `ready` counts replicas whose IPC "ready" arrived (ground truth, not the balancer's view).
 * With regions, `desired`/`ready` are the serving region's fleet; `replicas` and `zones` cover every region.
 */
export interface SandboxStatus {
  desired: number;
  ready: number;
  replicas: ReplicaInfo[];
  zones: Record<string, { up: boolean }>;
  /** A replica is being moved to even out the zones (after a zone or region came back). */
  rebalancing?: boolean;
  apiUrl: string;
  db: DbStatus | null;
  lastFleetWholeAt: number | null;
  servingRegion: string;
  regions: Record<string, RegionStatus>;
  /** The sandbox's state directory: which instance this is (absent from sandboxes older than the field). */
  stateDir?: string;
}

/** A region of the sandbox config: the first is the primary region, the second the DR region. */
export interface SandboxRegionConfig {
  name: string;
  /** Zone names inside the region (default: the sandbox's zones); replicas are placed in "<region>-<zone>". */
  zones?: string[];
  /** Replicas at start (default: the sandbox's count for the first region, 0 for the second). */
  replicas?: number;
}

export interface TrafficSwitchResult {
  servingRegion: string;
  previous: string;
  changed: boolean;
  /** Epoch ms of the switch (absent when nothing changed). */
  switchedAt?: number;
}

export interface RegionScaleResult {
  region: string;
  previous: number;
  desired: number;
}

export interface RegionDownResult {
  region: string;
  killed: TargetedReplica[];
  databaseStopped: string[];
}

export interface RegionUpResult {
  region: string;
  up: true;
  databaseStarted: string[];
}

/** How a region outage stops its database server: immediate = crash, none = it keeps running. */
export type RegionOutageDatabase = 'immediate' | 'fast' | 'none';

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
  /**
   * A clean stop (fast/smart): the primary's last WAL record (its shutdown checkpoint), which the
   * standby must replay before it is promoted; null after an immediate stop.
   */
  lsn?: string | null;
}

export interface PromoteResult {
  oldPrimary: string | null;
  newPrimary: string;
  promotedAt: number;
  region?: string;
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
  | 'zones-rebalancing'
  | 'db-primary-ready'
  | 'db-standby-ready'
  | 'db-failover'
  | 'db-promoted'
  | 'db-primary-stopped'
  | 'db-primary-restarted'
  | 'db-standby-stopped'
  | 'db-standby-restarted'
  | 'db-node-retired'
  | 'traffic-switched'
  | 'region-scaled'
  | 'region-down'
  | 'region-up';

/** One line of stateDir/events.ndjson: `at` is epoch ms with sub-millisecond precision. */
export interface GroundTruthEvent {
  at: number;
  event: GroundTruthEventName;
  id?: string;
  zone?: string;
  region?: string;
  [field: string]: unknown;
}
