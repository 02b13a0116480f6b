// RDS restore drills: the interface the AWS driver implements (src/drivers/aws), and the source that
// uses it — choose a snapshot (or a point in time), restore it into a journaled scratch instance,
// wait for it, hand its URL to the validations, delete it at cleanup.

import { randomBytes } from 'node:crypto';
import { GamedayError } from '../../errors.js';
import { pickArtifact } from '../select.js';
import type { ArtifactInfo, RdsSourceConfig, SnapshotSource } from '../types.js';

/** DescribeDBSnapshots: one snapshot. */
export interface RdsSnapshotInfo {
  /** DBSnapshotIdentifier. */
  snapshotId: string;
  snapshotArn: string;
  dbInstanceIdentifier: string;
  /** SnapshotCreateTime. */
  createdAt: Date;
  /** SnapshotType: "automated" | "manual" (others are ignored). */
  type: string;
  /** Status: only "available" snapshots are restored. */
  status: string;
  /** AllocatedStorage in GiB. */
  allocatedStorageGiB: number;
}

/** What the restored instance looks like; `instanceClass` etc. come from the drill's `scratch`. */
export interface RdsScratchSpec {
  /** DBInstanceIdentifier of the scratch instance (gameday-drill-…). */
  dbInstanceIdentifier: string;
  instanceClass: string;
  subnetGroup: string;
  securityGroupIds: string[];
  /** Tags to set: gameday:run, gameday:drill (for finding leftovers by hand). */
  tags: Record<string, string>;
}

/**
 * The RDS calls a drill needs. The implementation (src/drivers/aws) maps them onto
 * DescribeDBSnapshots, RestoreDBInstanceFromDBSnapshot, RestoreDBInstanceToPointInTime, the
 * DBInstanceAvailable waiter, and DeleteDBInstance (SkipFinalSnapshot, DeleteAutomatedBackups).
 * Every method honours `signal`.
 */
export interface RdsLike {
  /** Region and endpoint of the client (never credentials), journaled with the scratch instance. */
  readonly location?: { region: string; endpoint?: string };
  listSnapshots(input: {
    dbInstanceIdentifier: string;
    snapshotType: 'automated' | 'manual' | 'any';
    signal?: AbortSignal;
  }): Promise<RdsSnapshotInfo[]>;
  restoreFromSnapshot(input: { snapshotId: string; scratch: RdsScratchSpec; signal?: AbortSignal }): Promise<void>;
  restoreToPointInTime(input: {
    sourceDbInstanceIdentifier: string;
    /** null: UseLatestRestorableTime. */
    restoreTime: Date | null;
    scratch: RdsScratchSpec;
    signal?: AbortSignal;
  }): Promise<void>;
  /** Wait until the instance is available; returns its endpoint. */
  waitAvailable(input: {
    dbInstanceIdentifier: string;
    timeoutMs: number;
    signal?: AbortSignal;
  }): Promise<{ address: string; port: number }>;
  /** Delete; a missing instance counts as deleted (DBInstanceNotFound). Idempotent. */
  deleteInstance(input: { dbInstanceIdentifier: string; signal?: AbortSignal }): Promise<string>;
}

/**
 * Undo action the AWS driver must register in src/faults/undo.ts:
 * `aws:delete-db-instance` with args `{ region, endpoint?, dbInstanceIdentifier }`.
 */
export const RDS_DELETE_UNDO = { driver: 'aws', op: 'delete-db-instance' } as const;

/** An RDS snapshot / point-in-time source over an injected RdsLike. */
export function rdsSource(config: RdsSourceConfig, client: RdsLike, runId: string): SnapshotSource {
  return {
    type: 'snapshot',
    kind: 'rds',
    async select(ctx) {
      const mode = config.mode;
      if (mode.kind === 'point-in-time') {
        const at = mode.restoreTime === 'latest' ? null : Date.parse(mode.restoreTime);
        return {
          name: `${config.dbInstanceIdentifier}@${mode.restoreTime}`,
          location: config.dbInstanceIdentifier,
          createdAt: at,
          bytes: null,
        };
      }
      const snapshots = await client.listSnapshots({
        dbInstanceIdentifier: config.dbInstanceIdentifier,
        snapshotType: mode.snapshotType,
        signal: ctx.signal,
      });
      return pickArtifact(
        snapshots
          .filter((s) => s.status === 'available')
          .map((s) => ({
            name: s.snapshotId,
            location: s.snapshotArn,
            modifiedAt: s.createdAt.getTime(),
            bytes: s.allocatedStorageGiB * 1024 ** 3,
          })),
        {
          pick: { ...mode.pick, timeFrom: 'modified' },
          now: ctx.now,
          where: `snapshots of ${config.dbInstanceIdentifier}`,
          ...(ctx.random ? { random: ctx.random } : {}),
        },
      );
    },
    async restore(artifact: ArtifactInfo, ctx) {
      const id = `${config.scratch.instanceIdPrefix}-${randomBytes(4).toString('hex')}`.slice(0, 63);
      const scratch: RdsScratchSpec = {
        dbInstanceIdentifier: id,
        instanceClass: config.scratch.instanceClass,
        subnetGroup: config.scratch.subnetGroup,
        securityGroupIds: config.scratch.securityGroupIds,
        tags: { 'gameday:run': runId, 'gameday:drill': artifact.name },
      };
      // The client's location (region + emulator endpoint) when it has one: `gameday rollback` needs both.
      const at = client.location;
      const entry = await ctx.journal.intent('drill', 'restore rds scratch instance', id, {
        ...RDS_DELETE_UNDO,
        args: { ...at, region: at?.region ?? config.region ?? null, dbInstanceIdentifier: id },
      });
      let disposed = false;
      const dispose = async (signal: AbortSignal): Promise<string> => {
        if (disposed) return `${id} already deleted`;
        const detail = await client.deleteInstance({ dbInstanceIdentifier: id, signal });
        disposed = true;
        ctx.journal.undone(entry, detail);
        return detail;
      };
      // Registered before the create call: cleanup deletes it even when the restore or the wait fails.
      ctx.defer(`delete RDS instance ${id}`, dispose);
      if (config.mode.kind === 'point-in-time') {
        const t = config.mode.restoreTime;
        await client.restoreToPointInTime({
          sourceDbInstanceIdentifier: config.dbInstanceIdentifier,
          restoreTime: t === 'latest' ? null : new Date(t),
          scratch,
          signal: ctx.signal,
        });
      } else {
        await client.restoreFromSnapshot({ snapshotId: artifact.name, scratch, signal: ctx.signal });
      }
      ctx.journal.applied(entry);
      const endpoint = await client.waitAvailable({
        dbInstanceIdentifier: id,
        timeoutMs: config.waitTimeoutMs,
        signal: ctx.signal,
      });
      const password = process.env[config.credentials.passwordEnv];
      if (password === undefined) {
        throw new GamedayError(`environment variable ${config.credentials.passwordEnv} is not set`, {
          kind: 'invalid-input',
          code: 'DRILL_CREDENTIALS',
          hint: 'set it to the master password of the source instance',
        });
      }
      const u = new URL(`postgres://${endpoint.address}:${endpoint.port}/${config.credentials.database}`);
      u.username = config.credentials.user;
      u.password = password;
      return { url: u.toString() };
    },
  };
}
