// Semantic rules for the AWS parts of a scenario: targets.aws, steps on target aws, the `fis:` block,
// cloudwatch and rds probes. Like rules.ts they read the document defensively, so every problem is
// reported in one pass, also when the shape check has found others.

import { parseDuration } from '../util/duration.js';
import { problem } from './diagnostics.js';
import type { PathSegment, Problem } from './diagnostics.js';
import { stepTarget } from './kubernetes-rules.js';
import { AWS_ONLY_FAULTS } from './schema-aws.js';
import { compactDuration, list } from './suggest.js';

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** FIS's limits on the spot interruption notice (durationBeforeInterruption). */
const NOTICE_MIN_MS = 2 * 60_000;
const NOTICE_MAX_MS = 15 * 60_000;
const ACCOUNT_RE = /^\d{12}$/;
const ALARM_ARN_RE = /^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+$/;

/** Step keys only target aws understands, per fault. */
const AWS_ONLY_KEYS: Record<string, string[]> = {
  'spot-interruption': ['tags', 'filters', 'fis', 'kubernetes'],
  'db-failover': ['via', 'cluster', 'instance', 'targetInstance', 'eventTimeout', 'pollInterval', 'fis'],
};
/** Step keys target aws does not understand, per fault (the sandbox's and Kubernetes' own). */
const NOT_ON_AWS: Record<string, string[]> = {
  'spot-interruption': ['grace'],
  'db-failover': ['mode'],
};
const SELECT_NOT_ON_AWS = ['zone', 'capacity', 'order'];
const AWS_HINT = 'add "targets: { aws: { region: us-west-2, accounts: ["123456789012"] } }"';

/** Every AWS rule. */
export function awsRules(root: Obj): Problem[] {
  const steps = arr(root.steps).flatMap((s, i) => {
    const step = obj(s);
    return step === undefined ? [] : [{ step, path: ['steps', i] as PathSegment[] }];
  });
  return [...targetRules(root), ...stepRules(root, steps), ...probeRules(root)];
}

function targetRules(root: Obj): Problem[] {
  const aws = obj(obj(root.targets)?.aws);
  if (aws === undefined) return [];
  const out: Problem[] = [];
  const at: PathSegment[] = ['targets', 'aws'];
  if (Array.isArray(aws.accounts)) {
    if (aws.accounts.length === 0) {
      // Why an error: an empty allowlist would refuse every account at run time; say so now.
      out.push(
        problem(
          [...at, 'accounts'],
          'out-of-range',
          'accounts is empty, so the identity guard would refuse every account',
          {
            hint: 'list the account ids gameday may act in, e.g. accounts: ["123456789012"]',
          },
        ),
      );
    }
    aws.accounts.forEach((a, i) => {
      if (typeof a === 'string' && !ACCOUNT_RE.test(a)) {
        out.push(
          problem([...at, 'accounts', i], 'invalid-format', `expected a 12-digit AWS account id, got "${a}"`, {
            hint: 'the account id as STS GetCallerIdentity reports it, e.g. "123456789012"',
          }),
        );
      }
    });
  }
  const region = str(aws.region);
  if (region !== undefined && Array.isArray(aws.regions) && !aws.regions.includes(region)) {
    out.push(
      problem(
        [...at, 'regions'],
        'conflicting-keys',
        `region "${region}" is not in regions (${list(aws.regions.map(String))})`,
        {
          hint: 'regions is the allowlist the identity guard checks; include the region the clients use',
        },
      ),
    );
  }
  return out;
}

function stepRules(root: Obj, steps: Array<{ step: Obj; path: PathSegment[] }>): Problem[] {
  const out: Problem[] = [];
  const targets = obj(root.targets) ?? {};
  const awsTarget = obj(targets.aws);
  const hasAws = 'aws' in targets;
  const allowedZones = obj(root.guards)?.allowedZones;
  for (const { step, path } of steps) {
    const fault = str(step.fault);
    if (fault === undefined) continue;
    const awsOnly = (AWS_ONLY_FAULTS as readonly string[]).includes(fault);
    if (awsOnly && !hasAws) {
      out.push(
        problem([...path, 'fault'], 'missing-target', `fault "${fault}" acts on aws, but targets.aws is not set`, {
          hint: AWS_HINT,
        }),
      );
    }
    const target = awsOnly ? 'aws' : stepTarget(root, step);
    const select = obj(step.select);
    if (target !== 'aws') {
      const keys = [
        ...(AWS_ONLY_KEYS[fault] ?? []).filter((k) => k in step).map((k) => [k]),
        ...(select !== undefined && 'all' in select ? [['select', 'all']] : []),
      ];
      for (const key of keys) {
        out.push(
          problem(
            [...path, ...key],
            'not-for-target',
            `"${key.join('.')}" applies to aws, not to ${target ?? 'this target'}`,
            {
              hint: 'add "target: aws" to the step (and targets.aws), or remove the key',
              at: 'key',
            },
          ),
        );
      }
      continue;
    }
    for (const key of (NOT_ON_AWS[fault] ?? []).filter((k) => k in step)) {
      out.push(
        problem([...path, key], 'not-for-target', `"${key}" does not apply to target aws`, {
          hint:
            fault === 'db-failover'
              ? 'on aws the failover is RDS\'s own: remove "mode"'
              : 'on aws the instances get the FIS interruption notice and nothing else: remove "grace"',
          at: 'key',
        }),
      );
    }
    for (const key of SELECT_NOT_ON_AWS.filter((k) => select !== undefined && k in select)) {
      out.push(
        problem([...path, 'select', key], 'not-for-target', `"select.${key}" does not apply to target aws`, {
          hint: 'on aws select instances by tags and filters, and pick count, percent or all',
          at: 'key',
        }),
      );
    }
    if (select !== undefined) {
      const modes = ['count', 'percent', 'all'].filter((k) => k in select);
      if (modes.length > 1) {
        out.push(
          problem(
            [...path, 'select', modes[1] as string],
            'conflicting-keys',
            `use only one of count, percent or all in select (found ${modes.join(' and ')})`,
            {
              at: 'key',
            },
          ),
        );
      }
    }
    if (fault === 'spot-interruption' && 'kubernetes' in step && !('kubernetes' in targets)) {
      out.push(
        problem(
          [...path, 'kubernetes'],
          'missing-target',
          '"kubernetes" acts on the interrupted nodes of the kubernetes target, but targets.kubernetes is not set',
          {
            hint: 'add targets.kubernetes (the cluster the spot node group belongs to), or remove "kubernetes"',
            at: 'key',
          },
        ),
      );
    }
    out.push(...faultRules(fault, step, path, awsTarget, allowedZones));
  }
  return out;
}

function faultRules(
  fault: string,
  step: Obj,
  path: PathSegment[],
  awsTarget: Obj | undefined,
  allowedZones: unknown,
): Problem[] {
  const out: Problem[] = [];
  const fis = obj(step.fis);
  // region-failover runs its runbook's AWS actions itself (src/faults/aws/region-failover.ts).
  const needsFis = fault === 'db-failover' ? step.via === 'fis' : fault !== 'region-failover';
  if (fault === 'spot-interruption') {
    const tags = obj(step.tags);
    if (tags === undefined || Object.keys(tags).length === 0) {
      out.push(
        problem(
          tags === undefined ? path : [...path, 'tags'],
          'missing-key',
          'spot-interruption on aws needs "tags" to find the spot instances',
          {
            hint: 'e.g. tags: { "eks:nodegroup-name": connectkit-spot, "eks.amazonaws.com/capacityType": SPOT }',
            at: 'key',
          },
        ),
      );
    }
    const notice = durationAt(step.notice);
    if (notice !== undefined && (notice < NOTICE_MIN_MS || notice > NOTICE_MAX_MS)) {
      out.push(
        problem(
          [...path, 'notice'],
          'out-of-range',
          `notice must be between 2m and 15m on aws, got ${str(step.notice)}`,
          {
            hint: "FIS's durationBeforeInterruption accepts 2 to 15 minutes; AWS gives 2m for real interruptions",
          },
        ),
      );
    }
  }
  if (fault === 'db-failover') {
    const named = ['cluster', 'instance'].filter((k) => k in step);
    if (named.length !== 1) {
      out.push(
        problem(
          named.length === 0 ? path : [...path, 'instance'],
          named.length === 0 ? 'missing-key' : 'conflicting-keys',
          named.length === 0
            ? 'db-failover on aws needs "cluster" or "instance"'
            : 'use either "cluster" or "instance", not both',
          {
            hint: 'cluster: an Aurora/Multi-AZ DB cluster identifier (FailoverDBCluster); instance: a Multi-AZ DB instance (RebootDBInstance with ForceFailover)',
            at: 'key',
          },
        ),
      );
    }
    if ('targetInstance' in step && !('cluster' in step)) {
      out.push(
        problem([...path, 'targetInstance'], 'conflicting-keys', '"targetInstance" applies to a cluster failover', {
          at: 'key',
        }),
      );
    }
    if (step.via !== 'fis' && fis !== undefined) {
      out.push(
        problem([...path, 'fis'], 'conflicting-keys', '"fis" is used only with "via: fis"', {
          hint: 'add "via: fis" to run the failover as a FIS experiment, or remove "fis"',
          at: 'key',
        }),
      );
    }
  }
  if (fault === 'az-outage') {
    const zone = str(step.zone);
    const allowed = Array.isArray(allowedZones)
      ? allowedZones.filter((z): z is string => typeof z === 'string')
      : undefined;
    if (zone !== undefined && allowed !== undefined && !allowed.includes(zone)) {
      out.push(
        problem(
          [...path, 'zone'],
          'zone-not-allowed',
          `zone "${zone}" is not in guards.allowedZones (${list(allowed) || 'empty'})`,
          {
            hint: 'add the zone to guards.allowedZones, or pick an allowed zone',
          },
        ),
      );
    }
    if (step.stopInstances === false && step.disruptNetwork === false && (step.failoverDatabases ?? false) === false) {
      out.push(
        problem(
          path,
          'missing-key',
          'az-outage has nothing to do: stopInstances, disruptNetwork and failoverDatabases are all off',
          {
            hint: 'leave stopInstances or disruptNetwork on, or name databases under failoverDatabases',
            at: 'key',
          },
        ),
      );
    }
  }
  if (fault === 'fis-experiment' && fis !== undefined) {
    const hasTemplate = 'templateId' in fis;
    const hasSpec = 'targets' in step || 'actions' in step;
    if (hasTemplate === hasSpec || (hasSpec && !('targets' in step && 'actions' in step))) {
      out.push(
        problem(
          path,
          hasTemplate && hasSpec ? 'conflicting-keys' : 'missing-key',
          hasTemplate && hasSpec
            ? 'fis-experiment takes fis.templateId or targets + actions, not both'
            : 'fis-experiment needs fis.templateId, or targets and actions',
          {
            hint: 'run an existing template with fis: { templateId: EXT…, stopConditions: [] }, or describe targets and actions',
            at: 'key',
          },
        ),
      );
    }
  }
  if (needsFis) {
    if (fis === undefined) {
      if (!('fis' in step)) {
        out.push(
          problem(path, 'missing-key', `${fault} on aws runs through FIS and needs a "fis" block`, {
            hint: 'e.g. fis: { stopConditions: ["arn:aws:cloudwatch:us-west-2:123456789012:alarm:error-rate"] }',
            at: 'key',
          }),
        );
      }
    } else {
      out.push(...fisRules(fis, [...path, 'fis'], awsTarget));
    }
  }
  return out;
}

function fisRules(fis: Obj, at: PathSegment[], awsTarget: Obj | undefined): Problem[] {
  const out: Problem[] = [];
  const stops = fis.stopConditions;
  if (Array.isArray(stops)) {
    stops.forEach((s, i) => {
      if (typeof s === 'string' && !ALARM_ARN_RE.test(s)) {
        out.push(
          problem([...at, 'stopConditions', i], 'invalid-format', `expected a CloudWatch alarm ARN, got "${s}"`, {
            hint: 'e.g. "arn:aws:cloudwatch:us-west-2:123456789012:alarm:connectkit-error-rate"',
          }),
        );
      }
    });
    if (stops.length === 0 && !('templateId' in fis)) {
      out.push(
        problem(
          [...at, 'stopConditions'],
          'no-stop-condition',
          'no stop condition: FIS cannot stop the experiment when the system leaves its safe envelope',
          {
            severity: 'warning',
            hint: 'add the CloudWatch alarms of your SLOs (error rate, latency) as stop conditions',
          },
        ),
      );
    }
  }
  if (!('templateId' in fis) && !('roleArn' in fis) && !(awsTarget !== undefined && 'fisRoleArn' in awsTarget)) {
    out.push(
      problem(
        at,
        'missing-key',
        'the FIS experiment template needs a role: set fis.roleArn or targets.aws.fisRoleArn',
        {
          hint: '`gameday iam <scenario>` prints the role policy and trust policy it needs',
          at: 'key',
        },
      ),
    );
  }
  const timeout = durationAt(fis.timeout);
  if (timeout !== undefined && timeout < 60_000) {
    out.push(
      problem([...at, 'timeout'], 'out-of-range', `fis.timeout must be at least 1m, got ${str(fis.timeout)}`, {
        hint: `FIS takes a while to start and stop experiments; the default is ${compactDuration(30 * 60_000)}`,
      }),
    );
  }
  return out;
}

function probeRules(root: Obj): Problem[] {
  const out: Problem[] = [];
  const hasAws = obj(root.targets) !== undefined && 'aws' in (obj(root.targets) as Obj);
  for (const [name, value] of Object.entries(obj(root.probes) ?? {})) {
    const spec = obj(value);
    if (spec === undefined) continue;
    for (const kind of ['cloudwatch', 'rds'] as const) {
      const p = obj(spec[kind]);
      if (p === undefined) continue;
      const at: PathSegment[] = ['probes', name, kind];
      if (!hasAws) {
        out.push(
          problem(at, 'missing-target', `probe "${name}" reads AWS, but targets.aws is not set`, {
            hint: AWS_HINT,
            at: 'key',
          }),
        );
      }
      const subjects = kind === 'rds' ? ['instance', 'cluster'] : ['alarm', 'metric'];
      const present = subjects.filter((k) => k in p);
      if (present.length !== 1) {
        out.push(
          problem(
            at,
            present.length === 0 ? 'missing-key' : 'conflicting-keys',
            present.length === 0
              ? `${kind} probe "${name}" needs ${subjects.join(' or ')}`
              : `${kind} probe "${name}" has both ${present.join(' and ')}; give one`,
            {
              hint:
                kind === 'rds'
                  ? 'e.g. rds: { instance: connectkit-db, status: [available] }'
                  : 'e.g. cloudwatch: { alarm: connectkit-error-rate } or { namespace: AWS/ApplicationELB, metric: HTTPCode_Target_5XX_Count, below: 10 }',
              at: 'key',
            },
          ),
        );
      }
      if (kind === 'cloudwatch' && 'metric' in p && !('alarm' in p)) {
        if (!('namespace' in p)) {
          out.push(
            problem(at, 'missing-key', `cloudwatch probe "${name}" needs the metric's "namespace"`, { at: 'key' }),
          );
        }
        const bounds = ['below', 'above'].filter((k) => k in p);
        if (bounds.length !== 1) {
          out.push(
            problem(
              at,
              bounds.length === 0 ? 'missing-key' : 'conflicting-keys',
              `cloudwatch probe "${name}" needs exactly one of "below" or "above"`,
              {
                hint: 'the metric is healthy while its statistic is below (or above) the bound',
                at: 'key',
              },
            ),
          );
        }
      }
      if (kind === 'cloudwatch' && 'alarm' in p) {
        for (const key of [
          'namespace',
          'dimensions',
          'statistic',
          'period',
          'window',
          'below',
          'above',
          'missingIsHealthy',
        ].filter((k) => k in p)) {
          out.push(
            problem([...at, key], 'conflicting-keys', `"${key}" applies to a metric, not to an alarm`, { at: 'key' }),
          );
        }
      }
    }
  }
  return out;
}

function durationAt(v: unknown): number | undefined {
  const text = str(v);
  return text === undefined ? undefined : parseDuration(text);
}
