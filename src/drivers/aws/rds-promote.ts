// RDS read replica promotion for region failover runbooks: PromoteReadReplica and the state checks
// around it. A promotion cannot be undone: RDS has no call that turns a standalone instance back into
// a replica, so the undo only reports what a person has to do.

import { DescribeDBInstancesCommand, PromoteReadReplicaCommand, type RDSClient } from '@aws-sdk/client-rds';
import { GamedayError } from '../../errors.js';

const opt = (signal?: AbortSignal): { abortSignal?: AbortSignal } => (signal ? { abortSignal: signal } : {});

export interface ReplicaState {
  id: string;
  status: string;
  /** ReadReplicaSourceDBInstanceIdentifier: null once promoted (or never a replica). */
  source: string | null;
}

export async function replicaState(client: RDSClient, id: string, signal?: AbortSignal): Promise<ReplicaState> {
  const res = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }), opt(signal));
  const db = res.DBInstances?.[0];
  if (!db) throw new GamedayError(`RDS instance ${id} not found`, { kind: 'runtime', code: 'RDS_NOT_FOUND' });
  return {
    id,
    status: db.DBInstanceStatus ?? 'unknown',
    source: db.ReadReplicaSourceDBInstanceIdentifier ?? null,
  };
}

export async function promoteReadReplica(
  client: RDSClient,
  id: string,
  opts: { backupRetentionPeriod?: number; signal?: AbortSignal } = {},
): Promise<void> {
  await client.send(
    new PromoteReadReplicaCommand({
      DBInstanceIdentifier: id,
      ...(opts.backupRetentionPeriod === undefined ? {} : { BackupRetentionPeriod: opts.backupRetentionPeriod }),
    }),
    opt(opts.signal),
  );
}

/**
 * The "rollback" of a promotion: fine when the instance is still a replica and no promotion was
 * requested (it never happened), otherwise an error that says the promotion stands and what to do.
 * `requested`: PromoteReadReplica returned success — then the promotion is under way even while RDS
 * still reports a replica (it stays one until the promotion finishes), and it cannot be called off.
 */
export async function checkPromotionUndone(
  client: RDSClient,
  id: string,
  source: string | null,
  signal?: AbortSignal,
  requested = false,
): Promise<string> {
  const now = await replicaState(client, id, signal);
  if (now.source !== null && !requested) {
    return `RDS instance ${id} is still a read replica of ${now.source}: nothing to undo`;
  }
  const what =
    now.source === null
      ? `RDS instance ${id} was promoted to a standalone primary; a promotion cannot be rolled back`
      : `PromoteReadReplica of RDS instance ${id} was accepted and cannot be called off; RDS still reports ` +
        `a read replica of ${now.source} (status ${now.status}), so the promotion is under way or stalled`;
  const primary = source ?? now.source ?? 'the primary';
  throw new GamedayError(what, {
    kind: 'rollback-incomplete',
    code: 'RDS_PROMOTION_IRREVERSIBLE',
    phase: 'rollback',
    target: `rds instance ${id}`,
    hint:
      `RDS cannot turn a promoted instance back into a replica: ${id} becomes a standalone primary and the DR ` +
      `region is left without a read replica. To restore the DR setup, create a new read replica of ${primary} ` +
      `in ${id}'s region (CreateDBInstanceReadReplica) and retire ${id} once nothing writes to it (a final ` +
      `snapshot keeps what was written there); to stay on the DR region instead, fail back with its own scenario`,
  });
}
