// Least-privilege IAM for one scenario: what gameday's own principal calls, what the FIS experiment role
// needs for the actions the templates contain, and the role's trust policy. Pure.

import type { DrillSourceConfig } from '../drill/types.js';
import type { AwsTargetConfig } from '../drivers/aws/types.js';
import type { AwsFault, FisExperimentSpec } from '../faults/aws/types.js';
import {
  azOutageExperiment,
  dbFailoverExperiment,
  spotInterruptionExperiment,
  TAG_MANAGED_BY,
} from '../faults/aws/index.js';
import type { CloudWatchProbeConfig, RdsProbeConfig } from '../probes/aws/types.js';
import { drillStatements, runbookStatements, type IamRunbookStep } from './data.js';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  /** Absent in trust policies. */
  Resource?: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
  Principal?: { Service: string };
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export interface IamScenarioConfig {
  target: Pick<AwsTargetConfig, 'region' | 'accounts' | 'fisRoleArn' | 'lock'>;
  faults: AwsFault[];
  probes?: Array<{ cloudwatch: CloudWatchProbeConfig } | { rds: RdsProbeConfig }>;
  /** The runbook steps of region-failover faults on target aws (route53-change, rds-promote-read-replica). */
  runbook?: IamRunbookStep[];
  /** The restore drill's source (drill.source.s3 / drill.source.rds). */
  drill?: DrillSourceConfig;
}

export interface IamPolicies {
  /** For the principal that runs gameday. */
  harness: PolicyDocument;
  /** For the FIS experiment role (empty statements when the scenario uses no FIS template it builds). */
  fisRole: PolicyDocument;
  /** Trust policy of the FIS experiment role. */
  fisTrust: PolicyDocument;
}

/** What FIS itself needs for each action id (FIS user guide, "actions reference" permissions). */
const FIS_ACTION_PERMISSIONS: Record<string, { actions: string[]; resource: (r: string, a: string) => string[] }> = {
  'aws:ec2:send-spot-instance-interruptions': {
    actions: ['ec2:SendSpotInstanceInterruptions', 'ec2:DescribeInstances'],
    resource: (r, a) => [`arn:aws:ec2:${r}:${a}:instance/*`],
  },
  'aws:ec2:stop-instances': {
    actions: ['ec2:StopInstances', 'ec2:StartInstances', 'ec2:DescribeInstances'],
    resource: (r, a) => [`arn:aws:ec2:${r}:${a}:instance/*`],
  },
  'aws:network:disrupt-connectivity': {
    actions: [
      'ec2:CreateNetworkAcl',
      'ec2:CreateNetworkAclEntry',
      'ec2:CreateTags',
      'ec2:DeleteNetworkAcl',
      'ec2:DescribeNetworkAcls',
      'ec2:DescribeSubnets',
      'ec2:DescribeVpcs',
      'ec2:DescribeManagedPrefixLists',
      'ec2:GetManagedPrefixListEntries',
      'ec2:ReplaceNetworkAclAssociation',
    ],
    resource: (r, a) => [
      `arn:aws:ec2:${r}:${a}:network-acl/*`,
      `arn:aws:ec2:${r}:${a}:subnet/*`,
      `arn:aws:ec2:${r}:${a}:vpc/*`,
      `arn:aws:ec2:${r}:${a}:prefix-list/*`,
    ],
  },
  'aws:rds:failover-db-cluster': {
    actions: ['rds:FailoverDBCluster', 'rds:DescribeDBClusters'],
    resource: (r, a) => [`arn:aws:rds:${r}:${a}:cluster:*`],
  },
  'aws:rds:reboot-db-instances': {
    actions: ['rds:RebootDBInstance', 'rds:DescribeDBInstances'],
    resource: (r, a) => [`arn:aws:rds:${r}:${a}:db:*`],
  },
};

function doc(statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements.filter((s) => s.Action.length > 0) };
}

function arns(
  target: IamScenarioConfig['target'],
  make: (region: string, account: string) => string[],
  region: string = target.region,
): string[] {
  const accounts = target.accounts.length ? target.accounts : ['*'];
  return [...new Set(accounts.flatMap((a) => make(region, a)))];
}

function fisOf(f: AwsFault) {
  return f.type === 'db-failover' ? (f.via === 'fis' ? f.fis : undefined) : f.fis;
}

function dbArn(target: IamScenarioConfig['target'], kind: 'cluster' | 'db', id: string): string[] {
  return id.startsWith('arn:') ? [id] : arns(target, (r, a) => [`arn:aws:rds:${r}:${a}:${kind}:${id}`]);
}

/** The experiment a fault would build, with databases stood in by ARN patterns (policies are made before discovery). */
function experimentOf(f: AwsFault): FisExperimentSpec | undefined {
  const fis = fisOf(f);
  if (!fis || fis.templateId) return undefined;
  if (f.type === 'fis-experiment') return f.experiment;
  if (f.type === 'spot-interruption') return spotInterruptionExperiment(f);
  if (f.type === 'az-outage') {
    const placeholder = { kind: 'cluster' as const, status: 'available', multiAz: true, writerZone: f.zone, tags: {} };
    const dbs = f.failoverDatabases
      ? [
          ...(f.failoverDatabases.clusters ?? []).map((id) => ({ ...placeholder, id, arn: id })),
          ...(f.failoverDatabases.instances ?? []).map((id) => ({
            ...placeholder,
            kind: 'instance' as const,
            id,
            arn: id,
          })),
        ]
      : [];
    return azOutageExperiment(f, { region: '', databases: dbs });
  }
  const id = (f.cluster ?? f.instance) as string;
  return dbFailoverExperiment({
    kind: f.cluster ? 'cluster' : 'instance',
    id,
    arn: id,
    status: 'available',
    multiAz: true,
    tags: {},
  });
}

/** Least-privilege policies for a scenario's AWS faults and probes. */
export function iamPolicies(config: IamScenarioConfig): IamPolicies {
  const t = config.target;
  const harness: PolicyStatement[] = [
    { Sid: 'IdentityGuard', Effect: 'Allow', Action: ['sts:GetCallerIdentity'], Resource: ['*'] },
  ];
  // targets.aws.lock: the lock objects and the journal copies under its prefix; listing for --orphans.
  if (t.lock) {
    const bucket = `arn:aws:s3:::${t.lock.bucket}`;
    harness.push(
      {
        Sid: 'SharedTargetLock',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        Resource: [`${bucket}/${t.lock.prefix}*`],
      },
      {
        Sid: 'FindTargetLocks',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [bucket],
        Condition: { StringLike: { 's3:prefix': [`${t.lock.prefix}*`] } },
      },
    );
  }
  const fisFaults = config.faults.filter((f) => fisOf(f) !== undefined);
  const builds = fisFaults.some((f) => !fisOf(f)?.templateId);
  const templateIds = fisFaults.map((f) => fisOf(f)?.templateId).filter((id): id is string => !!id);
  const templateArns = arns(t, (r, a) => [
    ...(builds ? [`arn:aws:fis:${r}:${a}:experiment-template/*`] : []),
    ...templateIds.map((id) => `arn:aws:fis:${r}:${a}:experiment-template/${id}`),
  ]);
  const experimentArns = arns(t, (r, a) => [`arn:aws:fis:${r}:${a}:experiment/*`]);
  if (builds) {
    harness.push(
      {
        Sid: 'CreateTaggedTemplates',
        Effect: 'Allow',
        Action: ['fis:CreateExperimentTemplate', 'fis:TagResource'],
        Resource: arns(t, (r, a) => [`arn:aws:fis:${r}:${a}:experiment-template/*`, `arn:aws:fis:${r}:${a}:action/*`]),
        Condition: { StringEquals: { [`aws:RequestTag/${TAG_MANAGED_BY}`]: 'gameday' } },
      },
      // Why the tag condition: rollback deletes only the templates gameday itself created.
      {
        Sid: 'DeleteOwnTemplates',
        Effect: 'Allow',
        Action: ['fis:DeleteExperimentTemplate'],
        Resource: arns(t, (r, a) => [`arn:aws:fis:${r}:${a}:experiment-template/*`]),
        Condition: { StringEquals: { [`aws:ResourceTag/${TAG_MANAGED_BY}`]: 'gameday' } },
      },
      { Sid: 'FindOwnTemplates', Effect: 'Allow', Action: ['fis:ListExperimentTemplates'], Resource: ['*'] },
    );
    if (t.fisRoleArn) {
      harness.push({
        Sid: 'PassFisRole',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: [t.fisRoleArn],
        Condition: { StringEquals: { 'iam:PassedToService': 'fis.amazonaws.com' } },
      });
    }
  }
  if (fisFaults.length) {
    harness.push(
      {
        Sid: 'RunExperiments',
        Effect: 'Allow',
        Action: ['fis:StartExperiment', 'fis:TagResource'],
        Resource: [...templateArns, ...experimentArns],
      },
      {
        Sid: 'WatchAndStopExperiments',
        Effect: 'Allow',
        Action: ['fis:GetExperiment', 'fis:StopExperiment', 'fis:ListExperimentResolvedTargets'],
        Resource: experimentArns,
      },
      { Sid: 'FindOwnExperiments', Effect: 'Allow', Action: ['fis:ListExperiments'], Resource: ['*'] },
    );
  }
  // Databases: discovery (describe), direct failovers, events.
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
  const cwMetric = new Set<boolean>();
  const alarms = new Set<string>();
  for (const p of config.probes ?? []) {
    if ('cloudwatch' in p) {
      if (p.cloudwatch.kind === 'alarm') alarms.add(p.cloudwatch.alarm);
      else cwMetric.add(true);
    } else {
      if (p.rds.cluster) clusters.add(p.rds.cluster);
      if (p.rds.instance) instances.add(p.rds.instance);
      if (p.rds.maxReplicaLagMs !== undefined) cwMetric.add(true);
    }
  }
  if (clusters.size) {
    harness.push({
      Sid: 'DescribeClusters',
      Effect: 'Allow',
      Action: ['rds:DescribeDBClusters'],
      Resource: [...clusters].flatMap((c) => dbArn(t, 'cluster', c)),
    });
  }
  // Runbook and drill instances gameday describes (the replica it promotes, the drill's scratch instances).
  const describedInstances: string[] = [];
  const regionArns = (make: (r: string, a: string) => string[], region?: string): string[] =>
    arns(t, make, region ?? t.region);
  const data = [
    ...runbookStatements(config.runbook ?? [], regionArns, describedInstances),
    ...(config.drill ? drillStatements(config.drill, regionArns, describedInstances) : []),
  ];
  if (clusters.size || instances.size || describedInstances.length) {
    // A cluster's member instances are described to learn the writer's zone; their ids are known only at run time.
    const dbs = clusters.size
      ? arns(t, (r, a) => [`arn:aws:rds:${r}:${a}:db:*`])
      : [...instances].flatMap((i) => dbArn(t, 'db', i));
    harness.push({
      Sid: 'DescribeInstances',
      Effect: 'Allow',
      Action: ['rds:DescribeDBInstances'],
      Resource: [...new Set([...dbs, ...describedInstances])],
    });
  }
  if (config.faults.some((f) => f.type === 'db-failover')) {
    harness.push({ Sid: 'ReadFailoverEvents', Effect: 'Allow', Action: ['rds:DescribeEvents'], Resource: ['*'] });
  }
  if (failClusters.size) {
    harness.push({
      Sid: 'FailoverClusters',
      Effect: 'Allow',
      Action: ['rds:FailoverDBCluster'],
      Resource: [...failClusters].flatMap((c) => dbArn(t, 'cluster', c)),
    });
  }
  if (rebootInstances.size) {
    harness.push({
      Sid: 'FailoverInstances',
      Effect: 'Allow',
      Action: ['rds:RebootDBInstance'],
      Resource: [...rebootInstances].flatMap((i) => dbArn(t, 'db', i)),
    });
  }
  harness.push(...data);
  if (cwMetric.size)
    harness.push({ Sid: 'ReadMetrics', Effect: 'Allow', Action: ['cloudwatch:GetMetricStatistics'], Resource: ['*'] });
  if (alarms.size) {
    harness.push({
      Sid: 'ReadAlarms',
      Effect: 'Allow',
      Action: ['cloudwatch:DescribeAlarms'],
      Resource: [...alarms].flatMap((name) => arns(t, (r, a) => [`arn:aws:cloudwatch:${r}:${a}:alarm:${name}`])),
    });
  }

  // The FIS experiment role: what FIS does on gameday's behalf.
  const role: PolicyStatement[] = [];
  const experiments = config.faults.map(experimentOf).filter((e): e is FisExperimentSpec => !!e);
  const actionIds = [...new Set(experiments.flatMap((e) => Object.values(e.actions).map((a) => a.actionId)))].sort();
  for (const id of actionIds) {
    const perms = FIS_ACTION_PERMISSIONS[id];
    if (!perms) continue;
    role.push({
      Sid: id.replace(/[^A-Za-z0-9]/g, ''),
      Effect: 'Allow',
      Action: perms.actions,
      Resource: arns(t, perms.resource),
    });
  }
  if (experiments.some((e) => Object.values(e.targets).some((tg) => tg.tags))) {
    role.push({ Sid: 'ResolveTargetsByTag', Effect: 'Allow', Action: ['tag:GetResources'], Resource: ['*'] });
  }
  const logs = config.faults.map(fisOf).map((f) => f?.logs);
  if (logs.some((l) => l?.cloudWatchLogGroupArn)) {
    role.push({
      Sid: 'ExperimentLogsToCloudWatch',
      Effect: 'Allow',
      Action: [
        'logs:CreateLogDelivery',
        'logs:PutResourcePolicy',
        'logs:DescribeResourcePolicies',
        'logs:DescribeLogGroups',
      ],
      Resource: ['*'],
    });
  }
  const buckets = logs.map((l) => l?.s3Bucket).filter((b): b is string => !!b);
  if (buckets.length) {
    role.push({
      Sid: 'ExperimentLogsToS3',
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:GetBucketPolicy', 's3:PutBucketPolicy'],
      Resource: buckets.flatMap((b) => [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`]),
    });
  }
  const trust: PolicyStatement = {
    Sid: 'FisAssumesRole',
    Effect: 'Allow',
    Principal: { Service: 'fis.amazonaws.com' },
    Action: ['sts:AssumeRole'],
    // Why: the confused-deputy guard — only FIS experiments in these accounts may assume the role.
    Condition: {
      StringEquals: { 'aws:SourceAccount': t.accounts.length === 1 ? (t.accounts[0] as string) : [...t.accounts] },
      ArnLike: { 'aws:SourceArn': experimentArns.length === 1 ? (experimentArns[0] as string) : experimentArns },
    },
  };
  return {
    harness: doc(harness),
    fisRole: doc(role),
    fisTrust: { Version: '2012-10-17', Statement: [trust] },
  };
}

/** Every action a policy allows, sorted (for comparisons). */
export function policyActions(policy: PolicyDocument): string[] {
  return [...new Set(policy.Statement.flatMap((s) => s.Action))].sort();
}
