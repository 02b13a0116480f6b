// Connecting a run to its kubernetes target: open the kubeconfig context (or in-cluster config), check
// every permission the scenario needs with SelfSubjectAccessReview before anything else happens, then
// start the informers its faults, probes and per-pod timings read.

import { hostname } from 'node:os';
import type { KubeCluster } from '../../drivers/kubernetes/cluster.js';
import type { KubeClient } from '../../drivers/kubernetes/client.js';
import { PodTimingTracker, distribution } from '../../drivers/kubernetes/tracker.js';
import { GamedayError, describeError } from '../../errors.js';
import type { PodTimingsMeasurement } from '../../report/types.js';
import type { Scenario } from '../../scenario/types.js';
import { describeKubeIdentity, kubeconfigExists, kubeIdentity } from '../../drivers/kubernetes/identity.js';
import type { TargetIdentity } from '../../runner/targets-identity.js';
import { mapLimit } from './common.js';
import { describePermission, kubernetesNeeds, type Permission } from './needs.js';
import type { KubernetesAccess, KubernetesInventory, KubernetesRuntime, SelfPod } from './types.js';

export interface KubernetesConnection {
  cluster: KubeCluster;
  runtime: KubernetesRuntime;
  /** Locks the whole cluster: node faults reach beyond one namespace. */
  lockKey: string;
  /** Which cluster this is (API server, CA fingerprint, kubeconfig and context), for the journal. */
  identity: Extract<TargetIdentity, { kind: 'kubernetes' }>;
  /** A snapshot of the caches for planning. */
  inventory(): KubernetesInventory;
  /** Per-pod rescheduling and readiness times of everything the faults disrupted. */
  podTimings(): PodTimingsMeasurement;
  close(): Promise<void>;
}

export interface KubernetesConnectOptions {
  signal: AbortSignal;
  log(message: string): void;
  /** Environment for the harness's own pod name (default process.env). */
  env?: Record<string, string | undefined>;
}

/** The harness's own pod: POD_NAME/POD_NAMESPACE (downward API), else the hostname inside a cluster. */
export function selfPod(env: Record<string, string | undefined>): SelfPod | undefined {
  const name = env['POD_NAME'];
  const namespace = env['POD_NAMESPACE'];
  if (name) return namespace ? { name, namespace } : { name };
  // In a pod the hostname is the pod name; outside a cluster a hostname says nothing about pods.
  if (env['KUBERNETES_SERVICE_HOST']) return namespace ? { name: hostname(), namespace } : { name: hostname() };
  return undefined;
}

/** SelfSubjectAccessReview for each permission; the ones denied, as "needs <verb> on <resource> in <namespace>". */
export async function missingPermissions(client: KubeClient, permissions: readonly Permission[]): Promise<string[]> {
  const denied: string[] = [];
  await mapLimit(permissions, 8, async (p) => {
    const allowed = await client.canI({
      verb: p.verb,
      group: p.group,
      resource: p.resource,
      ...(p.subresource === undefined ? {} : { subresource: p.subresource }),
      ...(p.namespace === undefined ? {} : { namespace: p.namespace }),
      ...(p.name === undefined ? {} : { name: p.name }),
    });
    if (!allowed) denied.push(describePermission(p));
  });
  // Report in the stable order of the needs, not in the order the reviews came back.
  const order = permissions.map(describePermission);
  return denied.sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

/** Connect, preflight and start the informers. Throws GamedayError (invalid-input, exit 2) when a permission is missing. */
export async function connectKubernetes(
  scenario: Scenario,
  opts: KubernetesConnectOptions,
): Promise<KubernetesConnection> {
  const cfg = scenario.targets.kubernetes;
  if (!cfg)
    throw new GamedayError('the scenario has no kubernetes target', { kind: 'runtime', code: 'TARGET_MISSING' });
  const access: KubernetesAccess = { inCluster: cfg.inCluster };
  if (cfg.kubeconfig !== undefined) access.kubeconfig = cfg.kubeconfig;
  if (cfg.context !== undefined) access.context = cfg.context;
  // Why here and not at the top: the client library is loaded only by runs that have a kubernetes target.
  const { KubeCluster } = await import('../../drivers/kubernetes/cluster.js');
  const cluster = KubeCluster.open(access, opts.log);
  // Inside a pod with no kubeconfig and no context named, the client took the pod's service account:
  // journaled as in-cluster, so a rollback (in this pod or the next scheduled one) connects the same way.
  access.inCluster = cluster.client.inCluster;
  try {
    const needs = kubernetesNeeds(scenario);
    // Why before anything else: a run that lacks a permission must stop before its first fault, not
    // halfway through one with a zone cordoned and nothing able to undo it.
    const missing = await missingPermissions(cluster.client, needs.permissions);
    if (missing.length > 0) {
      throw new GamedayError(
        `the Kubernetes user of context ${cluster.client.context} lacks permissions this scenario needs: ${missing.join('; ')} (nothing was changed; \`gameday rbac ${scenario.file}\` prints the Role to grant)`,
        {
          kind: 'invalid-input',
          code: 'K8S_PREFLIGHT',
          phase: 'preflight',
          target: cluster.client.server,
          hint: `\`gameday rbac ${scenario.file}\` prints the Role and ClusterRole to grant; nothing was changed`,
        },
      );
    }
    opts.log(
      `kubernetes ${cluster.client.server} (context ${cluster.client.context}): preflight ok, ${needs.permissions.length} permission(s) checked`,
    );
    const id = await kubeIdentity(cluster.client, opts.signal);
    // Why resolved paths and the CA: undos journal this access; rollback must reach this very cluster,
    // whatever KUBECONFIG says by then (see reconnectCluster).
    if (!access.inCluster) {
      if (cluster.client.kubeconfig !== undefined) access.kubeconfig = cluster.client.kubeconfig;
      access.context = cluster.client.context;
    }
    access.identity = { server: id.server, caSha256: id.caSha256 };
    const identity: KubernetesConnection['identity'] = {
      kind: 'kubernetes',
      ...id,
      ...(access.kubeconfig === undefined ? {} : { kubeconfig: access.kubeconfig }),
      ...(access.context === undefined ? {} : { context: access.context }),
      ...(access.inCluster ? { inCluster: true } : {}),
    };
    const tracker = new PodTimingTracker();
    const podInformers = await Promise.all(needs.podNamespaces.map((ns) => cluster.pods(ns)));
    for (const inf of podInformers) tracker.attach(inf);
    const nodeInformer = needs.nodes ? await cluster.nodes() : undefined;
    await Promise.all([
      ...needs.workloads.map((w) => cluster.workloads(w.namespace, w.kind)),
      ...needs.pdbNamespaces.map((ns) => cluster.pdbs(ns)),
    ]);
    const self = selfPod(opts.env ?? process.env);
    const podNamespaces = needs.drainNamespaces.length > 0 ? needs.drainNamespaces : [cfg.namespace];
    const closed = new AbortController();
    const runtime: KubernetesRuntime = {
      cluster,
      tracker,
      access,
      podNamespaces,
      closed: closed.signal,
      ...(self ? { self } : {}),
    };
    return {
      cluster,
      runtime,
      lockKey: `kubernetes:${cluster.client.server}`,
      identity,
      inventory: () => ({
        namespace: cfg.namespace,
        podNamespaces,
        nodes: nodeInformer ? [...nodeInformer.values()] : null,
        pods: podInformers.flatMap((inf) => [...inf.values()]),
        ...(self ? { self } : {}),
      }),
      podTimings: () => podTimingsMeasurement(tracker),
      close: async () => {
        closed.abort();
        tracker.detach();
        await cluster.close();
      },
    };
  } catch (error) {
    await cluster.close();
    throw error;
  }
}

/** The tracker's timings as the report's `measurements.pods`. */
export function podTimingsMeasurement(tracker: PodTimingTracker): PodTimingsMeasurement {
  const timings = tracker.timings();
  const wall = (t: number): string => new Date(performance.timeOrigin + t).toISOString();
  const resched = timings.flatMap((t) => (t.rescheduleMs === undefined ? [] : [t.rescheduleMs]));
  const ready = timings.flatMap((t) => (t.readyMs === undefined ? [] : [t.readyMs]));
  const round = (v: number | undefined): number | null => (v === undefined ? null : Math.round(v * 10) / 10);
  return {
    disrupted: timings.length,
    rescheduling: distribution(resched),
    readiness: distribution(ready),
    notRescheduled: timings.length - resched.length,
    notReady: timings.length - ready.length,
    pods: timings.map((t) => ({
      pod: t.pod,
      namespace: t.namespace,
      workload: t.workload,
      deletedAt: wall(t.deletedAt),
      replacement: t.replacement ?? null,
      node: t.node ?? null,
      rescheduledMs: round(t.rescheduleMs),
      readyMs: round(t.readyMs),
    })),
  };
}

/**
 * Open the cluster a journaled undo acted on: the journaled kubeconfig and context while the file exists
 * (not whatever KUBECONFIG says now), else the current default with that context. When the journal holds
 * the cluster's identity, refuse (TARGET_IDENTITY, nothing done) unless it is the same API server and CA.
 */
export async function reconnectCluster(access: KubernetesAccess, signal?: AbortSignal): Promise<KubeCluster> {
  const { KubeCluster } = await import('../../drivers/kubernetes/cluster.js');
  const use: KubernetesAccess = { inCluster: access.inCluster };
  if (access.kubeconfig !== undefined && kubeconfigExists(access.kubeconfig)) use.kubeconfig = access.kubeconfig;
  if (access.context !== undefined) use.context = access.context;
  let cluster: KubeCluster;
  try {
    cluster = KubeCluster.open(use);
  } catch (error) {
    if (access.kubeconfig === undefined || use.kubeconfig !== undefined) throw error;
    throw new GamedayError(
      `the run used kubeconfig ${access.kubeconfig}${access.context ? ` (context ${access.context})` : ''}, which no longer exists, and the current one cannot stand in for it: ${describeError(error)}`,
      {
        kind: 'invalid-input',
        code: 'K8S_CONFIG',
        cause: error,
        hint: `restore ${access.kubeconfig}, or set KUBECONFIG to a kubeconfig whose context ${access.context ?? '(current)'} reaches ${access.identity?.server ?? 'the cluster the run acted on'}`,
      },
    );
  }
  const expected = access.identity;
  if (!expected) return cluster;
  try {
    const found = await kubeIdentity(cluster.client, signal);
    if (found.server !== expected.server || found.caSha256 !== expected.caSha256) {
      throw new GamedayError(
        `refusing to act on ${describeKubeIdentity(found)}: the run acted on ${describeKubeIdentity(expected)}`,
        {
          kind: 'invalid-input',
          code: 'TARGET_IDENTITY',
          phase: 'rollback',
          target: found.server,
          hint: `${use.kubeconfig === undefined && access.kubeconfig !== undefined ? `the run's kubeconfig ${access.kubeconfig} is gone; ` : ''}point KUBECONFIG (context ${use.context ?? '(current)'}) at the cluster the run acted on`,
        },
      );
    }
    return cluster;
  } catch (error) {
    await cluster.close();
    throw error;
  }
}
