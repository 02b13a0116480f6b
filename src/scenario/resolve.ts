// Resolve stage: a scenario that passed shape and rules → the `Scenario` the planner and runner
// consume, with every default from defaults.ts filled in and units converted.

import { resolve as resolvePath } from 'node:path';
import type { z } from 'zod';
import { parseDuration, parsePercent, parseRate } from '../util/duration.js';
import { DEFAULTS } from './defaults.js';
import { resolveDrill } from './resolve-drill.js';
import { resolveAction, resolveCheckpoint, resolveNotify } from './resolve-gameday.js';
import { resolveAwsCheck, resolveAwsOnlyFault, resolveAwsTarget, withAws } from './resolve-aws.js';
import { resolveK6Load, resolveMetricObjectives, resolvePrometheusCheck, resolveSlos } from './resolve-metrics.js';
import { candidateTargets } from './schema.js';
import type { FaultStep, FaultType, ProbeSpec, ReplicaSelector, ScenarioParsed, Step } from './schema.js';
import type {
  FaultTarget,
  KubernetesCheck,
  KubernetesFaultOptions,
  ReplicaSelection,
  ResolvedFault,
  ResolvedBuiltinLoad,
  ResolvedObjectives,
  ResolvedProbe,
  ResolvedProbeCheck,
  ResolvedStep,
  Scenario,
  SandboxTargetConfig,
  WindowName,
} from './types.js';

/** Fill in defaults and convert units; expects input that passed checkShape and checkRules. */
export function resolveScenario(input: ScenarioParsed, file: string): Scenario {
  const probes: Record<string, ResolvedProbe> = {};
  for (const [name, spec] of Object.entries(input.probes ?? {}))
    probes[name] = resolveProbe(name, spec, input.targets.kubernetes?.namespace, file);
  const guards = input.guards ?? {};
  const scenario: Scenario = {
    name: input.metadata.name,
    file: resolvePath(file),
    targets: {},
    guards: {
      abortWhen: (guards.abortWhen ?? []).map((a) => ({
        probe: a.probe,
        availabilityBelow: pct(a.availabilityBelow),
        forMs: ms(a.for),
      })),
      timeoutMs: msOr(guards.timeout, DEFAULTS.guards.timeoutMs),
    },
    probes,
    markers: {},
    steadyState: input.steadyState ?? Object.keys(probes),
    steps: resolveSteps(input.steps ?? [], input.targets),
    objectives: { ...resolveObjectives(input.objectives), ...resolveMetricObjectives(input.objectives, file) },
    rollback: {
      recoveryTimeoutMs: msOr(input.rollback?.recoveryTimeout, DEFAULTS.rollback.recoveryTimeoutMs),
      steadyStateAfter: input.rollback?.steadyStateAfter ?? DEFAULTS.rollback.steadyStateAfter,
      timeoutMs: msOr(input.rollback?.timeout, DEFAULTS.rollback.timeoutMs),
    },
  };
  if (input.metadata.description !== undefined) scenario.description = input.metadata.description;
  if (guards.allowedZones !== undefined) scenario.guards.allowedZones = guards.allowedZones;
  if (guards.deadman !== undefined) scenario.guards.deadmanMs = ms(guards.deadman);
  if (guards.allowedNamespaces !== undefined) scenario.guards.allowedNamespaces = guards.allowedNamespaces;
  if (guards.maxUnavailable !== undefined) {
    scenario.guards.maxUnavailable =
      typeof guards.maxUnavailable === 'number'
        ? { count: guards.maxUnavailable }
        : { percent: pct(guards.maxUnavailable) };
  }
  if (input.targets.sandbox !== undefined) scenario.targets.sandbox = resolveSandbox(input);
  if (input.targets.aws !== undefined) scenario.targets.aws = resolveAwsTarget(input.targets.aws);
  const k8s = input.targets.kubernetes;
  if (k8s !== undefined) {
    scenario.targets.kubernetes = { namespace: k8s.namespace, inCluster: k8s.inCluster ?? false };
    if (k8s.kubeconfig !== undefined) scenario.targets.kubernetes.kubeconfig = k8s.kubeconfig;
    if (k8s.context !== undefined) scenario.targets.kubernetes.context = k8s.context;
  }
  const builtin = input.load?.builtin;
  if (builtin !== undefined) scenario.load = resolveLoad(builtin);
  else if (input.load?.k6 !== undefined) scenario.load = resolveK6Load(input.load.k6, file);
  const slos = resolveSlos(input.slos, file);
  if (slos !== undefined) scenario.slos = slos;
  const pg = input.markers?.postgres;
  if (pg !== undefined) {
    scenario.markers.postgres = {
      url: pg.url,
      intervalMs: msOr(pg.interval, DEFAULTS.markers.intervalMs),
      table: pg.table ?? DEFAULTS.markers.table,
    };
  }
  if (input.drill !== undefined) scenario.drill = resolveDrill(input.metadata.name, input.drill, input.objectives);
  if (input.notify !== undefined) scenario.notify = resolveNotify(input.notify);
  return scenario;
}

/** Whether the scenario needs PostgreSQL: a db-failover step, a sql probe or write markers. */
export function usesDatabase(input: ScenarioParsed): boolean {
  return (
    (input.steps ?? []).some((s) => 'fault' in s && (s.fault === 'db-failover' || s.fault === 'region-failover')) ||
    input.drill?.source.sandbox !== undefined ||
    Object.values(input.probes ?? {}).some((p) => p.sql !== undefined) ||
    input.markers?.postgres !== undefined
  );
}

function resolveSandbox(input: ScenarioParsed): SandboxTargetConfig {
  const s = input.targets.sandbox ?? {};
  const out: SandboxTargetConfig = {
    replicas: s.replicas ?? DEFAULTS.sandbox.replicas,
    zones: s.zones ?? [...DEFAULTS.sandbox.zones],
    startupDelayMs: msOr(s.startupDelay, DEFAULTS.sandbox.startupDelayMs),
    database: s.database ?? usesDatabase(input),
  };
  if (s.url !== undefined) out.url = s.url;
  if (s.regions !== undefined) out.regions = s.regions;
  if (s.replicationLag !== undefined) out.replicationLagMs = ms(s.replicationLag);
  return out;
}

function resolveProbe(
  name: string,
  spec: z.output<typeof ProbeSpec>,
  k8sNamespace: string | undefined,
  file: string,
): ResolvedProbe {
  const intervalMs = msOr(spec.interval, DEFAULTS.probe.intervalMs);
  const check = spec.prometheus ? resolvePrometheusCheck(spec.prometheus, file) : resolveCheck(spec, k8sNamespace);
  return {
    name,
    kind: check.kind,
    intervalMs,
    timeoutMs: msOr(spec.timeout, Math.max(intervalMs, DEFAULTS.probe.minTimeoutMs)),
    check,
  };
}

function resolveCheck(spec: z.output<typeof ProbeSpec>, k8sNamespace = 'default'): ResolvedProbeCheck {
  if (spec.http !== undefined) {
    const h = spec.http;
    const check: ResolvedProbeCheck = {
      kind: 'http',
      url: h.url,
      method: h.method ?? DEFAULTS.probe.http.method,
      headers: h.headers ?? {},
      expectStatus: statuses(h.expect?.status, DEFAULTS.probe.http.expectStatus),
    };
    if (h.body !== undefined) check.body = h.body;
    if (h.expect?.bodyMatches !== undefined) check.bodyMatches = h.expect.bodyMatches;
    if (h.expect?.maxLatency !== undefined) check.maxLatencyMs = ms(h.expect.maxLatency);
    return check;
  }
  if (spec.tcp !== undefined) return { kind: 'tcp', host: spec.tcp.host, port: spec.tcp.port };
  if (spec.sql !== undefined) {
    const q = spec.sql;
    const check: ResolvedProbeCheck = { kind: 'sql', url: q.url, query: q.query ?? DEFAULTS.probe.sql.query };
    if (q.expect?.rows !== undefined) check.expectRows = q.expect.rows;
    if (q.expect?.value !== undefined) check.expectValue = q.expect.value;
    return check;
  }
  if (spec.command !== undefined) {
    const c = spec.command;
    const check: ResolvedProbeCheck = {
      kind: 'command',
      run: c.run,
      expectExitCode: c.expect?.exitCode ?? DEFAULTS.probe.command.expectExitCode,
    };
    if (c.cwd !== undefined) check.cwd = c.cwd;
    if (c.expect?.outputMatches !== undefined) check.outputMatches = c.expect.outputMatches;
    return check;
  }
  if (spec.kubernetes !== undefined) return { kind: 'kubernetes', ...kubernetesCheck(spec.kubernetes, k8sNamespace) };
  if (spec.cloudwatch !== undefined || spec.rds !== undefined) return resolveAwsCheck(spec);
  const check: ResolvedProbeCheck = { kind: 'sandbox' };
  if (spec.sandbox?.readyAtLeast !== undefined) check.readyAtLeast = spec.sandbox.readyAtLeast;
  return check;
}

function resolveLoad(b: NonNullable<NonNullable<ScenarioParsed['load']>['builtin']>): ResolvedBuiltinLoad {
  const stages: ResolvedBuiltinLoad['stages'] = [];
  if (b.stages !== undefined) {
    // A ramp starts from the first stage's rate; each stage then moves linearly to its own rate.
    let from = rate(b.stages[0]?.rate ?? '0/s');
    for (const s of b.stages) {
      const to = rate(s.rate);
      stages.push({ fromRatePerSec: from, toRatePerSec: to, durationMs: ms(s.duration) });
      from = to;
    }
  } else if (b.rate !== undefined && b.duration !== undefined) {
    const r = rate(b.rate);
    stages.push({ fromRatePerSec: r, toRatePerSec: r, durationMs: ms(b.duration) });
  }
  const load: ResolvedBuiltinLoad = {
    engine: 'builtin',
    url: b.url,
    method: b.method ?? DEFAULTS.load.method,
    headers: b.headers ?? {},
    stages,
    connections: b.connections ?? DEFAULTS.load.connections,
    maxInFlight: b.maxInFlight ?? DEFAULTS.load.maxInFlight,
    timeoutMs: msOr(b.timeout, DEFAULTS.load.timeoutMs),
    expectStatus: statuses(b.expect?.status, DEFAULTS.load.expectStatus),
  };
  if (b.body !== undefined) load.body = b.body;
  return load;
}

type StepParsed = z.output<typeof Step>;

function resolveSteps(steps: StepParsed[], targets: ScenarioParsed['targets']): ResolvedStep[] {
  // Unnamed steps are numbered per label: "pod-kill #1", "pod-kill #2", "wait for fleet #1".
  const counts = new Map<string, number>();
  const autoName = (label: string): string => {
    const n = (counts.get(label) ?? 0) + 1;
    counts.set(label, n);
    return `${label} #${n}`;
  };
  return steps.map((step): ResolvedStep => {
    if ('fault' in step) {
      const target = step.target ?? defaultTarget(step.fault, targets);
      const fault =
        target === 'kubernetes'
          ? withKubernetes(resolveFault(step), step, targets)
          : target === 'aws'
            ? withAws(resolveFault(step), step, targets)
            : resolveFault(step);
      const resolved: ResolvedStep = { kind: 'fault', name: step.name ?? autoName(step.fault), target, fault };
      if (step.measure !== undefined) resolved.measure = step.measure;
      return resolved;
    }
    if ('checkpoint' in step) return resolveCheckpoint(step, step.name ?? autoName('checkpoint'));
    if ('action' in step) return resolveAction(step, step.name ?? autoName('action'));
    if ('wait' in step) {
      const w = step.wait;
      if ('duration' in w)
        return { kind: 'sleep', name: step.name ?? autoName(`sleep ${w.duration}`), durationMs: ms(w.duration) };
      return {
        kind: 'wait-probe',
        name: step.name ?? autoName(`wait for ${w.for}`),
        probe: w.for,
        timeoutMs: msOr(w.timeout, DEFAULTS.wait.timeoutMs),
      };
    }
    const v = step.verify;
    return {
      kind: 'verify',
      name: step.name ?? autoName(`verify ${v.probe}`),
      probe: v.probe,
      timeoutMs: msOr(v.timeout, DEFAULTS.verify.timeoutMs),
    };
  });
}

function resolveFault(step: z.output<typeof FaultStep>): ResolvedFault {
  switch (step.fault) {
    case 'pod-kill': {
      const f: ResolvedFault = {
        type: 'pod-kill',
        select: selection(step.select),
        signal: step.signal ?? DEFAULTS.podKill.signal,
        graceMs: msOr(step.grace, DEFAULTS.podKill.graceMs),
      };
      if (step.repeat !== undefined) f.repeat = { everyMs: ms(step.repeat.every), times: step.repeat.times };
      return f;
    }
    case 'zone-outage': {
      const f: ResolvedFault = { type: 'zone-outage', zone: step.zone };
      if (step.duration !== undefined) f.durationMs = ms(step.duration);
      return f;
    }
    case 'spot-interruption':
      return {
        type: 'spot-interruption',
        // Why default to spot capacity: an interruption notice only ever reaches spot instances.
        select: { ...selection(step.select), capacity: step.select?.capacity ?? 'spot' },
        noticeMs: msOr(step.notice, DEFAULTS.spotInterruption.noticeMs),
        graceMs: msOr(step.grace, DEFAULTS.spotInterruption.graceMs),
      };
    case 'db-failover':
      return { type: 'db-failover', mode: step.mode ?? DEFAULTS.dbFailover.mode };
    case 'region-failover': {
      const f: ResolvedFault = { type: 'region-failover' };
      if (step.from !== undefined) f.from = step.from;
      if (step.to !== undefined) f.to = step.to;
      if (step.outage === true) f.outage = { database: 'immediate' };
      else if (typeof step.outage === 'object') f.outage = { database: step.outage.database };
      if (step.poll !== undefined) f.pollMs = ms(step.poll);
      if (step.runbook !== undefined) {
        f.runbook = step.runbook.map((r) => ({
          name: r.name,
          action: r.action,
          args: r.args ?? {},
          timeoutMs: msOr(r.timeout, DEFAULTS.runbook.stepTimeoutMs),
        }));
      }
      return f;
    }
    case 'az-outage':
    case 'fis-experiment':
      return resolveAwsOnlyFault(step);
  }
}

function selection(select: z.output<typeof ReplicaSelector> | undefined): ReplicaSelection {
  const s = select ?? {};
  const out: ReplicaSelection = { order: s.order ?? DEFAULTS.select.order };
  if (s.percent !== undefined) out.percent = pct(s.percent);
  else if (s.perZone !== undefined) out.perZone = s.perZone;
  else out.count = s.count ?? DEFAULTS.select.count;
  if (s.zone !== undefined) out.zone = s.zone;
  if (s.capacity !== undefined) out.capacity = s.capacity;
  if (s.labels !== undefined) out.labels = s.labels;
  if (s.namespace !== undefined) out.namespace = s.namespace;
  if (s.nodes !== undefined) out.nodes = s.nodes;
  return out;
}

// ---------- kubernetes ----------

/** The target of a step without `target:`: the only present target that supports the fault (rules report ambiguity). */
function defaultTarget(fault: FaultType, targets: ScenarioParsed['targets']): FaultTarget {
  return (candidateTargets(fault, Object.keys(targets))[0] ?? 'sandbox') as FaultTarget;
}

type FaultStepParsed = z.output<typeof FaultStep>;

/** Kubernetes settings of a fault on target kubernetes, with their defaults. */
function withKubernetes(
  fault: ResolvedFault,
  step: FaultStepParsed,
  targets: ScenarioParsed['targets'],
): ResolvedFault {
  const d = DEFAULTS.kubernetes;
  const label = 'notReadyLabel' in step ? step.notReadyLabel : undefined;
  const [key = '', value = ''] = (label === false ? '' : (label ?? d.notReadyLabel)).split('=');
  const opts: KubernetesFaultOptions = {
    mode: (step.fault === 'pod-kill' ? step.mode : undefined) ?? d.mode,
    evictionTimeoutMs: msOr('evictionTimeout' in step ? step.evictionTimeout : undefined, d.evictionTimeoutMs),
    podAction: ('podAction' in step ? step.podAction : undefined) ?? d.podAction,
    notReadyLabel: label === false ? null : { key, value },
  };
  if (step.fault === 'zone-outage') {
    // Why "not-ready" by default: it is what the fault did before it had modes (cordon+drain where no kwok stage honours the label).
    opts.zoneMode = step.mode ?? (label === false ? 'cordon+drain' : 'not-ready');
    if (opts.zoneMode !== 'not-ready') opts.notReadyLabel = null;
  }
  const grace = 'grace' in step ? step.grace : undefined;
  if (grace !== undefined) opts.graceSeconds = Math.round(ms(grace) / 1000);
  if (fault.type === 'pod-kill' || fault.type === 'spot-interruption') {
    const select = { ...fault.select };
    select.namespace ??= targets.kubernetes?.namespace ?? 'default';
    if (fault.type === 'spot-interruption' && select.labels === undefined && select.nodes === undefined) {
      select.labels = { ...d.spotNodeLabels };
    }
    return { ...fault, select, kubernetes: opts };
  }
  if (fault.type === 'zone-outage') return { ...fault, kubernetes: opts };
  return fault;
}

function kubernetesCheck(k: NonNullable<z.output<typeof ProbeSpec>['kubernetes']>, namespace: string): KubernetesCheck {
  const ns = k.namespace ?? namespace;
  if (k.deployment !== undefined || k.statefulSet !== undefined) {
    const check: KubernetesCheck = {
      watch: 'workload',
      namespace: ns,
      workload:
        k.deployment !== undefined
          ? { kind: 'Deployment', name: k.deployment }
          : { kind: 'StatefulSet', name: k.statefulSet ?? '' },
    };
    if (k.readyAtLeast !== undefined) check.readyAtLeast = k.readyAtLeast;
    if (k.availableAtLeast !== undefined) check.availableAtLeast = k.availableAtLeast;
    return check;
  }
  if (k.pdb !== undefined) {
    return { watch: 'pdb', namespace: ns, name: k.pdb, disruptionsAllowedAtLeast: k.disruptionsAllowedAtLeast ?? 1 };
  }
  if (k.podRestarts !== undefined) {
    return { watch: 'pod-restarts', namespace: ns, labels: k.podRestarts.labels, max: k.podRestarts.max };
  }
  const check: KubernetesCheck = { watch: 'nodes-ready' };
  if (k.nodesReady?.zone !== undefined) check.zone = k.nodesReady.zone;
  if (k.nodesReady?.atLeast !== undefined) check.atLeast = k.nodesReady.atLeast;
  return check;
}

function resolveObjectives(o: ScenarioParsed['objectives']): ResolvedObjectives {
  const out: ResolvedObjectives = { availability: [], latency: [] };
  if (o === undefined) return out;
  if (o.rto !== undefined) {
    out.rto = {
      probe: o.rto.probe,
      maxMs: ms(o.rto.max),
      stableForMs: msOr(o.rto.stableFor, DEFAULTS.objectives.stableForMs),
    };
  }
  if (o.rpo !== undefined) {
    out.rpo = { maxMs: ms(o.rpo.max) };
    if (o.rpo.maxLostWrites !== undefined) out.rpo.maxLostWrites = o.rpo.maxLostWrites;
  }
  const window = (w: WindowName | undefined): WindowName => w ?? DEFAULTS.objectives.window;
  for (const a of many(o.availability))
    out.availability.push({ probe: a.probe, window: window(a.window), min: pct(a.min) });
  for (const l of many(o.latency)) {
    const percentiles: ResolvedObjectives['latency'][number]['percentiles'] = {};
    for (const p of ['p50', 'p90', 'p95', 'p99'] as const) {
      const v = l[p];
      if (v !== undefined) percentiles[p] = ms(v);
    }
    out.latency.push({ probe: l.probe, window: window(l.window), percentiles });
  }
  if (o.load !== undefined) {
    const load: NonNullable<ResolvedObjectives['load']> = {};
    if (o.load.window !== undefined) load.window = o.load.window;
    if (o.load.maxErrorRate !== undefined) load.maxErrorRate = pct(o.load.maxErrorRate);
    if (o.load.p95 !== undefined) load.p95Ms = ms(o.load.p95);
    if (o.load.p99 !== undefined) load.p99Ms = ms(o.load.p99);
    out.load = load;
  }
  return out;
}

// The shape check guarantees these strings are well formed; the fallbacks only satisfy the types.
const ms = (text: string): number => parseDuration(text) ?? 0;
const msOr = (text: string | undefined, fallback: number): number => (text === undefined ? fallback : ms(text));
const pct = (text: string): number => parsePercent(text) ?? 0;
const rate = (text: string): number => parseRate(text) ?? 0;
const many = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const statuses = (v: number | number[] | undefined, fallback: readonly number[]): number[] =>
  v === undefined ? [...fallback] : Array.isArray(v) ? v : [v];
