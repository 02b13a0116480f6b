// The k6-operator's TestRun (k6.io/v1alpha1) and the ConfigMap holding its script, through the API: create
// both, read the TestRun's stage, delete both and make sure they are gone. The objects themselves are built
// (pure) in src/load/k6-operator-manifest.ts.

import { GamedayError } from '../../errors.js';
import { sleep } from '../../util/clock.js';
import type { KubeClient } from './client.js';
import { errorStatus } from './retry.js';

/** The stages the operator moves a TestRun through (status.stage). */
export const K6_STAGES = [
  'initialization',
  'initialized',
  'created',
  'started',
  'stopped',
  'finished',
  'error',
] as const;
export type K6Stage = (typeof K6_STAGES)[number];

/** One TestRun and its script ConfigMap, in one namespace. */
export interface K6TestRunRef {
  namespace: string;
  testRun: string;
  configMap: string;
}

/** What the API shows of a TestRun: the operator's stage (null before it acted) and its conditions. */
export interface K6TestRunState {
  stage: K6Stage | null;
  conditions: Array<{ type: string; status: string; reason?: string; message?: string }>;
}

const enc = encodeURIComponent;
const testRuns = (ns: string): string => `/apis/k6.io/v1alpha1/namespaces/${enc(ns)}/testruns`;
const configMaps = (ns: string): string => `/api/v1/namespaces/${enc(ns)}/configmaps`;
const testRunPath = (r: K6TestRunRef): string => `${testRuns(r.namespace)}/${enc(r.testRun)}`;
const configMapPath = (r: K6TestRunRef): string => `${configMaps(r.namespace)}/${enc(r.configMap)}`;

/** Create the script ConfigMap, then the TestRun. A TestRun the API does not know means no operator CRD. */
export async function createK6TestRun(
  client: KubeClient,
  ref: K6TestRunRef,
  objects: { configMap: object; testRun: object },
): Promise<void> {
  if ((await client.createObject(configMaps(ref.namespace), objects.configMap)) === 'exists')
    throw exists(ref.configMap, ref);
  let created: Awaited<ReturnType<KubeClient['createObject']>>;
  try {
    created = await client.createObject(testRuns(ref.namespace), objects.testRun);
  } catch (error) {
    if (errorStatus(error) !== 404) throw error;
    throw new GamedayError(`the cluster ${client.server} does not serve k6.io/v1alpha1 TestRuns`, {
      kind: 'runtime',
      code: 'K6_OPERATOR_MISSING',
      cause: error,
      target: client.server,
      hint: 'install the k6-operator (its CRD testruns.k6.io) in the cluster, or remove load.k6.operator to run k6 here',
    });
  }
  if (created === 'exists') throw exists(ref.testRun, ref);
}

function exists(name: string, ref: K6TestRunRef): GamedayError {
  return new GamedayError(`${name} already exists in namespace ${ref.namespace}`, {
    kind: 'runtime',
    code: 'K6_OPERATOR_EXISTS',
    hint: 'another run with this run id left it behind; `gameday rollback` that run',
  });
}

/** The TestRun's stage and conditions; undefined when it is gone. */
export async function readK6TestRun(
  client: KubeClient,
  ref: K6TestRunRef,
  signal?: AbortSignal,
): Promise<K6TestRunState | undefined> {
  const obj = await client.getObject(testRunPath(ref), signal);
  if (obj === undefined) return undefined;
  const status = (obj['status'] ?? {}) as { stage?: unknown; conditions?: unknown };
  const stage = K6_STAGES.find((s) => s === status.stage) ?? null;
  const conditions = Array.isArray(status.conditions)
    ? (status.conditions as Array<Record<string, unknown>>).map((c) => ({
        type: String(c['type'] ?? ''),
        status: String(c['status'] ?? ''),
        ...(typeof c['reason'] === 'string' ? { reason: c['reason'] } : {}),
        ...(typeof c['message'] === 'string' ? { message: c['message'] } : {}),
      }))
    : [];
  return { stage, conditions };
}

/**
 * Delete the TestRun (the operator's Jobs and runner pods, which it owns, go with it) and the script
 * ConfigMap, then wait until the API has neither. Idempotent: what is gone already counts as deleted.
 */
export async function deleteK6TestRun(
  client: KubeClient,
  ref: K6TestRunRef,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<string> {
  // Why the TestRun first: without it the operator stops acting; its script is not needed any more then.
  const testRun = await client.deleteObject(testRunPath(ref));
  const configMap = await client.deleteObject(configMapPath(ref));
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const left = [
      ...((await client.getObject(testRunPath(ref), signal)) ? [`TestRun ${ref.testRun}`] : []),
      ...((await client.getObject(configMapPath(ref), signal)) ? [`ConfigMap ${ref.configMap}`] : []),
    ];
    if (left.length === 0) break;
    if (performance.now() > deadline) {
      throw new GamedayError(`${left.join(' and ')} still in namespace ${ref.namespace} after deleting`, {
        kind: 'rollback-incomplete',
        code: 'K6_OPERATOR_LEFT',
        phase: 'rollback',
        hint: `a finalizer may hold it; look at it with kubectl -n ${ref.namespace} get testrun,configmap`,
      });
    }
    await sleep(200, signal);
  }
  const what = (name: string, r: 'deleted' | 'gone'): string =>
    r === 'deleted' ? `${name} deleted` : `${name} was gone`;
  return `${what(`TestRun ${ref.namespace}/${ref.testRun}`, testRun)}, ${what(`ConfigMap ${ref.configMap}`, configMap)}`;
}
