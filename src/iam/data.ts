// Least-privilege statements for the data paths of a scenario: the region-failover runbook's AWS actions
// (route53-change, rds-promote-read-replica) and the restore drill's sources (S3 backups, RDS snapshots or
// point in time into a scratch instance). Pure; resources come from what the scenario names.

import type { DrillSourceConfig } from '../drill/types.js';
import type { ArnMaker, IamRunbookStep, PolicyStatement } from './types.js';

type Arns = ArnMaker;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const uniq = (xs: string[]): string[] => [...new Set(xs)];

/** Route 53's normalized record name (the ChangeResourceRecordSetsNormalizedRecordNames condition key). */
function normalizedName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** Statements for the runbook's AWS actions; `dbInstances` collects the ARNs gameday describes. */
export function runbookStatements(
  steps: readonly IamRunbookStep[],
  arns: Arns,
  dbInstances: string[],
): PolicyStatement[] {
  const out: PolicyStatement[] = [];
  const r53 = steps.filter((s) => s.action === 'route53-change');
  if (r53.length) {
    const zones = uniq(
      r53.map(
        (s) => `arn:aws:route53:::hostedzone/${(str(s.args['hostedZoneId']) ?? '*').replace(/^\/?hostedzone\//, '')}`,
      ),
    );
    const names = uniq(r53.map((s) => normalizedName(str(s.args['name']) ?? '')));
    const types = uniq(r53.map((s) => str(s.args['type']) ?? ''));
    out.push(
      // Captures the record before the change, verifies it after, finds it again on rollback.
      { Sid: 'ReadRecordSets', Effect: 'Allow', Action: ['route53:ListResourceRecordSets'], Resource: zones },
      // UPSERT to switch; rollback UPSERTs the old record back, or DELETEs one that did not exist before.
      {
        Sid: 'ChangeRecordSets',
        Effect: 'Allow',
        Action: ['route53:ChangeResourceRecordSets'],
        Resource: zones,
        Condition: {
          'ForAllValues:StringEquals': {
            'route53:ChangeResourceRecordSetsNormalizedRecordNames': names,
            'route53:ChangeResourceRecordSetsRecordTypes': types,
            'route53:ChangeResourceRecordSetsActions': ['UPSERT', 'DELETE'],
          },
        },
      },
      {
        Sid: 'WatchRecordChanges',
        Effect: 'Allow',
        Action: ['route53:GetChange'],
        Resource: ['arn:aws:route53:::change/*'],
      },
    );
  }
  const promote = steps.filter((s) => s.action === 'rds-promote-read-replica');
  if (promote.length) {
    const replicas = uniq(
      promote.flatMap((s) => {
        const id = str(s.args['dbInstanceIdentifier']) ?? '*';
        return id.startsWith('arn:') ? [id] : arns((r, a) => [`arn:aws:rds:${r}:${a}:db:${id}`], str(s.args['region']));
      }),
    );
    dbInstances.push(...replicas);
    out.push({ Sid: 'PromoteReplicas', Effect: 'Allow', Action: ['rds:PromoteReadReplica'], Resource: replicas });
  }
  return out;
}

/** Statements for the drill's source; `dbInstances` collects the ARNs gameday describes. */
export function drillStatements(source: DrillSourceConfig, arns: Arns, dbInstances: string[]): PolicyStatement[] {
  if (source.kind === 's3') {
    const bucket = `arn:aws:s3:::${source.bucket}`;
    return [
      {
        Sid: 'ListBackups',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [bucket],
        ...(source.prefix ? { Condition: { StringLike: { 's3:prefix': [`${source.prefix}*`] } } } : {}),
      },
      { Sid: 'ReadBackups', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${bucket}/${source.prefix}*`] },
    ];
  }
  if (source.kind !== 'rds') return [];
  const at = (make: (r: string, a: string) => string[]): string[] => arns(make, source.region);
  const id = source.dbInstanceIdentifier;
  const db = at((r, a) => [`arn:aws:rds:${r}:${a}:db:${id}`]);
  const scratch = at((r, a) => [`arn:aws:rds:${r}:${a}:db:${source.scratch.instanceIdPrefix}-*`]);
  // The restore is authorized on the option and parameter groups too (the engine's defaults) and the subnet group.
  const groups = at((r, a) => [
    `arn:aws:rds:${r}:${a}:subgrp:${source.scratch.subnetGroup}`,
    `arn:aws:rds:${r}:${a}:og:*`,
    `arn:aws:rds:${r}:${a}:pg:*`,
  ]);
  const out: PolicyStatement[] = [];
  if (source.mode.kind === 'snapshot') {
    // Automated snapshots are named rds:<instance>-<time>; manual ones can have any name.
    const snapshots = at((r, a) => [
      source.mode.kind === 'snapshot' && source.mode.snapshotType === 'automated'
        ? `arn:aws:rds:${r}:${a}:snapshot:rds:${id}-*`
        : `arn:aws:rds:${r}:${a}:snapshot:*`,
    ]);
    out.push(
      { Sid: 'FindSnapshots', Effect: 'Allow', Action: ['rds:DescribeDBSnapshots'], Resource: [...db, ...snapshots] },
      {
        Sid: 'RestoreScratchInstance',
        Effect: 'Allow',
        Action: ['rds:RestoreDBInstanceFromDBSnapshot'],
        Resource: [...scratch, ...snapshots, ...groups],
      },
    );
  } else {
    out.push({
      Sid: 'RestoreScratchInstance',
      Effect: 'Allow',
      Action: ['rds:RestoreDBInstanceToPointInTime'],
      Resource: [...db, ...scratch, ...groups],
    });
  }
  dbInstances.push(...scratch);
  out.push(
    // The restore call carries the scratch instance's tags; AWS checks AddTagsToResource for them (no SDK call).
    {
      Sid: 'TagScratchInstance',
      Effect: 'Allow',
      Action: ['rds:AddTagsToResource'],
      Resource: scratch,
      Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['gameday:run', 'gameday:drill'] } },
    },
    // Cleanup, also from `gameday rollback`: only instances named with the scratch prefix.
    { Sid: 'DeleteScratchInstance', Effect: 'Allow', Action: ['rds:DeleteDBInstance'], Resource: scratch },
  );
  return out;
}

/** targets.aws.lock: the lock objects and journal copies under its prefix, and listing them (`gameday rollback --orphans`). */
export function sharedLockStatements(lock: { bucket: string; prefix: string } | undefined): PolicyStatement[] {
  if (!lock) return [];
  const bucket = `arn:aws:s3:::${lock.bucket}`;
  return [
    {
      Sid: 'SharedTargetLock',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      Resource: [`${bucket}/${lock.prefix}*`],
    },
    {
      Sid: 'FindTargetLocks',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [bucket],
      Condition: { StringLike: { 's3:prefix': [`${lock.prefix}*`] } },
    },
  ];
}
