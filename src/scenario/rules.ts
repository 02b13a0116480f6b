// Semantic rules: what the schema cannot say (references, exclusive keys, limits that depend on
// other fields). They read the document defensively, so they run even when the shape check has
// found problems and every problem is reported in one pass.

import { parseDuration, parsePercent } from '../util/duration.js';
import { DEFAULTS } from './defaults.js';
import { problem } from './diagnostics.js';
import type { PathSegment, Problem } from './diagnostics.js';
import { kubernetesRules, stepTarget } from './kubernetes-rules.js';
import { awsRules } from './aws-rules.js';
import { metricsRules } from './metrics-rules.js';
import { gameDayRules } from './rules-gameday.js';
import { AWS_ONLY_FAULTS } from './schema-aws.js';
import { PROBE_KINDS, TARGET_FAULTS, candidateTargets } from './schema.js';
import { runbookActionNames, checkRunbook } from '../runbook/registry.js';
import { compactDuration, didYouMeanPrefix, editDistance, list } from './suggest.js';

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const PROBE_KEYS: readonly string[] = [...PROBE_KINDS, 'interval', 'timeout'];

/** Run every semantic rule over an (interpolated) scenario document. */
export function checkRules(doc: unknown): Problem[] {
  const root = obj(doc);
  if (root === undefined) return [];
  const ctx = context(root);
  return [
    ...probeRules(ctx),
    ...referenceRules(ctx),
    ...percentRules(ctx),
    ...stepRules(ctx),
    ...loadRules(ctx),
    ...targetRules(ctx),
    ...kubernetesRules(root),
    ...awsRules(root),
    ...metricsRules(root),
    ...gameDayRules(root),
    ...runbookRules(ctx),
    ...drillRules(ctx),
    ...objectiveRules(ctx),
  ];
}

interface Context {
  root: Obj;
  probes: Obj;
  probeNames: string[];
  sandbox: Obj | undefined;
  steps: Array<{ step: Obj; path: PathSegment[] }>;
  objectives: Obj;
  recoveryTimeoutMs: number;
}

function context(root: Obj): Context {
  const probes = obj(root.probes) ?? {};
  const steps = arr(root.steps).flatMap((s, i) => {
    const step = obj(s);
    return step === undefined ? [] : [{ step, path: ['steps', i] as PathSegment[] }];
  });
  const recovery = str(obj(root.rollback)?.recoveryTimeout);
  return {
    root,
    probes,
    probeNames: Object.keys(probes),
    // `sandbox:` with no value is a shape error, but the author did mean to have a sandbox.
    sandbox: 'sandbox' in (obj(root.targets) ?? {}) ? (obj(obj(root.targets)?.sandbox) ?? {}) : undefined,
    steps,
    objectives: obj(root.objectives) ?? {},
    recoveryTimeoutMs: (recovery && parseDuration(recovery)) || DEFAULTS.rollback.recoveryTimeoutMs,
  };
}

// ---------- probes ----------

function probeRules(ctx: Context): Problem[] {
  const out: Problem[] = [];
  for (const [name, value] of Object.entries(ctx.probes)) {
    const spec = obj(value);
    if (spec === undefined) continue;
    const kinds = PROBE_KINDS.filter((k) => k in spec);
    const allKnown = Object.keys(spec).every((k) => PROBE_KEYS.includes(k));
    // An unknown key is reported by the shape check (often an unknown probe kind); do not pile on.
    if (kinds.length === 0 && allKnown) {
      out.push(
        problem(['probes', name], 'missing-probe-kind', `probe "${name}" has no kind`, {
          hint: `give it exactly one of: ${list(PROBE_KINDS)}`,
          at: 'key',
        }),
      );
    }
    if (kinds.length > 1) {
      out.push(
        problem(
          ['probes', name, kinds[1] as string],
          'multiple-probe-kinds',
          `probe "${name}" has more than one kind (${list(kinds)})`,
          {
            hint: 'a probe checks one thing; split it into one probe per kind',
            at: 'key',
          },
        ),
      );
    }
    const interval = durationAt(spec.interval);
    if (interval !== undefined && interval < DEFAULTS.probe.minIntervalMs) {
      out.push(
        problem(
          ['probes', name, 'interval'],
          'out-of-range',
          `probe interval must be at least ${DEFAULTS.probe.minIntervalMs}ms, got ${str(spec.interval)}`,
          {
            hint: 'sampling faster than 20 times a second measures the harness more than the system',
          },
        ),
      );
    }
  }
  return out;
}

/** Every place a probe is named, with its path. */
function probeReferences(ctx: Context): Array<{ name: string; path: PathSegment[] }> {
  const refs: Array<{ name: string; path: PathSegment[] }> = [];
  const add = (v: unknown, path: PathSegment[]) => {
    const name = str(v);
    if (name !== undefined) refs.push({ name, path });
  };
  for (const { step, path } of ctx.steps) {
    add(obj(step.wait)?.for, [...path, 'wait', 'for']);
    add(obj(step.verify)?.probe, [...path, 'verify', 'probe']);
  }
  arr(ctx.root.steadyState).forEach((v, i) => add(v, ['steadyState', i]));
  arr(obj(ctx.root.guards)?.abortWhen).forEach((v, i) => add(obj(v)?.probe, ['guards', 'abortWhen', i, 'probe']));
  add(obj(ctx.objectives.rto)?.probe, ['objectives', 'rto', 'probe']);
  for (const key of ['availability', 'latency']) {
    const v = ctx.objectives[key];
    if (Array.isArray(v)) v.forEach((o, i) => add(obj(o)?.probe, ['objectives', key, i, 'probe']));
    else add(obj(v)?.probe, ['objectives', key, 'probe']);
  }
  return refs;
}

function referenceRules(ctx: Context): Problem[] {
  return probeReferences(ctx)
    .filter((ref) => !ctx.probeNames.includes(ref.name))
    .map((ref) =>
      problem(ref.path, 'undefined-probe', `probe "${ref.name}" is not defined`, {
        hint:
          ctx.probeNames.length === 0
            ? 'define it under "probes:"'
            : `${didYouMeanPrefix(ref.name, ctx.probeNames)}defined probes: ${list(ctx.probeNames)}`,
      }),
    );
}

// ---------- percentages ----------

function percentRules(ctx: Context): Problem[] {
  const fields: Array<{ value: unknown; path: PathSegment[]; positive?: boolean }> = [];
  const guards = obj(ctx.root.guards);
  fields.push({ value: guards?.maxUnavailable, path: ['guards', 'maxUnavailable'] });
  arr(guards?.abortWhen).forEach((v, i) =>
    fields.push({ value: obj(v)?.availabilityBelow, path: ['guards', 'abortWhen', i, 'availabilityBelow'] }),
  );
  for (const { step, path } of ctx.steps) {
    fields.push({ value: obj(step.select)?.percent, path: [...path, 'select', 'percent'], positive: true });
  }
  const availability = ctx.objectives.availability;
  if (Array.isArray(availability)) {
    availability.forEach((o, i) => fields.push({ value: obj(o)?.min, path: ['objectives', 'availability', i, 'min'] }));
  } else fields.push({ value: obj(availability)?.min, path: ['objectives', 'availability', 'min'] });
  fields.push({ value: obj(ctx.objectives.load)?.maxErrorRate, path: ['objectives', 'load', 'maxErrorRate'] });

  const out: Problem[] = [];
  for (const { value, path, positive } of fields) {
    const text = str(value);
    const percent = text === undefined ? undefined : parsePercent(text);
    if (percent === undefined) continue;
    if (percent > 100) out.push(problem(path, 'out-of-range', `a percentage must be at most 100%, got ${text}`));
    else if (positive && percent === 0) out.push(problem(path, 'out-of-range', `must be more than 0%, got ${text}`));
  }
  return out;
}

// ---------- steps ----------

function stepRules(ctx: Context): Problem[] {
  const out: Problem[] = [];
  const replicas = typeof ctx.sandbox?.replicas === 'number' ? ctx.sandbox.replicas : DEFAULTS.sandbox.replicas;
  const sandboxZones = arr(ctx.sandbox?.zones).filter((z): z is string => typeof z === 'string');
  const zones = sandboxZones.length > 0 ? sandboxZones : [...DEFAULTS.sandbox.zones];
  const allowedZones = arr(obj(ctx.root.guards)?.allowedZones).filter((z): z is string => typeof z === 'string');
  const hasAllowList = Array.isArray(obj(ctx.root.guards)?.allowedZones);
  const names = new Map<string, PathSegment[]>();

  for (const { step, path } of ctx.steps) {
    const select = obj(step.select);
    if (select !== undefined && 'perZone' in select && ('count' in select || 'percent' in select)) {
      out.push(
        problem(
          [...path, 'select', 'perZone'],
          'conflicting-keys',
          'use either "perZone" or "count"/"percent" in select',
          {
            at: 'key',
          },
        ),
      );
    }
    if (select !== undefined && 'count' in select && 'percent' in select) {
      out.push(
        problem(
          [...path, 'select', 'percent'],
          'conflicting-keys',
          'use either "count" or "percent" in select, not both',
          { at: 'key' },
        ),
      );
    }
    const onSandbox = ctx.sandbox !== undefined && stepTarget(ctx.root, step) === 'sandbox';
    if (onSandbox && typeof select?.count === 'number' && select.count > replicas) {
      out.push(
        problem(
          [...path, 'select', 'count'],
          'out-of-range',
          `count ${select.count} is more than the sandbox's ${replicas} replicas`,
        ),
      );
    }
    const zoneChecks: Array<{ zone: string; path: PathSegment[] }> = [];
    if (step.fault === 'zone-outage' && typeof step.zone === 'string')
      zoneChecks.push({ zone: step.zone, path: [...path, 'zone'] });
    if (typeof select?.zone === 'string') zoneChecks.push({ zone: select.zone, path: [...path, 'select', 'zone'] });
    for (const z of zoneChecks) {
      // Why: the allow-list is the blast-radius guard; a scenario that breaks it is refused up front,
      // not halfway through a run.
      if (hasAllowList && !allowedZones.includes(z.zone)) {
        out.push(
          problem(
            z.path,
            'zone-not-allowed',
            `zone "${z.zone}" is not in guards.allowedZones (${list(allowedZones) || 'empty'})`,
            {
              hint: 'add the zone to guards.allowedZones, or pick an allowed zone',
            },
          ),
        );
      } else if (onSandbox && !zones.includes(z.zone)) {
        out.push(
          problem(z.path, 'unknown-zone', `zone "${z.zone}" is not one of the sandbox zones (${list(zones)})`, {
            hint: `${didYouMeanPrefix(z.zone, zones)}set targets.sandbox.zones to change them`,
          }),
        );
      }
    }
    const name = str(step.name);
    if (name !== undefined) {
      if (names.has(name)) {
        out.push(
          problem([...path, 'name'], 'duplicate-name', `another step is already named "${name}"`, {
            hint: 'step names must be unique; they label the report timeline',
          }),
        );
      } else names.set(name, path);
    }
  }
  if (ctx.steps.length > 0 && !ctx.steps.some(({ step }) => 'fault' in step)) {
    out.push(
      problem(['steps'], 'no-fault', 'no step injects a fault, so there is nothing to recover from', {
        severity: 'warning',
        hint: 'add a step such as "- fault: pod-kill"',
        at: 'key',
      }),
    );
  }
  return out;
}

// ---------- load ----------

function loadRules(ctx: Context): Problem[] {
  const builtin = obj(obj(ctx.root.load)?.builtin);
  if (builtin === undefined) return [];
  const path: PathSegment[] = ['load', 'builtin'];
  const hasRate = 'rate' in builtin;
  const hasDuration = 'duration' in builtin;
  if ('stages' in builtin) {
    if (hasRate || hasDuration) {
      const key = hasRate ? 'rate' : 'duration';
      return [
        problem([...path, key], 'conflicting-keys', 'use either rate + duration or stages, not both', { at: 'key' }),
      ];
    }
    return [];
  }
  if (hasRate && !hasDuration)
    return [problem([...path, 'duration'], 'missing-key', 'a constant "rate" needs a "duration"', { at: 'parent' })];
  if (hasDuration && !hasRate)
    return [problem([...path, 'rate'], 'missing-key', 'a load "duration" needs a "rate"', { at: 'parent' })];
  if (!hasRate) {
    return [
      problem(path, 'missing-key', 'load needs either rate + duration or stages', {
        hint: 'e.g. rate: 50/s and duration: 1m',
        at: 'key',
      }),
    ];
  }
  return [];
}

// ---------- drills ----------

const DRILL_SOURCES = ['sandbox', 'postgres', 'file', 'directory', 's3', 'rds'];
const DRILL_VALIDATIONS = ['rowCounts', 'checksum', 'schema', 'query', 'marker'];

/** A scenario is a chaos experiment (steps) or a drill; a drill has one source, each validation one kind. */
function drillRules(ctx: Context): Problem[] {
  const out: Problem[] = [];
  const drill = obj(ctx.root.drill);
  // A near-miss such as "step:" is already reported as an unknown key with a did-you-mean; say it once.
  const nearMiss = Object.keys(ctx.root).some(
    (k) => k !== 'steps' && k !== 'drill' && (editDistance(k, 'steps') <= 2 || editDistance(k, 'drill') <= 1),
  );
  if (!('steps' in ctx.root) && drill === undefined && !nearMiss) {
    out.push(
      problem([], 'missing-key', 'a scenario needs "steps" (a chaos experiment) or "drill" (a backup-restore drill)', {
        hint: 'add "steps:" with at least one step, e.g. "- fault: pod-kill", or a "drill:" section',
      }),
    );
  }
  if (drill === undefined) return out;
  const source = obj(drill.source);
  if (source !== undefined) {
    const kinds = Object.keys(source).filter((k) => DRILL_SOURCES.includes(k));
    if (kinds.length !== 1) {
      out.push(
        problem(
          ['drill', 'source'],
          'drill-source',
          kinds.length === 0 ? 'the drill has no source' : `the drill has more than one source (${list(kinds)})`,
          {
            hint: `give exactly one of ${list(DRILL_SOURCES)}`,
          },
        ),
      );
    }
    const rds = obj(source.rds);
    if (rds && 'snapshot' in rds && 'pointInTime' in rds) {
      out.push(
        problem(['drill', 'source', 'rds'], 'drill-source', 'give either snapshot or pointInTime, not both', {
          at: 'key',
        }),
      );
    }
    const cloud = ['s3', 'rds'].find((k) => k in source);
    if (cloud !== undefined && obj(ctx.root.targets)?.aws === undefined) {
      out.push(
        problem(['drill', 'source', cloud], 'missing-target', `the ${cloud} drill source needs targets.aws`, {
          hint: 'add "targets: { aws: { region: us-west-2, accounts: ["123456789012"] } }"',
          at: 'key',
        }),
      );
    }
    if ('sandbox' in source && ctx.sandbox === undefined) {
      out.push(
        problem(
          ['drill', 'source', 'sandbox'],
          'missing-target',
          'the drill dumps the sandbox, but targets.sandbox is not set',
          {
            hint: 'add "targets: { sandbox: {} }"',
            at: 'key',
          },
        ),
      );
    }
  }
  arr(drill.validations).forEach((raw, i) => {
    const v = obj(raw);
    if (!v) return;
    const kinds = Object.keys(v).filter((k) => DRILL_VALIDATIONS.includes(k));
    if (kinds.length !== 1) {
      out.push(
        problem(
          ['drill', 'validations', i],
          'drill-validation',
          `each validation is exactly one of ${list(DRILL_VALIDATIONS)}`,
        ),
      );
    }
  });
  return out;
}

// ---------- runbooks ----------

/** Region-failover runbooks: known actions with valid arguments, unique step names. */
function runbookRules(ctx: Context): Problem[] {
  const out: Problem[] = [];
  const known = runbookActionNames();
  for (const { step, path } of ctx.steps) {
    if (step.fault !== 'region-failover') continue;
    const seen = new Set<string>();
    arr(step.runbook).forEach((raw, i) => {
      const rs = obj(raw);
      if (!rs) return;
      const at: PathSegment[] = [...path, 'runbook', i];
      if (typeof rs.name === 'string') {
        if (seen.has(rs.name)) {
          out.push(problem([...at, 'name'], 'duplicate-name', `runbook step "${rs.name}" is used twice`));
        }
        seen.add(rs.name);
      }
      if (typeof rs.action !== 'string') return;
      if (!known.includes(rs.action)) {
        out.push(
          problem([...at, 'action'], 'unknown-action', `unknown runbook action "${rs.action}"`, {
            hint: `${didYouMeanPrefix(rs.action, known)}known actions: ${list(known)}`,
          }),
        );
        return;
      }
      const args = obj(rs.args) ?? {};
      for (const message of checkRunbook(
        [{ name: String(rs.name ?? 'step'), action: rs.action, args, timeoutMs: 1 }],
        '',
      )) {
        out.push(problem([...at, 'args'], 'invalid-args', message.replace(/^\[0\] \([^)]*\): /, '')));
      }
    });
  }
  return out;
}

// ---------- targets ----------

const SANDBOX_DB = '${SANDBOX_DATABASE_URL}';

function targetRules(ctx: Context): Problem[] {
  const out: Problem[] = [];
  const hint = 'add "targets: { sandbox: {} }"';
  if (ctx.sandbox === undefined) {
    for (const [name, spec] of Object.entries(ctx.probes)) {
      if (obj(spec) !== undefined && 'sandbox' in (spec as Obj)) {
        out.push(
          problem(
            ['probes', name, 'sandbox'],
            'missing-target',
            `probe "${name}" watches the sandbox, but targets.sandbox is not set`,
            { hint, at: 'key' },
          ),
        );
      }
    }
    const present = Object.keys(obj(ctx.root.targets) ?? {});
    for (const { step, path } of ctx.steps) {
      // A step naming its target, or one that a present target can inject, is checked in kubernetes-rules.ts.
      if (
        typeof step.fault === 'string' &&
        step.target === undefined &&
        // AWS-only faults without targets.aws are reported by aws-rules.ts.
        !(AWS_ONLY_FAULTS as readonly string[]).includes(step.fault) &&
        candidateTargets(step.fault, present).length === 0
      ) {
        const able = candidateTargets(step.fault, Object.keys(TARGET_FAULTS));
        out.push(
          problem(
            [...path, 'fault'],
            'missing-target',
            able.length <= 1
              ? `fault "${step.fault}" acts on the sandbox, but targets.sandbox is not set`
              : `fault "${step.fault}" acts on ${list(able)}, but none of these targets is set`,
            {
              hint:
                able.length <= 1
                  ? hint
                  : 'add "targets: { kubernetes: { namespace: … } }" or "targets: { sandbox: {} }"',
            },
          ),
        );
      }
    }
    return out;
  }
  if (ctx.sandbox.database !== false) return out;
  // database: false was written explicitly; everything that needs PostgreSQL in the sandbox is an error.
  const dbHint =
    'set "database: true" under targets.sandbox, or leave it out (it defaults on when the scenario uses the database)';
  for (const { step, path } of ctx.steps) {
    if (step.fault === 'db-failover') {
      out.push(
        problem(
          [...path, 'fault'],
          'needs-database',
          'db-failover needs the sandbox database, but targets.sandbox.database is false',
          { hint: dbHint },
        ),
      );
    }
  }
  const url = str(obj(obj(ctx.root.markers)?.postgres)?.url);
  if (url?.includes(SANDBOX_DB)) {
    out.push(
      problem(
        ['markers', 'postgres', 'url'],
        'needs-database',
        'markers use the sandbox database, but targets.sandbox.database is false',
        { hint: dbHint },
      ),
    );
  }
  for (const [name, spec] of Object.entries(ctx.probes)) {
    if (str(obj(obj(spec)?.sql)?.url)?.includes(SANDBOX_DB)) {
      out.push(
        problem(
          ['probes', name, 'sql', 'url'],
          'needs-database',
          `probe "${name}" queries the sandbox database, but targets.sandbox.database is false`,
          { hint: dbHint },
        ),
      );
    }
  }
  return out;
}

// ---------- objectives ----------

function objectiveRules(ctx: Context): Problem[] {
  const out: Problem[] = [];
  const rto = obj(ctx.objectives.rto);
  const recovery = compactDuration(ctx.recoveryTimeoutMs);
  const stableFor = durationAt(rto?.stableFor);
  if (stableFor !== undefined && stableFor >= ctx.recoveryTimeoutMs) {
    out.push(
      problem(
        ['objectives', 'rto', 'stableFor'],
        'out-of-range',
        `stableFor (${str(rto?.stableFor)}) must be shorter than the recovery timeout (${recovery})`,
        {
          hint: 'raise rollback.recoveryTimeout or lower stableFor',
        },
      ),
    );
  }
  const max = durationAt(rto?.max);
  if (max !== undefined && max > ctx.recoveryTimeoutMs) {
    out.push(
      problem(
        ['objectives', 'rto', 'max'],
        'rto-beyond-recovery',
        `rto max (${str(rto?.max)}) is longer than the recovery timeout (${recovery}), so a slower recovery is cut off before it is measured`,
        {
          severity: 'warning',
          hint: 'raise rollback.recoveryTimeout above the rto max',
        },
      ),
    );
  }
  const probeName = str(rto?.probe);
  const probe = probeName === undefined ? undefined : obj(ctx.probes[probeName]);
  if (max !== undefined && probe !== undefined && probeName !== undefined) {
    const interval = durationAt(probe.interval) ?? DEFAULTS.probe.intervalMs;
    if (interval > max / 10) {
      const path: PathSegment[] = 'interval' in probe ? ['probes', probeName, 'interval'] : ['probes', probeName];
      out.push(
        problem(
          path,
          'coarse-probe',
          `probe "${probeName}" samples every ${compactDuration(interval)}, more than a tenth of the rto max (${str(rto?.max)})`,
          {
            severity: 'warning',
            hint: `RTO is measured to within one interval; use "interval: ${compactDuration(Math.max(DEFAULTS.probe.minIntervalMs, Math.floor(max / 10)))}" or less`,
            at: 'interval' in probe ? 'value' : 'key',
          },
        ),
      );
    }
  }
  if (ctx.objectives.rpo !== undefined && obj(obj(ctx.root.markers)?.postgres) === undefined) {
    out.push(
      problem(
        ['objectives', 'rpo'],
        'missing-markers',
        'rpo is measured from write markers, but markers.postgres is not set',
        {
          hint: 'add "markers: { postgres: { url: ${SANDBOX_DATABASE_URL} } }"',
          at: 'key',
        },
      ),
    );
  }
  return out;
}

function durationAt(v: unknown): number | undefined {
  const text = str(v);
  return text === undefined ? undefined : parseDuration(text);
}
