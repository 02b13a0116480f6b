// pod-kill on Kubernetes: pick pods by namespace + labels (count or percent, random or oldest) and delete
// them with a grace period, or evict them through policy/v1 Eviction so PodDisruptionBudgets hold.

import type { PodInfo } from '../../drivers/kubernetes/objects.js';
import { labelSelector, matchesLabels } from '../../drivers/kubernetes/objects.js';
import type { ReplicaSelection, ResolvedFault } from '../../scenario/types.js';
import { sleep } from '../../util/clock.js';
import { formatDuration } from '../../util/duration.js';
import { selectReplicas } from '../select.js';
import type { FaultExecution, FaultModule, PlannedFault } from '../types.js';
import {
  disruptPods,
  evictionFindings,
  isSelf,
  kubernetesInventory,
  kubernetesOptions,
  kubernetesRuntime,
  projectedPlan,
  worstWorkload,
  workloadPools,
  checkLiveWorkloads,
} from './common.js';
import { accessArgs } from './undo.js';
import type { KubernetesInventory } from './types.js';

type PodKill = Extract<ResolvedFault, { type: 'pod-kill' }>;

/** Live pods the selection may pick (the harness's own pod never). */
function candidates(
  pods: Iterable<PodInfo>,
  select: ReplicaSelection,
  inv: Pick<KubernetesInventory, 'nodes' | 'self'>,
): { pods: PodInfo[]; selfExcluded: boolean } {
  const zoneOf = new Map((inv.nodes ?? []).map((n) => [n.name, n.zone ?? '']));
  const out: PodInfo[] = [];
  let selfExcluded = false;
  for (const p of pods) {
    if (p.namespace !== select.namespace || !matchesLabels(p.labels, select.labels ?? {})) continue;
    if (p.terminating || (p.phase !== 'Running' && p.phase !== 'Pending')) continue;
    if (select.zone !== undefined && zoneOf.get(p.nodeName ?? '') !== select.zone) continue;
    // Why: killing the harness's own pod would end the run before it could measure or roll back.
    if (isSelf(p, inv.self)) {
      selfExcluded = true;
      continue;
    }
    out.push(p);
  }
  return { pods: out, selfExcluded };
}

function choose(
  pods: PodInfo[],
  select: ReplicaSelection,
  rng: () => number,
  nodes: ReadonlyArray<{ name: string; zone?: string | undefined }>,
): PodInfo[] {
  const byName = new Map(pods.map((p) => [p.name, p]));
  // A pod's zone is its node's topology.kubernetes.io/zone label (perZone groups by it).
  const zoneOf = new Map(nodes.map((n) => [n.name, n.zone ?? '']));
  const selectable = pods.map((p) => ({
    id: p.name,
    zone: zoneOf.get(p.nodeName ?? '') ?? '',
    capacity: '',
    state: 'ready',
    startedAt: p.createdAt,
  }));
  const { zone: _zone, capacity: _capacity, ...rest } = select;
  return selectReplicas(selectable, rest, rng).map((s) => byName.get(s.id) as PodInfo);
}

function describe(fault: PodKill): string {
  const k = kubernetesOptions(fault);
  const how = k.mode === 'evict' ? 'evict' : 'delete';
  const grace = k.graceSeconds === undefined ? '' : ` (grace ${k.graceSeconds}s)`;
  const rounds = fault.repeat ? `, ${fault.repeat.times}× every ${formatDuration(fault.repeat.everyMs)}` : '';
  const sel = fault.select;
  const amount =
    sel.percent !== undefined
      ? `${sel.percent}%`
      : sel.perZone !== undefined
        ? `${sel.perZone} per zone,`
        : `${sel.count ?? 1}`;
  return `${how}${grace} ${amount} ${sel.order === 'oldest' ? 'oldest ' : ''}pod(s) labelled ${labelSelector(sel.labels ?? {})} in ${sel.namespace}${sel.zone ? ` (zone ${sel.zone})` : ''}${rounds}`;
}

export const kubernetesPodKill: FaultModule<PodKill> = {
  type: 'pod-kill',

  plan(fault, inventory, rng): PlannedFault {
    const inv = kubernetesInventory(inventory);
    if (!inv) return projectedPlan(fault, describe(fault));
    const { pods, selfExcluded } = candidates(inv.pods, fault.select, inv);
    const chosen = choose(pods, fault.select, rng, inv.nodes ?? []);
    const worst = worstWorkload(chosen, pods);
    return {
      fault,
      target: 'kubernetes',
      description: `${describe(fault)}: ${chosen.length} of ${pods.length} match: ${chosen.map((p) => `${p.name}${p.nodeName ? ` (node ${p.nodeName})` : ''}`).join(', ') || 'none'}${selfExcluded ? "; the harness's own pod is never selected" : ''}`,
      affected: chosen.map((p) => `${p.namespace}/${p.name}`),
      unavailable: worst.unavailable,
      fleet: worst.fleet,
      pools: workloadPools(chosen, pods),
    };
  },

  async inject(fault, planned, runtime): Promise<FaultExecution> {
    const k8s = kubernetesRuntime(runtime);
    const k = kubernetesOptions(fault);
    const informer = await k8s.cluster.pods(fault.select.namespace ?? '');
    const nodes =
      fault.select.zone === undefined && fault.select.perZone === undefined
        ? null
        : [...(await k8s.cluster.nodes()).values()];
    const rounds = fault.repeat?.times ?? 1;
    const affected: string[] = [];
    const findings: string[] = [];
    let t0: number | undefined;
    for (let round = 0; round < rounds; round++) {
      if (round > 0) await sleep(fault.repeat?.everyMs ?? 0, runtime.signal);
      const { pods } = candidates(informer.values(), fault.select, { nodes, ...(k8s.self ? { self: k8s.self } : {}) });
      // The plan is a preview: re-select when a planned pod is gone (an earlier step or round replaced it).
      const live = new Map(pods.map((p) => [`${p.namespace}/${p.name}`, p]));
      const victims =
        round === 0 && planned.affected.length > 0 && planned.affected.every((id) => live.has(id))
          ? planned.affected.map((id) => live.get(id) as PodInfo)
          : choose(pods, fault.select, runtime.rng, nodes ?? []);
      if (victims.length === 0) continue;
      checkLiveWorkloads(runtime, victims, pods, planned.pools);
      const readyBefore = pods.filter((p) => p.ready).length;
      // Undo: nothing to put back (the workload's controller replaces the pods); rollback verifies that
      // as many matching pods are Ready again as before the fault.
      const id = await runtime.journal.intent(
        runtime.step,
        `${k.mode} ${victims.map((p) => p.name).join(',')}`,
        `kubernetes ${k8s.cluster.client.server} namespace ${fault.select.namespace}`,
        {
          driver: 'kubernetes',
          op: 'ensure-pods-ready',
          args: {
            ...accessArgs(k8s.access),
            namespace: fault.select.namespace,
            labels: fault.select.labels ?? {},
            ready: readyBefore,
          },
        },
      );
      try {
        const r = await disruptPods(
          victims,
          {
            mode: k.mode,
            evictionTimeoutMs: k.evictionTimeoutMs,
            ...(k.graceSeconds === undefined ? {} : { graceSeconds: k.graceSeconds }),
          },
          runtime,
          k8s,
        );
        if (r.firstT !== undefined) t0 ??= r.firstT;
        runtime.journal.applied(
          id,
          `${k.mode === 'evict' ? 'evicted' : 'deleted'} ${r.disrupted.map((p) => p.name).join(', ') || 'none'}${r.blocked.length ? `; blocked: ${r.blocked.map((b) => b.pod.name).join(', ')}` : ''}`,
        );
        affected.push(...r.disrupted.map((p) => `${p.namespace}/${p.name}`));
        findings.push(...evictionFindings(r, k.evictionTimeoutMs));
        for (const p of r.gone) findings.push(`pod ${p.namespace}/${p.name} was already gone`);
      } catch (error) {
        runtime.journal.failed(id, String(error));
        throw error;
      }
    }
    if (affected.length === 0 && findings.length === 0)
      findings.push('no pod matched the selection; nothing was killed');
    return {
      t0: t0 ?? runtime.clock.now(),
      detail: `${k.mode === 'evict' ? 'evicted' : 'deleted'} ${affected.length} pod(s): ${affected.join(', ')}`,
      affected,
      findings,
    };
  },
};
