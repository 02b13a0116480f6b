// Helpers shared by the Kubernetes faults: the inventory and runtime checks, the harness's own pod,
// deleting and evicting pods (429 from a PodDisruptionBudget retried with backoff, never forced),
// and node patches.

import { GamedayError } from '../../errors.js';
import { backoffMs } from '../../drivers/kubernetes/retry.js';
import type { KubeCluster } from '../../drivers/kubernetes/cluster.js';
import type { PodInfo } from '../../drivers/kubernetes/objects.js';
import type { KubernetesFaultOptions, ResolvedFault } from '../../scenario/types.js';
import { sleep } from '../../util/clock.js';
import { formatDuration } from '../../util/duration.js';
import type { FaultRuntime, Inventory, PlannedFault } from '../types.js';
import type { PoolImpact } from '../blast-radius.js';
import type { KubernetesInventory, KubernetesRuntime, SelfPod } from './types.js';

/** The inventory of the kubernetes target, or undefined when planning without a connection (`gameday plan`). */
export function kubernetesInventory(inventory: Inventory): KubernetesInventory | undefined {
  return inventory.kubernetes;
}

export function kubernetesRuntime(runtime: FaultRuntime): KubernetesRuntime {
  if (!runtime.kubernetes) {
    throw new GamedayError('the kubernetes target is not connected', {
      kind: 'runtime',
      code: 'TARGET_MISSING',
      phase: 'inject',
    });
  }
  return runtime.kubernetes;
}

/** The fault's Kubernetes settings (resolve fills them in for steps on target kubernetes). */
export function kubernetesOptions(fault: ResolvedFault): KubernetesFaultOptions {
  const opts = (fault as { kubernetes?: KubernetesFaultOptions }).kubernetes;
  if (!opts) {
    throw new GamedayError(`fault ${fault.type} has no Kubernetes settings`, { kind: 'runtime', code: 'K8S_FAULT' });
  }
  return opts;
}

/** True for the harness's own pod: a chaos run must never take itself down. */
export function isSelf(pod: PodInfo, self: SelfPod | undefined): boolean {
  return (
    self !== undefined && pod.name === self.name && (self.namespace === undefined || pod.namespace === self.namespace)
  );
}

/** Pods a drain or zone fault acts on: not DaemonSet-owned, not mirror pods, not already terminating. */
export function drainable(pod: PodInfo): boolean {
  return !pod.mirror && pod.owner?.kind !== 'DaemonSet' && !pod.terminating;
}

/** A plan when the cluster was not consulted (`gameday plan` without a connection): choices are made at run time. */
export function projectedPlan(fault: ResolvedFault, description: string): PlannedFault {
  return {
    fault,
    target: 'kubernetes',
    description: `${description} (chosen at run time)`,
    affected: [],
    unavailable: 0,
    fleet: 0,
  };
}

/**
 * Blast radius per workload: the workload that loses the largest share. The guard compares
 * `unavailable` against guards.maxUnavailable of `fleet`, so a cap holds for every workload.
 */
export function worstWorkload(
  victims: readonly PodInfo[],
  all: readonly PodInfo[],
): { unavailable: number; fleet: number; workload?: string } {
  const byWorkload = new Map<string, number>();
  for (const p of victims) byWorkload.set(p.workload ?? p.name, (byWorkload.get(p.workload ?? p.name) ?? 0) + 1);
  let worst: { unavailable: number; fleet: number; workload?: string } = { unavailable: 0, fleet: all.length };
  for (const [workload, n] of byWorkload) {
    const fleet = all.filter((p) => (p.workload ?? p.name) === workload && !p.terminating).length;
    if (worst.workload === undefined || n / Math.max(1, fleet) > worst.unavailable / Math.max(1, worst.fleet)) {
      worst = { unavailable: n, fleet, workload };
    }
  }
  return worst;
}

/** The key a pod's workload is counted under (its controller, else the pod itself). */
const workloadOf = (p: PodInfo): string => `${p.namespace}/${p.workload ?? p.name}`;

/** Victims per workload, as blast-radius pools: each workload's share is capped on its own. */
export function workloadPools(victims: readonly PodInfo[], all: readonly PodInfo[]): PoolImpact[] {
  const byWorkload = new Map<string, string[]>();
  for (const p of victims)
    byWorkload.set(workloadOf(p), [...(byWorkload.get(workloadOf(p)) ?? []), `${p.namespace}/${p.name}`]);
  return [...byWorkload].map(([w, ids]) => ({
    pool: `workload ${w}`,
    size: all.filter((p) => workloadOf(p) === w && !p.terminating).length,
    ids,
  }));
}

/**
 * The live blast-radius check before pods are disrupted: per workload, pods not Ready now (or gone since
 * the plan counted `plannedSize`) plus the Ready victims must stay within guards.maxUnavailable.
 */
export function checkLiveWorkloads(
  runtime: FaultRuntime,
  victims: readonly PodInfo[],
  live: readonly PodInfo[],
  planned: readonly PoolImpact[] = [],
): void {
  const guard = runtime.blastRadius;
  if (!guard) return;
  for (const pool of workloadPools(victims, live)) {
    const w = pool.pool.replace(/^workload /, '');
    const members = live.filter((p) => workloadOf(p) === w && !p.terminating);
    const size = Math.max(pool.size, planned.find((p) => p.pool === pool.pool)?.size ?? 0);
    const ready = members.filter((p) => p.ready).length;
    const taking = victims.filter((p) => workloadOf(p) === w && p.ready && !p.terminating).length;
    guard.check(runtime.step, pool.pool, size, Math.max(0, size - ready), taking);
  }
}

export interface DisruptResult {
  /** Pods deleted or evicted. */
  disrupted: PodInfo[];
  /** Pods already gone when their turn came. */
  gone: PodInfo[];
  /** Evictions refused until evictionTimeout: never forced, reported as findings. */
  blocked: Array<{ pod: PodInfo; message: string; attempts: number }>;
  /** Evictions refused at first and let through later (a PodDisruptionBudget made them wait). */
  delayed: Array<{ pod: PodInfo; attempts: number; waitedMs: number }>;
  /** Run-clock time the first call succeeded. */
  firstT?: number;
}

/**
 * Pod deletes, evictions and node patches a fault keeps in flight (the client's pool of keep-alive
 * connections is as large). Each waits on several etcd round trips inside the API server, so a burst
 * of hundreds is paced by how many are in flight more than by the server's CPU; the server's priority
 * and fairness queues whatever it cannot take yet.
 */
export const MUTATIONS_IN_FLIGHT = 64;

/** Run `fn` over `items`, at most `limit` at a time. */
export async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Delete or evict pods. An eviction refused with 429 — a PodDisruptionBudget that allows no more
 * disruptions — is retried with backoff until `evictionTimeoutMs`; then it is reported, never forced.
 */
export async function disruptPods(
  pods: readonly PodInfo[],
  how: { mode: 'delete' | 'evict'; graceSeconds?: number; evictionTimeoutMs: number },
  runtime: FaultRuntime,
  k8s: KubernetesRuntime,
): Promise<DisruptResult> {
  const result: DisruptResult = { disrupted: [], gone: [], blocked: [], delayed: [] };
  const client = k8s.cluster.client;
  const mark = (): void => {
    result.firstT ??= runtime.clock.now();
  };
  await mapLimit(pods, MUTATIONS_IN_FLIGHT, async (pod) => {
    if (how.mode === 'delete') {
      const timing = k8s.tracker.expect(pod);
      const r = await client.deletePod(pod.namespace, pod.name, how.graceSeconds);
      if (r === 'gone') {
        timing.cancel();
        result.gone.push(pod);
        return;
      }
      mark();
      timing.confirm();
      result.disrupted.push(pod);
      return;
    }
    const started = performance.now();
    const deadline = started + how.evictionTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      const timing = k8s.tracker.expect(pod);
      const r = await client.evictPod(pod.namespace, pod.name, how.graceSeconds);
      if (r.status === 'evicted') {
        mark();
        timing.confirm();
        result.disrupted.push(pod);
        if (attempt > 0) result.delayed.push({ pod, attempts: attempt + 1, waitedMs: performance.now() - started });
        return;
      }
      timing.cancel();
      if (r.status === 'gone') {
        result.gone.push(pod);
        return;
      }
      // Why never force (delete instead): the budget is the application's own statement of how much
      // disruption it survives; overriding it would test something the owners never promised.
      if (performance.now() >= deadline || runtime.signal.aborted) {
        result.blocked.push({ pod, message: r.message, attempts: attempt + 1 });
        return;
      }
      await sleep(
        Math.min(backoffMs(Math.min(attempt, 4)) * 2, Math.max(0, deadline - performance.now())),
        runtime.signal,
      );
    }
  });
  return result;
}

/** Findings for a person: evictions that waited on a budget, and ones that never got through. */
export function evictionFindings(r: DisruptResult, timeoutMs: number): string[] {
  const out: string[] = [];
  for (const d of r.delayed) {
    out.push(
      `eviction of ${d.pod.namespace}/${d.pod.name} was refused by a PodDisruptionBudget (429) and retried: it went through after ${formatDuration(Math.round(d.waitedMs))} and ${d.attempts} attempts`,
    );
  }
  for (const b of r.blocked) {
    out.push(
      `eviction of ${b.pod.namespace}/${b.pod.name} blocked by a PodDisruptionBudget for ${formatDuration(timeoutMs)} (${b.attempts} attempts, HTTP 429); not forced: ${b.message}`,
    );
  }
  return out;
}

/** Patch a node's taints with optimistic concurrency (the node lifecycle controller edits them too). */
export async function updateTaints(
  cluster: KubeCluster,
  name: string,
  change: (taints: Array<Record<string, unknown>>) => Array<Record<string, unknown>>,
  extra: Record<string, unknown> = {},
): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    const node = await cluster.client.getNode(name);
    if (!node) return false;
    const meta = node.metadata as { resourceVersion?: string } | undefined;
    const spec = (node.spec ?? {}) as { taints?: Array<Record<string, unknown>> };
    const extraMeta = (extra.metadata ?? {}) as Record<string, unknown>;
    const extraSpec = (extra.spec ?? {}) as Record<string, unknown>;
    try {
      await cluster.client.patchNode(name, {
        metadata: { ...extraMeta, resourceVersion: meta?.resourceVersion },
        spec: { ...extraSpec, taints: change(spec.taints ?? []) },
      });
      return true;
    } catch (error) {
      if ((error as { status?: number }).status !== 409 || attempt >= 5) throw error;
    }
  }
}
