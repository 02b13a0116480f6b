// The objects `load.k6.operator` creates (pure): a ConfigMap holding the script and a k6-operator TestRun
// (k6.io/v1alpha1) that runs it split over `parallelism` runner pods, with the scenario's overrides as
// k6 arguments and load.k6.env as the runners' environment (k6 reads it as __ENV).

import { basename } from 'node:path';
import type { ResolvedK6Load, ResolvedK6Operator } from '../scenario/types.js';
import { formatDuration } from '../util/duration.js';
import { k6OverrideArgs } from './k6-args.js';

/** Labels on both objects and the runner pods: who made them, for which run. */
export const K6_OPERATOR_LABELS = { managedBy: 'app.kubernetes.io/managed-by', runId: 'gameday.dev/run-id' } as const;

export interface K6OperatorObjects {
  ref: { namespace: string; testRun: string; configMap: string };
  configMap: Record<string, unknown>;
  testRun: Record<string, unknown>;
}

/** The TestRun's name for a run: `gameday-k6-<run id>`, lowercased (a Kubernetes name). */
export function k6TestRunName(runId: string): string {
  return `gameday-k6-${runId.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 63).replace(/-+$/, '');
}

/** The ConfigMap key the script is stored under: its file name where that is a valid key. */
export function scriptKey(script: string): string {
  const name = basename(script);
  return /^[-._a-zA-Z0-9]+$/.test(name) && name !== '.' && name !== '..' ? name : 'script.js';
}

/** `arguments` of the TestRun: the overrides, and never a usage report (as for a local k6). */
export function k6OperatorArguments(load: ResolvedK6Load): string {
  return ['--no-usage-report', ...k6OverrideArgs(load)].join(' ');
}

/** The ConfigMap and the TestRun for one run's load. */
export function k6OperatorObjects(
  load: ResolvedK6Load & { operator: ResolvedK6Operator },
  runId: string,
  scriptText: string,
): K6OperatorObjects {
  const op = load.operator;
  const testRun = k6TestRunName(runId);
  const ref = { namespace: op.namespace, testRun, configMap: `${testRun}-script` };
  const labels = { [K6_OPERATOR_LABELS.managedBy]: 'gameday', [K6_OPERATOR_LABELS.runId]: labelValue(runId) };
  const file = scriptKey(load.script);
  const env = [
    ...Object.entries(load.env).map(([name, value]) => ({ name, value })),
    { name: 'K6_NO_USAGE_REPORT', value: 'true' },
  ];
  const runner: Record<string, unknown> = { env, metadata: { labels } };
  if (op.image !== undefined) runner['image'] = op.image;
  if (op.serviceAccount !== undefined) runner['serviceAccountName'] = op.serviceAccount;
  return {
    ref,
    configMap: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: ref.configMap, namespace: ref.namespace, labels },
      data: { [file]: scriptText },
    },
    testRun: {
      apiVersion: 'k6.io/v1alpha1',
      kind: 'TestRun',
      metadata: { name: testRun, namespace: ref.namespace, labels },
      spec: {
        parallelism: op.parallelism,
        ...(op.separate ? { separate: true } : {}),
        script: { configMap: { name: ref.configMap, file } },
        arguments: k6OperatorArguments(load),
        runner,
      },
    },
  };
}

/** A label value: at most 63 characters of [A-Za-z0-9._-], starting and ending alphanumeric. */
function labelValue(v: string): string {
  return v
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/** What `gameday plan` says about a k6-operator load. */
export function describeK6Operator(load: ResolvedK6Load & { operator: ResolvedK6Operator }): string[] {
  const op = load.operator;
  return [
    `k6-operator: ${basename(load.script)} as a TestRun of ${op.parallelism} runner(s) in namespace ${op.namespace}` +
      `${op.image ? ` (image ${op.image})` : ''}, arguments: ${k6OperatorArguments(load)}`,
    `k6-operator: stopped (TestRun and ConfigMap deleted) when not finished within ${formatDuration(op.timeoutMs)}; no per-request results come back`,
  ];
}
