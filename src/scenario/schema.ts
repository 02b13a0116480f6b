// The scenario schema: the single source of truth. Types are inferred from it and
// schema/scenario.schema.json is generated from it (scripts/generate-schema.js, `npm run schema`).

import { z } from 'zod';

export const API_VERSION = 'gameday/v1';

export { Duration, Percent, Rate, WINDOWS } from './schema-common.js';
import { Duration, Percent, Rate, WINDOWS, WindowField } from './schema-common.js';
import { K6Load } from './schema-k6.js';
import { PrometheusProbe } from './schema-prometheus.js';
import { SloObjectivesSpec, Slos } from './schema-slo.js';
import { DrillObjectivesSpec, DrillSpec } from './schema-drill.js';
import { Deadman } from './schema-shared-lock.js';
import { ZoneOutageKubernetesFields } from './schema-zone-outage.js';
import {
  AwsDbFailoverFields,
  AwsSelectorFields,
  AwsSpotInterruptionFields,
  AwsTarget,
  AzOutageStep,
  CloudWatchProbe,
  FisExperimentStep,
  RdsProbe,
} from './schema-aws.js';
import { ActionStep, CheckpointStep } from './schema-gameday.js';
import { Notify } from './schema-notify.js';

export const Name = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
  error: 'expected a lowercase name of letters, digits and dashes (at most 63 characters)',
});

// ---------- metadata and targets ----------

export const Metadata = z.strictObject({
  name: Name.meta({ description: 'Scenario name; used as the report folder name.' }),
  description: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
});

export const SandboxTarget = z
  .strictObject({
    url: z.string().optional().meta({
      description:
        'Control URL of a running sandbox. When absent, gameday starts its own sandbox for the run and stops it afterwards.',
    }),
    replicas: z.int().min(1).max(60).optional().meta({ description: 'API replicas (default 6).' }),
    zones: z
      .array(z.string().regex(/^[a-z]$/))
      .min(1)
      .max(6)
      .optional()
      .meta({ description: 'Zones the replicas are spread over (default a, b, c).' }),
    startupDelay: Duration.optional().meta({
      description: 'How long a replacement replica takes to become ready (default 1s).',
    }),
    database: z.boolean().optional().meta({
      description: 'Start PostgreSQL primary + streaming standby (default: when the scenario uses the database).',
    }),
    regions: z
      .array(
        z.strictObject({
          name: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/),
          zones: z
            .array(z.string().regex(/^[a-z]$/))
            .min(1)
            .max(6)
            .optional(),
          replicas: z.int().min(0).max(60).optional(),
        }),
      )
      .min(1)
      .max(2)
      .optional()
      .meta({
        description:
          'A primary region and a DR region (first = primary: serves traffic and holds the PostgreSQL primary; second holds the standby).',
      }),
    replicationLag: Duration.optional().meta({
      description: 'Delay on the replication link to the standby, as across regions (default 0).',
    }),
  })
  .meta({
    description:
      'The embedded local sandbox: API replicas across zones behind a balancer, a supervisor, PostgreSQL primary + standby.',
  });

export const KubernetesTarget = z
  .strictObject({
    kubeconfig: z
      .string()
      .optional()
      .meta({ description: 'Kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).' }),
    context: z.string().optional().meta({ description: "Kubeconfig context (default: the file's current context)." }),
    namespace: z.string().meta({ description: 'Namespace the faults and probes act in unless a step names another.' }),
    inCluster: z.boolean().optional().meta({
      description: "Use the pod's service account (gameday running inside the cluster) instead of a kubeconfig.",
    }),
  })
  .meta({ description: 'A Kubernetes cluster, through its API: a kubeconfig context or in-cluster config.' });

export const Targets = z
  .strictObject({
    sandbox: SandboxTarget.optional(),
    kubernetes: KubernetesTarget.optional(),
    aws: AwsTarget.optional(),
  })
  .meta({ description: 'What the scenario acts on: sandbox, kubernetes, aws.' });

// ---------- guards ----------

export const AbortCondition = z.strictObject({
  probe: z.string().meta({ description: 'A probe defined under `probes`.' }),
  availabilityBelow: Percent.meta({
    description: 'Abort when the probe availability over the last `for` drops below this.',
  }),
  for: Duration.meta({ description: 'Sliding window over which availability is computed.' }),
});

export const Guards = z.strictObject({
  allowedZones: z.array(z.string()).optional().meta({ description: 'Zones a fault may act on.' }),
  allowedNamespaces: z.array(z.string()).optional().meta({ description: 'Kubernetes namespaces a fault may act on.' }),
  maxUnavailable: z
    .union([Percent, z.int().min(0)])
    .optional()
    .meta({
      description:
        'Blast-radius cap: the most replicas one fault step may take away, as a count or a percentage of the fleet.',
    }),
  abortWhen: z.array(AbortCondition).optional(),
  timeout: Duration.optional().meta({
    description: 'Global time limit for the run (default 15m); the run aborts and rolls back when it is reached.',
  }),
  deadman: Deadman.optional(),
});

// ---------- probes ----------

export const HttpProbe = z.strictObject({
  url: z.string(),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'DELETE']).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
  expect: z
    .strictObject({
      status: z.union([z.int().min(100).max(599), z.array(z.int().min(100).max(599)).min(1)]).optional(),
      bodyMatches: z.string().optional().meta({ description: 'A regular expression the body must match.' }),
      maxLatency: Duration.optional(),
    })
    .optional(),
});

export const TcpProbe = z.strictObject({
  host: z.string(),
  port: z.int().min(1).max(65535),
});

export const SqlProbe = z.strictObject({
  url: z.string().meta({ description: 'PostgreSQL connection URL, usually "${DATABASE_URL}".' }),
  query: z.string().optional().meta({ description: 'Query to run (default "select 1").' }),
  expect: z
    .strictObject({
      rows: z.int().min(0).optional(),
      value: z
        .union([z.string(), z.number(), z.boolean()])
        .optional()
        .meta({ description: 'Expected value of the first column of the first row.' }),
    })
    .optional(),
});

export const CommandProbe = z.strictObject({
  run: z
    .union([z.string(), z.array(z.string()).min(1)])
    .meta({ description: 'Program and arguments (an array), or a shell command line (a string).' }),
  cwd: z.string().optional(),
  expect: z
    .strictObject({
      exitCode: z.int().optional(),
      outputMatches: z.string().optional(),
    })
    .optional(),
});

export const SandboxProbe = z.strictObject({
  readyAtLeast: z
    .int()
    .min(0)
    .optional()
    .meta({ description: 'Healthy when at least this many replicas are ready (default: all desired).' }),
});

export const KubernetesProbe = z
  .strictObject({
    namespace: z.string().optional().meta({ description: 'Namespace (default: targets.kubernetes.namespace).' }),
    deployment: z.string().optional().meta({ description: 'Watch this Deployment.' }),
    statefulSet: z.string().optional().meta({ description: 'Watch this StatefulSet.' }),
    readyAtLeast: z.int().min(0).optional().meta({
      description: 'Workload: healthy when at least this many replicas are ready (default: all desired).',
    }),
    availableAtLeast: z.int().min(0).optional().meta({
      description: 'Workload: healthy when at least this many replicas are available.',
    }),
    pdb: z.string().optional().meta({ description: 'Watch this PodDisruptionBudget.' }),
    disruptionsAllowedAtLeast: z.int().min(0).optional().meta({
      description: 'PodDisruptionBudget: healthy when it allows at least this many disruptions.',
    }),
    podRestarts: z
      .strictObject({ labels: z.record(z.string(), z.string()), max: z.int().min(0) })
      .optional()
      .meta({ description: 'Healthy while the pods with these labels have restarted at most `max` times in all.' }),
    nodesReady: z
      .strictObject({ zone: z.string().optional(), atLeast: z.int().min(0).optional() })
      .optional()
      .meta({ description: 'Healthy when at least `atLeast` nodes (of `zone`) are Ready (default: all of them).' }),
  })
  .meta({
    description:
      'A Kubernetes check read from watches: one of deployment / statefulSet, pdb, podRestarts or nodesReady.',
  });

export const PROBE_KINDS = [
  'http',
  'tcp',
  'sql',
  'command',
  'sandbox',
  'kubernetes',
  'cloudwatch',
  'rds',
  'prometheus',
] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];

export const ProbeSpec = z
  .strictObject({
    http: HttpProbe.optional(),
    tcp: TcpProbe.optional(),
    sql: SqlProbe.optional(),
    command: CommandProbe.optional(),
    sandbox: SandboxProbe.optional(),
    kubernetes: KubernetesProbe.optional(),
    cloudwatch: CloudWatchProbe.optional(),
    rds: RdsProbe.optional(),
    prometheus: PrometheusProbe.optional(),
    interval: Duration.optional().meta({ description: 'Sampling interval (default 1s, at least 50ms).' }),
    timeout: Duration.optional().meta({ description: 'Per-check time limit (default: the interval, at least 1s).' }),
  })
  .meta({
    description:
      'A probe: exactly one of http, tcp, sql, command, sandbox, kubernetes, cloudwatch, rds, prometheus, with an interval.',
  });

// ---------- load ----------

export const LoadStage = z.strictObject({
  rate: Rate,
  duration: Duration,
});

export const BuiltinLoad = z.strictObject({
  url: z.string(),
  method: z.enum(['GET', 'POST', 'PUT', 'DELETE']).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
  rate: Rate.optional().meta({ description: 'Constant arrival rate, e.g. "200/s". Either rate + duration or stages.' }),
  duration: Duration.optional(),
  stages: z
    .array(LoadStage)
    .min(1)
    .optional()
    .meta({ description: 'Ramp: the rate moves linearly to each stage rate over its duration.' }),
  connections: z.int().min(1).max(1024).optional().meta({ description: 'Connection pool size (default 64).' }),
  maxInFlight: z
    .int()
    .min(1)
    .max(100000)
    .optional()
    .meta({ description: 'Requests allowed in flight before new arrivals are counted as dropped (default 10000).' }),
  timeout: Duration.optional().meta({ description: 'Per-request time limit (default 10s).' }),
  expect: z.strictObject({ status: z.union([z.int(), z.array(z.int()).min(1)]).optional() }).optional(),
});

export const Load = z.strictObject({
  builtin: BuiltinLoad.optional(),
  k6: K6Load.optional(),
});

// ---------- markers ----------

export const PostgresMarkers = z.strictObject({
  url: z.string().meta({ description: 'Connection URL of the primary (the writer endpoint).' }),
  interval: Duration.optional().meta({ description: 'Write interval (default 100ms).' }),
  table: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .optional()
    .meta({ description: 'Marker table name (default gameday_markers).' }),
});

export const Markers = z.strictObject({
  postgres: PostgresMarkers.optional(),
});

// ---------- steps ----------

export const FAULT_TYPES = [
  'pod-kill',
  'zone-outage',
  'spot-interruption',
  'db-failover',
  'region-failover',
  'az-outage',
  'fis-experiment',
] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

/** Which fault types each target can inject; a step without `target:` goes to the only target that supports its fault. */
export const TARGET_FAULTS: Record<string, readonly FaultType[]> = {
  sandbox: ['pod-kill', 'zone-outage', 'spot-interruption', 'db-failover', 'region-failover'],
  kubernetes: ['pod-kill', 'zone-outage', 'spot-interruption'],
  aws: ['spot-interruption', 'az-outage', 'db-failover', 'fis-experiment', 'region-failover'],
};

/** The targets among `present` that can inject `fault`, in TARGET_FAULTS order. */
export function candidateTargets(fault: string, present: readonly string[]): string[] {
  return Object.keys(TARGET_FAULTS).filter(
    (t) => present.includes(t) && (TARGET_FAULTS[t] as readonly string[]).includes(fault),
  );
}

export const ReplicaSelector = z.strictObject({
  count: z.int().min(1).optional(),
  percent: Percent.optional(),
  perZone: z.int().min(1).optional().meta({
    description:
      'Hit this many in every zone in one step (e.g. 1 = one per zone); not with count or percent. Zones: the sandbox zones, or on Kubernetes the nodes’ topology.kubernetes.io/zone labels.',
  }),
  zone: z.string().optional(),
  capacity: z.enum(['spot', 'on-demand']).optional(),
  order: z.enum(['random', 'oldest']).optional(),
  labels: z.record(z.string(), z.string()).optional().meta({
    description:
      'Kubernetes: label selector (pod-kill: pod labels; spot-interruption: node labels, default eks.amazonaws.com/capacityType: SPOT).',
  }),
  namespace: z.string().optional().meta({ description: "Kubernetes: namespace of the pods (default: the target's)." }),
  nodes: z
    .array(z.string())
    .min(1)
    .optional()
    .meta({ description: 'Kubernetes spot-interruption: these nodes by name.' }),
  ...AwsSelectorFields,
});

const StepCommon = {
  name: z.string().optional().meta({ description: 'A label for reports (default: derived from the step).' }),
  measure: z.boolean().optional().meta({
    description:
      'This fault defines t0 for RTO, RPO and the windows (default: the first fault step). Use it when earlier faults only set the stage.',
  }),
  target: z
    .enum(['sandbox', 'kubernetes', 'aws'])
    .optional()
    .meta({ description: 'Which target the fault acts on (default: the only target that supports the fault).' }),
};

export const PodKillStep = z.strictObject({
  fault: z.literal('pod-kill'),
  ...StepCommon,
  select: ReplicaSelector.optional(),
  signal: z.enum(['SIGKILL', 'SIGTERM']).optional(),
  grace: Duration.optional().meta({
    description:
      "Sandbox, with SIGTERM: time before SIGKILL (default 5s). Kubernetes: the deletion grace period (default: the pod's own).",
  }),
  mode: z.enum(['delete', 'evict']).optional().meta({
    description:
      'Kubernetes: delete the pods, or evict them through the Eviction API so PodDisruptionBudgets are respected (default evict).',
  }),
  evictionTimeout: Duration.optional().meta({
    description:
      'Kubernetes: how long an eviction refused by a PodDisruptionBudget (429) is retried before it is reported (default 1m).',
  }),
  repeat: z.strictObject({ every: Duration, times: z.int().min(1).max(1000) }).optional(),
});

export const ZoneOutageStep = z.strictObject({
  fault: z.literal('zone-outage'),
  ...StepCommon,
  zone: z.string(),
  duration: Duration.optional().meta({ description: 'Restore the zone after this long (default: at rollback).' }),
  podAction: z.enum(['evict', 'delete']).optional().meta({
    description: "Kubernetes: what happens to the zone's pods in the target namespace (default evict).",
  }),
  notReadyLabel: z
    .union([z.string().regex(/^[^=\s]+=[^=\s]*$/), z.literal(false)])
    .optional()
    .meta({
      description:
        'Kubernetes: node label "key=value" that makes a node NotReady (default the kwok fixture stage label node-not-ready.stage.kwok.x-k8s.io=true); false to only cordon.',
    }),
  ...ZoneOutageKubernetesFields,
});

export const SpotInterruptionStep = z.strictObject({
  fault: z.literal('spot-interruption'),
  ...StepCommon,
  select: ReplicaSelector.optional(),
  notice: Duration.optional().meta({ description: 'Interruption notice before SIGTERM (default 2m, as AWS gives).' }),
  grace: Duration.optional().meta({
    description:
      "Sandbox: time between SIGTERM and SIGKILL (default 5s). Kubernetes: grace period of the drain's evictions (default: the pod's own).",
  }),
  ...AwsSpotInterruptionFields,
});

export const DbFailoverStep = z.strictObject({
  fault: z.literal('db-failover'),
  ...StepCommon,
  mode: z
    .enum(['fast', 'immediate'])
    .optional()
    .meta({ description: 'How the primary stops: fast (clean shutdown) or immediate (crash). Default immediate.' }),
  ...AwsDbFailoverFields,
});

export const RunbookStepSpec = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  action: z.string().meta({
    description:
      'A runbook action. AWS: route53-change, rds-promote-read-replica. Kubernetes (its own kube context): kubernetes-scale. Sandbox: sandbox-switch-traffic, sandbox-promote-database, sandbox-scale, sandbox-wait-healthy, sandbox-restore-database. RPO markers: markers-switch-endpoint.',
  }),
  args: z.record(z.string(), z.unknown()).optional(),
  timeout: Duration.optional().meta({ description: 'Time allowed for execute + verify (default 2m).' }),
});

export const RegionFailoverStep = z.strictObject({
  fault: z.literal('region-failover'),
  ...StepCommon,
  from: z.string().optional().meta({ description: 'Region that fails (default: the serving region).' }),
  to: z.string().optional().meta({ description: 'Region that takes over (default: the other region).' }),
  outage: z
    .union([z.boolean(), z.strictObject({ database: z.enum(['immediate', 'fast', 'none']) })])
    .optional()
    .meta({
      description:
        'Cause a regional outage of `from` first (true = its database crashes); absent or false: a planned failover.',
    }),
  poll: Duration.optional().meta({ description: 'Time between verify attempts (default 200ms).' }),
  runbook: z.array(RunbookStepSpec).min(1).optional().meta({
    description:
      'Ordered steps, each with execute, verify, rollback and a timeout; default: switch traffic, promote the standby, scale the DR region, verify.',
  }),
});

export const WaitStep = z.strictObject({
  wait: z.union([
    z.strictObject({
      for: z.string().meta({ description: 'Probe that must report healthy.' }),
      timeout: Duration.optional(),
    }),
    z.strictObject({ duration: Duration }),
  ]),
  name: z.string().optional(),
});

export const VerifyStep = z.strictObject({
  verify: z.strictObject({ probe: z.string(), timeout: Duration.optional() }),
  name: z.string().optional(),
});

export const FaultStep = z.discriminatedUnion('fault', [
  PodKillStep,
  ZoneOutageStep,
  SpotInterruptionStep,
  DbFailoverStep,
  RegionFailoverStep,
  AzOutageStep,
  FisExperimentStep,
]);
export const Step = z.union([FaultStep, WaitStep, VerifyStep, CheckpointStep, ActionStep]);

// ---------- objectives ----------

export const RtoObjective = z.strictObject({
  probe: z.string(),
  max: Duration,
  stableFor: Duration.optional().meta({
    description: 'How long the probe must stay healthy to count as recovered (default 5s).',
  }),
});

export const RpoObjective = z.strictObject({
  max: Duration,
  maxLostWrites: z.int().min(0).optional(),
});

export const AvailabilityObjective = z.strictObject({
  probe: z.string(),
  window: z
    .enum(WINDOWS)
    .optional()
    .meta({ description: 'before / during / after the fault, or the whole run (default run).' }),
  min: Percent,
});

export const LatencyObjective = z.strictObject({
  probe: z.string(),
  window: z.enum(WINDOWS).optional(),
  p50: Duration.optional(),
  p90: Duration.optional(),
  p95: Duration.optional(),
  p99: Duration.optional(),
});

export const LoadObjective = z.strictObject({
  window: WindowField,
  maxErrorRate: Percent.optional(),
  p95: Duration.optional(),
  p99: Duration.optional(),
});

const oneOrMany = <T extends z.ZodType>(s: T) => z.union([s, z.array(s).min(1)]);

export const Objectives = z.strictObject({
  rto: RtoObjective.optional(),
  rpo: RpoObjective.optional(),
  availability: oneOrMany(AvailabilityObjective).optional(),
  latency: oneOrMany(LatencyObjective).optional(),
  load: LoadObjective.optional(),
  ...DrillObjectivesSpec,
  ...SloObjectivesSpec,
});

// ---------- rollback ----------

export const RollbackPolicy = z.strictObject({
  recoveryTimeout: Duration.optional().meta({
    description: 'How long to observe recovery after the last step (default 2m).',
  }),
  steadyStateAfter: z
    .boolean()
    .optional()
    .meta({ description: 'Check the steady state again after recovery (default true).' }),
  timeout: Duration.optional().meta({ description: 'Time limit for rollback (default 2m).' }),
});

// ---------- the scenario ----------

export const ScenarioSchema = z
  .strictObject({
    $schema: z.string().optional(),
    apiVersion: z.literal(API_VERSION),
    kind: z.literal('Scenario'),
    metadata: Metadata,
    targets: Targets,
    guards: Guards.optional(),
    probes: z.record(Name, ProbeSpec).optional(),
    load: Load.optional(),
    markers: Markers.optional(),
    slos: Slos.optional(),
    steadyState: z
      .array(z.string())
      .optional()
      .meta({ description: 'Probes that must pass before any fault and again after recovery (default: every probe).' }),
    steps: z.array(Step).min(1).optional().meta({
      description:
        'Ordered steps: faults, waits, verifies, checkpoints, actions. Required unless the scenario is a drill.',
    }),
    drill: DrillSpec.optional().meta({ description: 'A backup-restore drill, run with `gameday drill <file>`.' }),
    objectives: Objectives.optional(),
    rollback: RollbackPolicy.optional(),
    notify: Notify.optional(),
  })
  .meta({ title: 'gameday scenario', description: 'A gameday chaos / disaster-recovery scenario.' });

/** A scenario as written (durations as strings). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
/** A scenario that passed the shape check (the schema has no transforms, so this equals ScenarioInput). */
export type ScenarioParsed = z.output<typeof ScenarioSchema>;
export type StepInput = z.input<typeof Step>;
export type FaultStepInput = z.input<typeof FaultStep>;
export type ProbeSpecInput = z.input<typeof ProbeSpec>;
