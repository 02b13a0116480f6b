// The scenario schema: the single source of truth. Types are inferred from it and
// schema/scenario.schema.json is generated from it (scripts/generate-schema.js, `npm run schema`).

import { z } from 'zod';

export const API_VERSION = 'gameday/v1';

const durationPattern = /^\d+(\.\d+)?(ms|s|m|h)$/;
const percentPattern = /^\d+(\.\d+)?%$/;
const ratePattern = /^\d+(\.\d+)?\/(s|m|h)$/;

/** "250ms", "30s", "5m", "1h". */
export const Duration = z
  .string()
  .regex(durationPattern, { error: 'expected a duration such as "250ms", "30s", "5m" or "1h"' })
  .meta({ description: 'A duration: a number followed by ms, s, m or h, e.g. "250ms", "30s", "5m".' });

/** "40%", "99.5%". */
export const Percent = z
  .string()
  .regex(percentPattern, { error: 'expected a percentage such as "40%" or "99.5%"' })
  .meta({ description: 'A percentage, e.g. "40%" or "99.5%".' });

/** "200/s", "600/m". */
export const Rate = z
  .string()
  .regex(ratePattern, { error: 'expected a rate such as "200/s" or "600/m"' })
  .meta({ description: 'An arrival rate: a number per second, minute or hour, e.g. "200/s".' });

const Name = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
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
  })
  .meta({
    description:
      'The embedded local sandbox: API replicas across zones behind a balancer, a supervisor, PostgreSQL primary + standby.',
  });

export const Targets = z
  .strictObject({
    sandbox: SandboxTarget.optional(),
  })
  .meta({ description: 'What the scenario acts on. One of: sandbox.' });

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

export const PROBE_KINDS = ['http', 'tcp', 'sql', 'command', 'sandbox'] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];

export const ProbeSpec = z
  .strictObject({
    http: HttpProbe.optional(),
    tcp: TcpProbe.optional(),
    sql: SqlProbe.optional(),
    command: CommandProbe.optional(),
    sandbox: SandboxProbe.optional(),
    interval: Duration.optional().meta({ description: 'Sampling interval (default 1s, at least 50ms).' }),
    timeout: Duration.optional().meta({ description: 'Per-check time limit (default: the interval, at least 1s).' }),
  })
  .meta({ description: 'A probe: exactly one of http, tcp, sql, command, sandbox, with an interval.' });

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

export const FAULT_TYPES = ['pod-kill', 'zone-outage', 'spot-interruption', 'db-failover'] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

export const ReplicaSelector = z.strictObject({
  count: z.int().min(1).optional(),
  percent: Percent.optional(),
  zone: z.string().optional(),
  capacity: z.enum(['spot', 'on-demand']).optional(),
  order: z.enum(['random', 'oldest']).optional(),
});

const StepCommon = {
  name: z.string().optional().meta({ description: 'A label for reports (default: derived from the step).' }),
  target: z
    .enum(['sandbox'])
    .optional()
    .meta({ description: 'Which target the fault acts on (default: the only one).' }),
};

export const PodKillStep = z.strictObject({
  fault: z.literal('pod-kill'),
  ...StepCommon,
  select: ReplicaSelector.optional(),
  signal: z.enum(['SIGKILL', 'SIGTERM']).optional(),
  grace: Duration.optional().meta({ description: 'With SIGTERM: time before SIGKILL (default 5s).' }),
  repeat: z.strictObject({ every: Duration, times: z.int().min(1).max(1000) }).optional(),
});

export const ZoneOutageStep = z.strictObject({
  fault: z.literal('zone-outage'),
  ...StepCommon,
  zone: z.string(),
  duration: Duration.optional().meta({ description: 'Restore the zone after this long (default: at rollback).' }),
});

export const SpotInterruptionStep = z.strictObject({
  fault: z.literal('spot-interruption'),
  ...StepCommon,
  select: ReplicaSelector.optional(),
  notice: Duration.optional().meta({ description: 'Interruption notice before SIGTERM (default 2m, as AWS gives).' }),
  grace: Duration.optional().meta({ description: 'Time between SIGTERM and SIGKILL (default 5s).' }),
});

export const DbFailoverStep = z.strictObject({
  fault: z.literal('db-failover'),
  ...StepCommon,
  mode: z
    .enum(['fast', 'immediate'])
    .optional()
    .meta({ description: 'How the primary stops: fast (clean shutdown) or immediate (crash). Default immediate.' }),
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
]);
export const Step = z.union([FaultStep, WaitStep, VerifyStep]);

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

export const WINDOWS = ['before', 'during', 'after', 'run'] as const;

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
    steadyState: z
      .array(z.string())
      .optional()
      .meta({ description: 'Probes that must pass before any fault and again after recovery (default: every probe).' }),
    steps: z.array(Step).min(1),
    objectives: Objectives.optional(),
    rollback: RollbackPolicy.optional(),
  })
  .meta({ title: 'gameday scenario', description: 'A gameday chaos / disaster-recovery scenario.' });

/** A scenario as written (durations as strings). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
/** A scenario that passed the shape check (the schema has no transforms, so this equals ScenarioInput). */
export type ScenarioParsed = z.output<typeof ScenarioSchema>;
export type StepInput = z.input<typeof Step>;
export type FaultStepInput = z.input<typeof FaultStep>;
export type ProbeSpecInput = z.input<typeof ProbeSpec>;
