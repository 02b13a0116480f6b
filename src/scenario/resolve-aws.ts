// Resolve the AWS parts of a scenario: targets.aws → AwsTargetConfig, AWS fault steps → the configs of
// src/faults/aws/config.ts, cloudwatch / rds probes → their probe configs. Expects input that passed
// the shape check and the rules (aws-rules.ts), so the fallbacks below only satisfy the types.

import type { z } from 'zod';
import type { AwsService, AwsTargetConfig } from '../drivers/aws/types.js';
import type {
  AwsAzOutageFault,
  AwsDbFailoverFault,
  AwsFisExperimentFault,
  AwsSpotInterruptionFault,
  FisActionSpec,
  FisOptions,
  FisSelection,
  FisTargetSpec,
} from '../faults/aws/config.js';
import type { CloudWatchProbeConfig, RdsProbeConfig } from '../probes/aws/types.js';
import { parseDuration, parsePercent } from '../util/duration.js';
import { DEFAULTS } from './defaults.js';
import { resolveAwsLock } from './schema-shared-lock.js';
import type { AwsTarget, AzOutageStep, CloudWatchProbe, FisBlock, FisExperimentStep, RdsProbe } from './schema-aws.js';
import type { DbFailoverStep, SpotInterruptionStep } from './schema.js';
import type { ResolvedFault, ResolvedProbeCheck } from './types.js';

/** Defaults of the AWS parts (the FIS and RDS limits behind them are in src/faults/aws). */
export const AWS_DEFAULTS = {
  retryMode: 'adaptive' as const,
  maxAttempts: 5,
  callTimeoutMs: 60_000,
  fisTimeoutMs: 30 * 60_000,
  fisPollIntervalMs: 2000,
  spotNoticeMs: 2 * 60_000,
  eventTimeoutMs: 10 * 60_000,
  eventPollIntervalMs: 2000,
  probePeriodMs: 60_000,
  probeWindowMs: 5 * 60_000,
};

const ms = (text: string | undefined, fallback: number): number =>
  text === undefined ? fallback : (parseDuration(text) ?? fallback);

/** targets.aws with its defaults: regions [region], adaptive retries. */
export function resolveAwsTarget(t: z.output<typeof AwsTarget>): AwsTargetConfig {
  const out: AwsTargetConfig = {
    region: t.region,
    regions: t.regions ?? [t.region],
    accounts: t.accounts,
    retryMode: t.retry?.mode ?? AWS_DEFAULTS.retryMode,
    maxAttempts: t.retry?.maxAttempts ?? AWS_DEFAULTS.maxAttempts,
    callTimeoutMs: ms(t.callTimeout, AWS_DEFAULTS.callTimeoutMs),
  };
  if (t.profile !== undefined) out.profile = t.profile;
  if (t.endpoint !== undefined) out.endpoint = t.endpoint;
  if (t.endpoints !== undefined) {
    const endpoints = Object.fromEntries(Object.entries(t.endpoints).filter(([, v]) => v !== undefined));
    if (Object.keys(endpoints).length > 0) out.endpoints = endpoints as Partial<Record<AwsService, string>>;
  }
  if (t.fisRoleArn !== undefined) out.fisRoleArn = t.fisRoleArn;
  if (t.lock !== undefined) out.lock = resolveAwsLock(t.lock);
  return out;
}

/** The shared `fis:` block. */
export function resolveFisOptions(f: z.output<typeof FisBlock>): FisOptions {
  const out: FisOptions = {
    stopConditions: f.stopConditions,
    emptyTargetResolutionMode: f.emptyTargets ?? 'fail',
    timeoutMs: ms(f.timeout, AWS_DEFAULTS.fisTimeoutMs),
    pollIntervalMs: ms(f.pollInterval, AWS_DEFAULTS.fisPollIntervalMs),
  };
  if (f.templateId !== undefined) out.templateId = f.templateId;
  if (f.roleArn !== undefined) out.roleArn = f.roleArn;
  if (f.tags !== undefined) out.tags = f.tags;
  if (f.logs !== undefined) {
    out.logs = {
      ...(f.logs.cloudwatch === undefined ? {} : { cloudWatchLogGroupArn: f.logs.cloudwatch }),
      ...(f.logs.s3 === undefined ? {} : { s3Bucket: f.logs.s3.bucket }),
      ...(f.logs.s3?.prefix === undefined ? {} : { s3Prefix: f.logs.s3.prefix }),
    };
  }
  return out;
}

/** count / percent / all → a FIS selection (default: all). */
function selectionOf(select: { count?: number; percent?: string; all?: true } | undefined): FisSelection {
  if (select?.count !== undefined) return { mode: 'count', n: select.count };
  if (select?.percent !== undefined) return { mode: 'percent', n: parsePercent(select.percent) ?? 0 };
  return { mode: 'all' };
}

const EMPTY_FIS: FisOptions = {
  stopConditions: [],
  emptyTargetResolutionMode: 'fail',
  timeoutMs: AWS_DEFAULTS.fisTimeoutMs,
  pollIntervalMs: AWS_DEFAULTS.fisPollIntervalMs,
};

function spotInterruption(
  step: z.output<typeof SpotInterruptionStep>,
  hasKubernetes: boolean,
): AwsSpotInterruptionFault {
  const f: AwsSpotInterruptionFault = {
    type: 'spot-interruption',
    tags: step.tags ?? {},
    selection: selectionOf(step.select),
    durationBeforeInterruptionMs: ms(step.notice, AWS_DEFAULTS.spotNoticeMs),
    fis: step.fis ? resolveFisOptions(step.fis) : EMPTY_FIS,
  };
  if (step.filters !== undefined) f.filters = step.filters;
  // Why always with a kubernetes target: following the nodes only reads the watch caches; draining is opt-in.
  if (hasKubernetes) {
    f.kubernetes = {
      drain: step.kubernetes?.drain ?? false,
      evictionTimeoutMs: ms(step.kubernetes?.evictionTimeout, DEFAULTS.kubernetes.evictionTimeoutMs),
    };
  }
  return f;
}

function dbFailover(step: z.output<typeof DbFailoverStep>): AwsDbFailoverFault {
  const f: AwsDbFailoverFault = {
    type: 'db-failover',
    via: step.via ?? 'api',
    eventTimeoutMs: ms(step.eventTimeout, AWS_DEFAULTS.eventTimeoutMs),
    pollIntervalMs: ms(step.pollInterval, AWS_DEFAULTS.eventPollIntervalMs),
  };
  if (step.cluster !== undefined) f.cluster = step.cluster;
  if (step.instance !== undefined) f.instance = step.instance;
  if (step.targetInstance !== undefined) f.targetInstance = step.targetInstance;
  if (step.fis !== undefined) f.fis = resolveFisOptions(step.fis);
  return f;
}

function azOutage(step: z.output<typeof AzOutageStep>): AwsAzOutageFault {
  const stop = step.stopInstances ?? {};
  const net = step.disruptNetwork ?? {};
  const dbs = step.failoverDatabases ?? false;
  return {
    type: 'az-outage',
    zone: step.zone,
    durationMs: ms(step.duration, 0),
    stopInstances:
      stop === false
        ? false
        : {
            ...(stop.tags === undefined ? {} : { tags: stop.tags }),
            selection: selectionOf(stop.select),
            restartAfterDuration: stop.restart ?? true,
          },
    disruptNetwork:
      net === false
        ? false
        : {
            scope: net.scope ?? 'availability-zone',
            ...(net.subnetTags === undefined ? {} : { subnetTags: net.subnetTags }),
          },
    failoverDatabases: dbs === false ? false : { ...dbs },
    fis: resolveFisOptions(step.fis),
  };
}

function fisExperiment(step: z.output<typeof FisExperimentStep>): AwsFisExperimentFault {
  const f: AwsFisExperimentFault = { type: 'fis-experiment', fis: resolveFisOptions(step.fis) };
  if (step.targets !== undefined && step.actions !== undefined) {
    const targets: Record<string, FisTargetSpec> = {};
    for (const [name, t] of Object.entries(step.targets)) {
      targets[name] = {
        resourceType: t.resourceType,
        selection: selectionOf(t.select),
        ...(t.arns === undefined ? {} : { arns: t.arns }),
        ...(t.tags === undefined ? {} : { tags: t.tags }),
        ...(t.filters === undefined ? {} : { filters: t.filters }),
        ...(t.parameters === undefined ? {} : { parameters: t.parameters }),
      };
    }
    const actions: Record<string, FisActionSpec> = {};
    for (const [name, a] of Object.entries(step.actions)) {
      actions[name] = {
        actionId: a.actionId,
        targets: a.targets,
        ...(a.description === undefined ? {} : { description: a.description }),
        ...(a.parameters === undefined ? {} : { parameters: a.parameters }),
        ...(a.duration === undefined ? {} : { durationMs: ms(a.duration, 0) }),
        ...(a.startAfter === undefined ? {} : { startAfter: a.startAfter }),
      };
    }
    f.experiment = { description: step.name ?? 'gameday fis-experiment', targets, actions };
  }
  return f;
}

type AwsStepParsed =
  | z.output<typeof SpotInterruptionStep>
  | z.output<typeof DbFailoverStep>
  | z.output<typeof AzOutageStep>
  | z.output<typeof FisExperimentStep>;

/** The faults only target aws has (az-outage, fis-experiment), resolved. */
export function resolveAwsOnlyFault(
  step: z.output<typeof AzOutageStep> | z.output<typeof FisExperimentStep>,
): ResolvedFault {
  return step.fault === 'az-outage'
    ? { type: 'az-outage', aws: azOutage(step) }
    : { type: 'fis-experiment', aws: fisExperiment(step) };
}

/** A fault on target aws: the shared resolved fault plus its AWS config under `aws`. */
export function withAws(
  fault: ResolvedFault,
  step: { fault: string },
  targets: { kubernetes?: unknown },
): ResolvedFault {
  const s = step as AwsStepParsed;
  if (fault.type === 'spot-interruption' && s.fault === 'spot-interruption')
    return { ...fault, aws: spotInterruption(s, targets.kubernetes !== undefined) };
  if (fault.type === 'db-failover' && s.fault === 'db-failover') return { ...fault, aws: dbFailover(s) };
  return fault;
}

/** A cloudwatch or rds probe check. */
export function resolveAwsCheck(spec: {
  cloudwatch?: z.output<typeof CloudWatchProbe> | undefined;
  rds?: z.output<typeof RdsProbe> | undefined;
}): ResolvedProbeCheck {
  if (spec.rds !== undefined) {
    const r = spec.rds;
    const rds: RdsProbeConfig = { healthyStatuses: r.status ?? ['available'] };
    if (r.cluster !== undefined) rds.cluster = r.cluster;
    if (r.instance !== undefined) rds.instance = r.instance;
    if (r.maxReplicaLag !== undefined) rds.maxReplicaLagMs = ms(r.maxReplicaLag, 0);
    return { kind: 'rds', rds };
  }
  const c = spec.cloudwatch ?? {};
  let cloudwatch: CloudWatchProbeConfig;
  if (c.alarm !== undefined) {
    cloudwatch = { kind: 'alarm', alarm: c.alarm, healthyStates: c.healthy ?? ['OK'] };
  } else {
    const above = c.above !== undefined;
    cloudwatch = {
      kind: 'metric',
      namespace: c.namespace ?? '',
      metric: c.metric ?? '',
      dimensions: c.dimensions ?? {},
      statistic: c.statistic ?? 'Average',
      periodSec: Math.max(1, Math.round(ms(c.period, AWS_DEFAULTS.probePeriodMs) / 1000)),
      windowMs: ms(c.window, AWS_DEFAULTS.probeWindowMs),
      op: above ? '>' : '<',
      threshold: (above ? c.above : c.below) ?? 0,
      missingIsHealthy: c.missingIsHealthy ?? false,
    };
  }
  return { kind: 'cloudwatch', cloudwatch };
}
