// The FIS experiment role: what FIS does on gameday's behalf for the actions of the templates gameday
// builds, scoped to what each action's target names — ARNs when the scenario names the resources, the
// scenario's resource tags (aws:ResourceTag conditions) when FIS resolves them by tag. Pure.
// Permissions per action follow the FIS actions reference and AWS's managed policies for FIS
// (AWSFaultInjectionSimulatorEC2Access, …NetworkAccess, …RDSAccess).

import type { FisExperimentSpec, FisOptions, FisTargetSpec } from '../faults/aws/types.js';
import { resourceTagCondition, type ArnMaker, type PolicyCondition, type PolicyStatement } from './types.js';

interface Scope {
  resources: string[];
  condition?: PolicyCondition;
}

interface RoleContext {
  arns: ArnMaker;
  region: string;
  /** EC2 Describe* actions FIS calls to resolve and watch targets (no resource-level permissions: on "*"). */
  describe: Set<string>;
  /** Whether a target is resolved by tags (tag:GetResources). */
  byTags: boolean;
}

type ActionPermissions = (
  targets: FisTargetSpec[],
  params: Record<string, string>,
  ctx: RoleContext,
) => PolicyStatement[];

const allow = (Sid: string, Action: string[], scope: Scope): PolicyStatement => ({
  Sid,
  Effect: 'Allow',
  Action,
  Resource: scope.resources,
  ...(scope.condition ? { Condition: scope.condition } : {}),
});

/** The resources one target stands for: its ARNs, else every resource of the kind carrying its tags. */
function scopeOf(t: FisTargetSpec, ctx: RoleContext, service: 'ec2' | 'rds', kind: string): Scope {
  const sep = service === 'rds' ? ':' : '/';
  if (t.arns?.length) {
    return {
      resources: t.arns.flatMap((id) =>
        id.startsWith('arn:') ? [id] : ctx.arns((r, a) => [`arn:aws:${service}:${r}:${a}:${kind}${sep}${id}`]),
      ),
    };
  }
  if (t.tags && Object.keys(t.tags).length) ctx.byTags = true;
  const condition = resourceTagCondition(t.tags);
  return {
    resources: ctx.arns((r, a) => [`arn:aws:${service}:${r}:${a}:${kind}${sep}*`]),
    ...(condition ? { condition } : {}),
  };
}

/** One statement per distinct target scope of an action. */
function perTarget(Sid: string, actions: string[], targets: FisTargetSpec[], scope: (t: FisTargetSpec) => Scope) {
  return targets.map((t) => allow(Sid, actions, scope(t)));
}

const PERMISSIONS: Record<string, ActionPermissions> = {
  'aws:ec2:send-spot-instance-interruptions': (targets, _p, ctx) => {
    ctx.describe.add('ec2:DescribeInstances');
    return perTarget('InterruptSpotInstances', ['ec2:SendSpotInstanceInterruptions'], targets, (t) =>
      scopeOf(t, ctx, 'ec2', 'instance'),
    );
  },
  'aws:ec2:stop-instances': (targets, params, ctx) => {
    ctx.describe.add('ec2:DescribeInstances');
    const restart = params['startInstancesAfterDuration'] !== undefined;
    const out = perTarget(
      restart ? 'StopAndRestartInstances' : 'StopInstances',
      restart ? ['ec2:StopInstances', 'ec2:StartInstances'] : ['ec2:StopInstances'],
      targets,
      (t) => scopeOf(t, ctx, 'ec2', 'instance'),
    );
    if (restart) {
      // Why: starting an instance whose EBS volumes are encrypted with a KMS key needs a grant for EC2
      // (AWSFaultInjectionSimulatorEC2Access, "AllowEc2InstancesWithEncryptedEbsVolumes").
      out.push({
        Sid: 'RestartInstancesWithEncryptedVolumes',
        Effect: 'Allow',
        Action: ['kms:CreateGrant'],
        Resource: ctx.arns((r, a) => [`arn:aws:kms:${r}:${a}:key/*`]),
        Condition: {
          StringLike: { 'kms:ViaService': `ec2.${ctx.region}.amazonaws.com` },
          Bool: { 'kms:GrantIsForAWSResource': 'true' },
        },
      });
    }
    return out;
  },
  'aws:network:disrupt-connectivity': (targets, _p, ctx) => {
    for (const a of ['NetworkAcls', 'Subnets', 'Vpcs', 'ManagedPrefixLists']) ctx.describe.add(`ec2:Describe${a}`);
    const acl = ctx.arns((r, a) => [`arn:aws:ec2:${r}:${a}:network-acl/*`]);
    const vpc = ctx.arns((r, a) => [`arn:aws:ec2:${r}:${a}:vpc/*`]);
    const fisAcl = { StringEquals: { 'aws:RequestTag/managedByFIS': 'true' } };
    return [
      // FIS creates a deny-all network ACL of its own (tagged managedByFIS), swaps it onto the subnets, and
      // puts the original ACLs back and deletes its own at the end.
      allow('CreateFisNetworkAcl', ['ec2:CreateNetworkAcl'], { resources: acl, condition: fisAcl }),
      allow('CreateFisNetworkAclInVpc', ['ec2:CreateNetworkAcl'], { resources: vpc }),
      allow('TagFisNetworkAcl', ['ec2:CreateTags'], {
        resources: acl,
        condition: { StringEquals: { 'ec2:CreateAction': 'CreateNetworkAcl', 'aws:RequestTag/managedByFIS': 'true' } },
      }),
      allow('ManageFisNetworkAcl', ['ec2:CreateNetworkAclEntry', 'ec2:DeleteNetworkAcl'], {
        resources: [...acl, ...vpc],
        condition: { StringEquals: { 'ec2:ResourceTag/managedByFIS': 'true' } },
      }),
      allow('SwapNetworkAcls', ['ec2:ReplaceNetworkAclAssociation'], { resources: acl }),
      ...perTarget('SwapNetworkAclsOfSubnets', ['ec2:ReplaceNetworkAclAssociation'], targets, (t) =>
        scopeOf(t, ctx, 'ec2', 'subnet'),
      ),
      allow('ReadPrefixLists', ['ec2:GetManagedPrefixListEntries'], {
        resources: ctx.arns((r, a) => [`arn:aws:ec2:${r}:${a}:prefix-list/*`]),
      }),
    ];
  },
  'aws:rds:failover-db-cluster': (targets, _p, ctx) =>
    perTarget('FailoverClusters', ['rds:FailoverDBCluster', 'rds:DescribeDBClusters'], targets, (t) =>
      scopeOf(t, ctx, 'rds', 'cluster'),
    ),
  'aws:rds:reboot-db-instances': (targets, _p, ctx) =>
    perTarget('RebootInstancesWithFailover', ['rds:RebootDBInstance', 'rds:DescribeDBInstances'], targets, (t) =>
      scopeOf(t, ctx, 'rds', 'db'),
    ),
};

/** Sids are unique within a policy: a repeated one gets a number. Identical statements are kept once. */
function uniqueStatements(statements: PolicyStatement[]): PolicyStatement[] {
  const seen = new Set<string>();
  const sids = new Map<string, number>();
  const out: PolicyStatement[] = [];
  for (const s of statements) {
    const key = JSON.stringify({ ...s, Sid: '' });
    if (seen.has(key)) continue;
    seen.add(key);
    const n = (sids.get(s.Sid) ?? 0) + 1;
    sids.set(s.Sid, n);
    out.push(n === 1 ? s : { ...s, Sid: `${s.Sid}${n}` });
  }
  return out;
}

/** The FIS role's statements for the experiments gameday builds, and notes on actions it has no permissions for. */
export function fisRoleStatements(
  experiments: readonly FisExperimentSpec[],
  logs: ReadonlyArray<FisOptions['logs']>,
  arns: ArnMaker,
  region: string,
): { statements: PolicyStatement[]; notes: string[] } {
  const ctx: RoleContext = { arns, region, describe: new Set(), byTags: false };
  const statements: PolicyStatement[] = [];
  const notes: string[] = [];
  for (const e of experiments) {
    for (const [name, action] of Object.entries(e.actions)) {
      const make = PERMISSIONS[action.actionId];
      if (!make) {
        const note = `FIS action ${action.actionId} (${name}): gameday does not know its permissions; add them to the FIS role from the FIS actions reference`;
        if (!notes.includes(note)) notes.push(note);
        continue;
      }
      const targets = Object.values(action.targets)
        .map((t) => e.targets[t])
        .filter((t): t is FisTargetSpec => t !== undefined);
      statements.push(...make(targets, action.parameters ?? {}, ctx));
    }
  }
  if (ctx.describe.size) {
    // EC2 Describe* actions have no resource-level permissions: "*" is the only resource they take.
    statements.push(allow('DescribeEc2', [...ctx.describe].sort(), { resources: ['*'] }));
  }
  if (ctx.byTags) statements.push(allow('ResolveTargetsByTag', ['tag:GetResources'], { resources: ['*'] }));
  if (logs.some((l) => l?.cloudWatchLogGroupArn)) {
    statements.push(
      allow(
        'ExperimentLogsToCloudWatch',
        ['logs:CreateLogDelivery', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups'],
        { resources: ['*'] },
      ),
    );
  }
  const buckets = [...new Set(logs.map((l) => l?.s3Bucket).filter((b): b is string => !!b))];
  if (buckets.length) {
    statements.push(
      allow('ExperimentLogsToS3', ['s3:PutObject', 's3:GetBucketPolicy', 's3:PutBucketPolicy'], {
        resources: buckets.flatMap((b) => [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`]),
      }),
    );
  }
  return { statements: uniqueStatements(statements), notes };
}
