// The AWS parts of the scenario schema: targets.aws, the shared `fis:` block, the AWS-only fault steps
// (az-outage, fis-experiment), the AWS fields of spot-interruption and db-failover, and the cloudwatch
// and rds probes. schema.ts composes them; resolve-aws.ts turns them into src/faults/aws/types.ts shapes.

import { z } from 'zod';
import { Duration, Percent } from './schema-common.js';
import { AwsLock } from './schema-shared-lock.js';

const AWS_SERVICES = ['fis', 'rds', 'ec2', 'sts', 'cloudwatch', 's3', 'route53'] as const;

const Tags = z.record(z.string(), z.string());

export const AwsTarget = z
  .strictObject({
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'expected an AWS region such as "us-west-2"' })
      .meta({ description: 'Region every call goes to, e.g. "us-west-2".' }),
    regions: z.array(z.string()).min(1).optional().meta({
      description: 'Regions the scenario may act in (default: [region]); the identity guard refuses any other.',
    }),
    accounts: z.array(z.string()).meta({
      description:
        'Account ids the caller identity must belong to; before any mutation gameday asks STS and refuses any other account.',
    }),
    profile: z.string().optional().meta({ description: 'Named profile of the default credential chain.' }),
    endpoint: z
      .string()
      .optional()
      .meta({ description: 'One endpoint for every service: an emulator such as moto (http://127.0.0.1:<port>).' }),
    endpoints: z
      .strictObject(
        Object.fromEntries(AWS_SERVICES.map((s) => [s, z.string().optional()])) as Record<
          (typeof AWS_SERVICES)[number],
          z.ZodOptional<z.ZodString>
        >,
      )
      .optional()
      .meta({ description: 'Per-service endpoint overrides (fis, rds, ec2, sts, cloudwatch, s3, route53).' }),
    retry: z
      .strictObject({
        mode: z.enum(['adaptive', 'standard']).optional(),
        maxAttempts: z.int().min(1).max(20).optional(),
      })
      .optional()
      .meta({ description: 'SDK retries on throttling and transient errors (default adaptive, 5 attempts).' }),
    callTimeout: Duration.optional().meta({
      description:
        'Time one AWS call may take, its retries included (default 60s); a slower endpoint fails the call with a clear error.',
    }),
    fisRoleArn: z
      .string()
      .optional()
      .meta({ description: 'IAM role FIS experiments run as (see `gameday iam <scenario>` for its policies).' }),
    lock: AwsLock.optional(),
  })
  .meta({ description: 'AWS, through the SDK: the default credential chain, an account and region allowlist.' });

export const FisBlock = z
  .strictObject({
    templateId: z
      .string()
      .optional()
      .meta({ description: 'Run this existing experiment template instead of building one (never deleted).' }),
    roleArn: z.string().optional().meta({ description: 'Experiment role (default targets.aws.fisRoleArn).' }),
    stopConditions: z.array(z.string()).meta({
      description:
        'CloudWatch alarm ARNs; FIS stops the experiment when one goes to ALARM (e.g. error rate > 5 %, p95 > 500 ms).',
    }),
    logs: z
      .strictObject({
        cloudwatch: z.string().optional().meta({ description: 'CloudWatch Logs log group ARN.' }),
        s3: z.strictObject({ bucket: z.string(), prefix: z.string().optional() }).optional(),
      })
      .optional()
      .meta({ description: 'Where FIS writes the experiment log.' }),
    emptyTargets: z
      .enum(['fail', 'skip'])
      .optional()
      .meta({ description: 'What FIS does when a target resolves to nothing (default fail).' }),
    timeout: Duration.optional().meta({ description: 'Longest wait for the experiment to end (default 30m).' }),
    pollInterval: Duration.optional().meta({
      description: 'First GetExperiment poll interval (default 2s), backing off to 15s.',
    }),
    tags: Tags.optional().meta({ description: 'Extra tags on the template and the experiment.' }),
  })
  .meta({ description: 'How a fault runs through AWS Fault Injection Service.' });

/** `select.all` — only AWS (FIS selection mode ALL); count and percent are shared with the other targets. */
export const AwsSelectorFields = {
  all: z.literal(true).optional().meta({ description: 'AWS: every matching resource (FIS selection ALL).' }),
};

const Filters = z
  .array(z.strictObject({ path: z.string(), values: z.array(z.string()).min(1) }))
  .meta({ description: 'FIS target filters, e.g. { path: "Placement.AvailabilityZone", values: ["us-west-2a"] }.' });

/** Fields of `fault: spot-interruption` that only target aws understands. */
export const AwsSpotInterruptionFields = {
  tags: Tags.optional().meta({
    description:
      'AWS: tags of the spot node group instances, e.g. { "eks:nodegroup-name": "spot", "eks.amazonaws.com/capacityType": "SPOT" }.',
  }),
  filters: Filters.optional(),
  fis: FisBlock.optional().meta({ description: 'AWS: the FIS experiment settings (required on target aws).' }),
  kubernetes: z
    .strictObject({
      drain: z.boolean().optional().meta({
        description:
          "Act as the node termination handler when the notice arrives: taint, annotate and cordon the interrupted instances' nodes and drain them by eviction (PodDisruptionBudgets respected; rollback uncordons and removes the taint, the instance's termination removes the node). For clusters without AWS Node Termination Handler or Karpenter. Default false: only track.",
      }),
      evictionTimeout: Duration.optional().meta({
        description:
          'With drain: how long an eviction refused by a PodDisruptionBudget (429) is retried before it is reported (default 1m).',
      }),
    })
    .optional()
    .meta({
      description:
        "AWS with targets.kubernetes: the interrupted instances' nodes (found by spec.providerID) are always tracked — taint, cordon, evictions, removal on the timeline, their pods' replacements timed in measurements.pods; `drain: true` also drains them.",
    }),
};

/** Fields of `fault: db-failover` that only target aws understands. */
export const AwsDbFailoverFields = {
  via: z
    .enum(['api', 'fis'])
    .optional()
    .meta({ description: 'AWS: call RDS directly (default) or run the failover as a FIS experiment.' }),
  cluster: z.string().optional().meta({ description: 'AWS: DB cluster identifier (FailoverDBCluster).' }),
  instance: z
    .string()
    .optional()
    .meta({ description: 'AWS: Multi-AZ DB instance identifier (RebootDBInstance with ForceFailover).' }),
  targetInstance: z.string().optional().meta({ description: 'AWS, cluster: the reader to promote.' }),
  eventTimeout: Duration.optional().meta({
    description: 'AWS: how long to wait for the RDS failover-completed event (default 10m).',
  }),
  pollInterval: Duration.optional().meta({ description: 'AWS: first DescribeEvents poll interval (default 2s).' }),
  fis: FisBlock.optional().meta({ description: 'AWS: FIS settings, required with via: fis.' }),
};

const StepCommonAws = {
  name: z.string().optional().meta({ description: 'A label for reports (default: derived from the step).' }),
  measure: z.boolean().optional().meta({ description: 'This fault defines t0 for RTO, RPO and the windows.' }),
  target: z.literal('aws').optional().meta({ description: 'This fault acts on AWS.' }),
};

export const AzOutageStep = z.strictObject({
  fault: z.literal('az-outage'),
  ...StepCommonAws,
  zone: z.string().meta({ description: 'Availability zone name, e.g. "us-west-2a".' }),
  duration: Duration.meta({ description: 'How long the zone is impaired.' }),
  stopInstances: z
    .union([
      z.literal(false),
      z.strictObject({
        tags: Tags.optional(),
        select: z
          .strictObject({ count: z.int().min(1).optional(), percent: Percent.optional(), ...AwsSelectorFields })
          .optional(),
        restart: z
          .boolean()
          .optional()
          .meta({ description: 'Start the instances again after duration (default true).' }),
      }),
    ])
    .optional()
    .meta({
      description: "aws:ec2:stop-instances on the zone's instances (default: all running instances); false to skip.",
    }),
  disruptNetwork: z
    .union([
      z.literal(false),
      z.strictObject({
        scope: z.enum(['availability-zone', 'all']).optional(),
        subnetTags: Tags.optional(),
      }),
    ])
    .optional()
    .meta({
      description:
        "aws:network:disrupt-connectivity on the zone's subnets (default scope availability-zone); false to skip.",
    }),
  failoverDatabases: z
    .union([
      z.literal(false),
      z.strictObject({
        clusters: z.array(z.string()).optional(),
        instances: z.array(z.string()).optional(),
        clusterTags: Tags.optional(),
        instanceTags: Tags.optional(),
      }),
    ])
    .optional()
    .meta({ description: 'Fail over the named databases whose writer is in the zone (default: none).' }),
  fis: FisBlock,
});

const FisTarget = z.strictObject({
  resourceType: z.string().meta({ description: 'e.g. aws:ec2:instance.' }),
  arns: z.array(z.string()).min(1).optional(),
  tags: Tags.optional(),
  filters: Filters.optional(),
  select: z
    .strictObject({ count: z.int().min(1).optional(), percent: Percent.optional(), ...AwsSelectorFields })
    .optional()
    .meta({ description: 'count, percent or all (default all).' }),
  parameters: z.record(z.string(), z.string()).optional(),
});

const FisAction = z.strictObject({
  actionId: z.string().meta({ description: 'e.g. aws:ec2:stop-instances.' }),
  description: z.string().optional(),
  parameters: z.record(z.string(), z.string()).optional(),
  duration: Duration.optional().meta({ description: 'The action duration (becomes an ISO-8601 duration).' }),
  targets: z.record(z.string(), z.string()).meta({ description: 'Action target key → target name.' }),
  startAfter: z.array(z.string()).optional(),
});

export const FisExperimentStep = z.strictObject({
  fault: z.literal('fis-experiment'),
  ...StepCommonAws,
  fis: FisBlock,
  targets: z
    .record(z.string(), FisTarget)
    .optional()
    .meta({ description: 'FIS targets by name (without templateId).' }),
  actions: z
    .record(z.string(), FisAction)
    .optional()
    .meta({ description: 'FIS actions by name (without templateId).' }),
});

export const CloudWatchProbe = z
  .strictObject({
    alarm: z.string().optional().meta({ description: 'Alarm name: healthy while it is in one of `healthy`.' }),
    healthy: z
      .array(z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']))
      .min(1)
      .optional()
      .meta({ description: 'Alarm states counted healthy (default [OK]).' }),
    namespace: z.string().optional().meta({ description: 'Metric namespace, e.g. AWS/ApplicationELB.' }),
    metric: z.string().optional(),
    dimensions: z.record(z.string(), z.string()).optional(),
    statistic: z.enum(['Average', 'Sum', 'Minimum', 'Maximum', 'SampleCount']).optional(),
    period: Duration.optional().meta({ description: 'Aggregation period (default 1m).' }),
    window: Duration.optional().meta({ description: 'How far back the newest datapoint may be (default 5m).' }),
    below: z.number().optional().meta({ description: 'Metric: healthy when the value is below this.' }),
    above: z.number().optional().meta({ description: 'Metric: healthy when the value is above this.' }),
    missingIsHealthy: z
      .boolean()
      .optional()
      .meta({ description: 'Metric: no datapoint counts healthy (default false).' }),
  })
  .meta({ description: 'A CloudWatch alarm state, or a metric statistic against a bound.' });

export const RdsProbe = z
  .strictObject({
    instance: z.string().optional(),
    cluster: z.string().optional(),
    status: z
      .array(z.string())
      .min(1)
      .optional()
      .meta({ description: 'Statuses counted healthy (default [available]).' }),
    maxReplicaLag: Duration.optional().meta({
      description: 'A read replica: healthy only while ReplicaLag is at most this.',
    }),
  })
  .meta({ description: 'RDS instance or cluster status, and a read replica lag.' });

/** Probe kinds that read AWS. */
export const AWS_PROBE_KINDS = ['cloudwatch', 'rds'] as const;
/** Fault types only target aws can inject. */
export const AWS_ONLY_FAULTS = ['az-outage', 'fis-experiment'] as const;
/** Fault types target aws can inject. */
export const AWS_FAULTS = ['spot-interruption', 'az-outage', 'db-failover', 'fis-experiment'] as const;
