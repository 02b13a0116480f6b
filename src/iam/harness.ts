// What gameday's own principal calls for a scenario's faults and probes: the identity guard, FIS templates
// and experiments (only gameday's own, by tag), RDS discovery and failovers, CloudWatch reads. Pure.

import { TAG_MANAGED_BY } from '../faults/aws/template.js';
import type { AwsFault, FisOptions } from '../faults/aws/types.js';
import type { ArnMaker, IamScenarioConfig, PolicyStatement } from './types.js';

export function fisOf(f: AwsFault): FisOptions | undefined {
  return f.type === 'db-failover' ? (f.via === 'fis' ? f.fis : undefined) : f.fis;
}

const OWN = { [`aws:ResourceTag/${TAG_MANAGED_BY}`]: 'gameday' };
const TAGGED_BY_GAMEDAY = { [`aws:RequestTag/${TAG_MANAGED_BY}`]: 'gameday' };

/** FIS: create, find and delete gameday's templates; start, watch and stop gameday's experiments only. */
export function fisHarnessStatements(config: IamScenarioConfig, arns: ArnMaker): PolicyStatement[] {
  const fisFaults = config.faults.filter((f) => fisOf(f) !== undefined);
  if (!fisFaults.length) return [];
  const builds = fisFaults.some((f) => !fisOf(f)?.templateId);
  const templateIds = [...new Set(fisFaults.map((f) => fisOf(f)?.templateId).filter((id): id is string => !!id))];
  const templates = arns((r, a) => [`arn:aws:fis:${r}:${a}:experiment-template/*`]);
  const experiments = arns((r, a) => [`arn:aws:fis:${r}:${a}:experiment/*`]);
  const out: PolicyStatement[] = [];
  if (builds) {
    out.push(
      {
        Sid: 'CreateTaggedTemplates',
        Effect: 'Allow',
        Action: ['fis:CreateExperimentTemplate', 'fis:TagResource'],
        Resource: [...templates, ...arns((r, a) => [`arn:aws:fis:${r}:${a}:action/*`])],
        Condition: { StringEquals: TAGGED_BY_GAMEDAY },
      },
      // Why the tag condition: only templates gameday created itself are started and deleted.
      {
        Sid: 'StartOwnTemplates',
        Effect: 'Allow',
        Action: ['fis:StartExperiment'],
        Resource: templates,
        Condition: { StringEquals: OWN },
      },
      {
        Sid: 'DeleteOwnTemplates',
        Effect: 'Allow',
        Action: ['fis:DeleteExperimentTemplate'],
        Resource: templates,
        Condition: { StringEquals: OWN },
      },
      { Sid: 'FindOwnTemplates', Effect: 'Allow', Action: ['fis:ListExperimentTemplates'], Resource: ['*'] },
    );
    if (config.target.fisRoleArn) {
      out.push({
        Sid: 'PassFisRole',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: [config.target.fisRoleArn],
        Condition: { StringEquals: { 'iam:PassedToService': 'fis.amazonaws.com' } },
      });
    }
  }
  if (templateIds.length) {
    // A template the scenario names by id is the user's own: exactly those, whatever their tags.
    out.push({
      Sid: 'StartNamedTemplates',
      Effect: 'Allow',
      Action: ['fis:StartExperiment'],
      Resource: templateIds.flatMap((id) => arns((r, a) => [`arn:aws:fis:${r}:${a}:experiment-template/${id}`])),
    });
  }
  out.push(
    // StartExperiment is authorized on the new experiment too: only with gameday's tags on it.
    {
      Sid: 'StartTaggedExperiments',
      Effect: 'Allow',
      Action: ['fis:StartExperiment', 'fis:TagResource'],
      Resource: experiments,
      Condition: { StringEquals: TAGGED_BY_GAMEDAY },
    },
    // Why the tag condition: gameday (and `gameday rollback`) stop only experiments gameday started.
    {
      Sid: 'WatchAndStopOwnExperiments',
      Effect: 'Allow',
      Action: ['fis:GetExperiment', 'fis:StopExperiment', 'fis:ListExperimentResolvedTargets'],
      Resource: experiments,
      Condition: { StringEquals: OWN },
    },
    { Sid: 'FindOwnExperiments', Effect: 'Allow', Action: ['fis:ListExperiments'], Resource: ['*'] },
  );
  return out;
}

function dbArn(arns: ArnMaker, kind: 'cluster' | 'db', id: string): string[] {
  return id.startsWith('arn:') ? [id] : arns((r, a) => [`arn:aws:rds:${r}:${a}:${kind}:${id}`]);
}

/** RDS discovery, direct failovers and their events, RDS probes; `described` adds runbook/drill instances. */
export function rdsHarnessStatements(
  config: IamScenarioConfig,
  arns: ArnMaker,
  described: string[],
): PolicyStatement[] {
  const clusters = new Set<string>();
  const instances = new Set<string>();
  const failClusters = new Set<string>();
  const rebootInstances = new Set<string>();
  for (const f of config.faults) {
    if (f.type === 'db-failover') {
      if (f.cluster) clusters.add(f.cluster);
      if (f.instance) instances.add(f.instance);
      if (f.via === 'api' && f.cluster) failClusters.add(f.cluster);
      if (f.via === 'api' && f.instance) rebootInstances.add(f.instance);
    } else if (f.type === 'az-outage' && f.failoverDatabases) {
      for (const c of f.failoverDatabases.clusters ?? []) clusters.add(c);
      for (const i of f.failoverDatabases.instances ?? []) instances.add(i);
    }
  }
  for (const p of config.probes ?? []) {
    if (!('rds' in p)) continue;
    if (p.rds.cluster) clusters.add(p.rds.cluster);
    if (p.rds.instance) instances.add(p.rds.instance);
  }
  const out: PolicyStatement[] = [];
  if (clusters.size) {
    out.push({
      Sid: 'DescribeClusters',
      Effect: 'Allow',
      Action: ['rds:DescribeDBClusters'],
      Resource: [...clusters].flatMap((c) => dbArn(arns, 'cluster', c)),
    });
  }
  if (clusters.size || instances.size || described.length) {
    // A cluster's member instances are described to learn the writer's zone; their ids are known only at run time.
    const dbs = clusters.size
      ? arns((r, a) => [`arn:aws:rds:${r}:${a}:db:*`])
      : [...instances].flatMap((i) => dbArn(arns, 'db', i));
    out.push({
      Sid: 'DescribeInstances',
      Effect: 'Allow',
      Action: ['rds:DescribeDBInstances'],
      Resource: [...new Set([...dbs, ...described])],
    });
  }
  if (config.faults.some((f) => f.type === 'db-failover')) {
    // DescribeEvents has no resource-level permissions.
    out.push({ Sid: 'ReadFailoverEvents', Effect: 'Allow', Action: ['rds:DescribeEvents'], Resource: ['*'] });
  }
  if (failClusters.size) {
    out.push({
      Sid: 'FailoverClusters',
      Effect: 'Allow',
      Action: ['rds:FailoverDBCluster'],
      Resource: [...failClusters].flatMap((c) => dbArn(arns, 'cluster', c)),
    });
  }
  if (rebootInstances.size) {
    out.push({
      Sid: 'FailoverInstances',
      Effect: 'Allow',
      Action: ['rds:RebootDBInstance'],
      Resource: [...rebootInstances].flatMap((i) => dbArn(arns, 'db', i)),
    });
  }
  return out;
}

/** CloudWatch reads of the scenario's probes: named alarms; metrics (no resource-level permissions). */
export function cloudWatchStatements(config: IamScenarioConfig, arns: ArnMaker): PolicyStatement[] {
  let metrics = false;
  const alarms = new Set<string>();
  for (const p of config.probes ?? []) {
    if ('cloudwatch' in p) {
      if (p.cloudwatch.kind === 'alarm') alarms.add(p.cloudwatch.alarm);
      else metrics = true;
    } else if (p.rds.maxReplicaLagMs !== undefined) metrics = true;
  }
  const out: PolicyStatement[] = [];
  if (metrics)
    out.push({ Sid: 'ReadMetrics', Effect: 'Allow', Action: ['cloudwatch:GetMetricStatistics'], Resource: ['*'] });
  if (alarms.size) {
    out.push({
      Sid: 'ReadAlarms',
      Effect: 'Allow',
      Action: ['cloudwatch:DescribeAlarms'],
      Resource: [...alarms].flatMap((name) => arns((r, a) => [`arn:aws:cloudwatch:${r}:${a}:alarm:${name}`])),
    });
  }
  return out;
}
