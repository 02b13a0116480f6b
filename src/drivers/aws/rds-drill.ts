// Amazon RDS for restore drills: the RdsLike the drill's rds source uses (src/drill/sources/rds.ts) —
// DescribeDBSnapshots, RestoreDBInstanceFromDBSnapshot / RestoreDBInstanceToPointInTime into a scratch
// instance, the SDK's DBInstanceAvailable waiter, DeleteDBInstance without a final snapshot.

import {
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  RestoreDBInstanceToPointInTimeCommand,
  waitUntilDBInstanceAvailable,
  type DBSnapshot,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { RdsLike, RdsScratchSpec, RdsSnapshotInfo } from '../../drill/sources/rds.js';
import { GamedayError } from '../../errors.js';
import { sleep } from '../../util/clock.js';
import type { AwsLocation } from './types.js';

export interface RdsDrillOptions {
  /** Region and endpoint of the client, journaled with the scratch instance so `gameday rollback` finds it. */
  location?: AwsLocation;
  /** Waiter delays in seconds (the SDK's defaults are 30 s / 120 s; tests on an emulator use 1 s). */
  minDelaySeconds?: number;
  maxDelaySeconds?: number;
  /** Time between DeleteDBInstance retries while the instance is in a state that refuses deletion. */
  deleteRetryMs?: number;
}

const opt = (signal?: AbortSignal): { abortSignal?: AbortSignal } => (signal ? { abortSignal: signal } : {});
const errorName = (error: unknown): string => (error as { name?: string } | null)?.name ?? '';
const notFound = (error: unknown): boolean => /DBInstanceNotFound/.test(errorName(error));

function snapshotView(s: DBSnapshot): RdsSnapshotInfo {
  return {
    snapshotId: s.DBSnapshotIdentifier ?? '',
    snapshotArn: s.DBSnapshotArn ?? '',
    dbInstanceIdentifier: s.DBInstanceIdentifier ?? '',
    createdAt: s.SnapshotCreateTime ?? new Date(0),
    type: s.SnapshotType ?? '',
    status: s.Status ?? '',
    allocatedStorageGiB: s.AllocatedStorage ?? 0,
  };
}

/** The scratch instance's network and tags, common to both restore calls. */
function scratchParams(scratch: RdsScratchSpec) {
  return {
    DBInstanceClass: scratch.instanceClass,
    DBSubnetGroupName: scratch.subnetGroup,
    VpcSecurityGroupIds: scratch.securityGroupIds,
    // A drill copy is private, single-AZ and deletable: it lives for minutes and must never block its own cleanup.
    PubliclyAccessible: false,
    MultiAZ: false,
    DeletionProtection: false,
    Tags: Object.entries(scratch.tags).map(([Key, Value]) => ({ Key, Value })),
  };
}

/** An RdsLike over an SDK v3 RDS client. */
export function rdsDrill(client: RDSClient, opts: RdsDrillOptions = {}): RdsLike {
  const describe = async (id: string, signal?: AbortSignal) => {
    const res = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }), opt(signal));
    return res.DBInstances?.[0];
  };
  return {
    ...(opts.location ? { location: opts.location } : {}),

    async listSnapshots(input) {
      const out: RdsSnapshotInfo[] = [];
      let marker: string | undefined;
      do {
        const res = await client.send(
          new DescribeDBSnapshotsCommand({
            DBInstanceIdentifier: input.dbInstanceIdentifier,
            ...(input.snapshotType === 'any' ? {} : { SnapshotType: input.snapshotType }),
            ...(marker === undefined ? {} : { Marker: marker }),
          }),
          opt(input.signal),
        );
        for (const s of res.DBSnapshots ?? []) {
          const view = snapshotView(s);
          if (input.snapshotType === 'any' && view.type !== 'automated' && view.type !== 'manual') continue;
          out.push(view);
        }
        marker = res.Marker;
      } while (marker !== undefined && marker !== '');
      return out;
    },

    async restoreFromSnapshot(input) {
      await client.send(
        new RestoreDBInstanceFromDBSnapshotCommand({
          DBInstanceIdentifier: input.scratch.dbInstanceIdentifier,
          DBSnapshotIdentifier: input.snapshotId,
          ...scratchParams(input.scratch),
        }),
        opt(input.signal),
      );
    },

    async restoreToPointInTime(input) {
      await client.send(
        new RestoreDBInstanceToPointInTimeCommand({
          SourceDBInstanceIdentifier: input.sourceDbInstanceIdentifier,
          TargetDBInstanceIdentifier: input.scratch.dbInstanceIdentifier,
          ...(input.restoreTime === null ? { UseLatestRestorableTime: true } : { RestoreTime: input.restoreTime }),
          ...scratchParams(input.scratch),
        }),
        opt(input.signal),
      );
    },

    async waitAvailable(input) {
      const maxWaitTime = Math.max(1, Math.ceil(input.timeoutMs / 1000));
      const minDelay = Math.min(opts.minDelaySeconds ?? 30, maxWaitTime);
      try {
        await waitUntilDBInstanceAvailable(
          {
            client,
            maxWaitTime,
            minDelay,
            maxDelay: Math.max(minDelay, opts.maxDelaySeconds ?? 120),
            ...opt(input.signal),
          },
          { DBInstanceIdentifier: input.dbInstanceIdentifier },
        );
      } catch (error) {
        if (input.signal?.aborted) throw error;
        throw new GamedayError(
          `RDS instance ${input.dbInstanceIdentifier} did not become available within ${maxWaitTime}s`,
          {
            kind: 'runtime',
            code: 'RDS_RESTORE_TIMEOUT',
            phase: 'restore',
            target: `rds instance ${input.dbInstanceIdentifier}`,
            hint: 'raise the source waitTimeout, or check the instance events in the RDS console',
            cause: error,
          },
        );
      }
      const db = await describe(input.dbInstanceIdentifier, input.signal);
      const address = db?.Endpoint?.Address;
      if (!address) {
        throw new GamedayError(`RDS instance ${input.dbInstanceIdentifier} is available but has no endpoint`, {
          kind: 'runtime',
          code: 'RDS_NO_ENDPOINT',
          phase: 'restore',
        });
      }
      return { address, port: db.Endpoint?.Port ?? 5432 };
    },

    async deleteInstance(input) {
      const id = input.dbInstanceIdentifier;
      for (;;) {
        try {
          await client.send(
            new DeleteDBInstanceCommand({
              DBInstanceIdentifier: id,
              SkipFinalSnapshot: true,
              DeleteAutomatedBackups: true,
            }),
            opt(input.signal),
          );
          return `RDS instance ${id} deleted`;
        } catch (error) {
          if (notFound(error)) return `RDS instance ${id} already gone`;
          if (!/InvalidDBInstanceState/.test(errorName(error))) throw error;
          // Creating, modifying or backing up: deletion is refused until that ends; "deleting" is done already.
          const db = await describe(id, input.signal).catch((e: unknown) => {
            if (notFound(e)) return undefined;
            throw e;
          });
          if (!db) return `RDS instance ${id} already gone`;
          if (db.DBInstanceStatus === 'deleting') return `RDS instance ${id} already being deleted`;
          await sleep(opts.deleteRetryMs ?? 15_000, input.signal);
        }
      }
    },
  };
}
