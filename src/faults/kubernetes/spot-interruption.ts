// spot-interruption on Kubernetes, as AWS's node termination handler plays it out: the node gets the
// interruption taint and a notice annotation and is cordoned; after the notice period its pods are
// drained by eviction (PodDisruptionBudgets respected; DaemonSet and mirror pods skipped) and the Node
// object is removed as the instance goes away. Undo: the node back, uncordoned, taint removed.

import type { NodeInfo, PodInfo } from '../../drivers/kubernetes/objects.js';
import { labelSelector, matchesLabels } from '../../drivers/kubernetes/objects.js';
import { GamedayError } from '../../errors.js';
import type { ResolvedFault } from '../../scenario/types.js';
import { sleep } from '../../util/clock.js';
import { formatDuration } from '../../util/duration.js';
import { selectReplicas } from '../select.js';
import type { FaultExecution, FaultModule, FaultRuntime, PlannedFault } from '../types.js';
import {
  disruptPods,
  drainable,
  evictionFindings,
  isSelf,
  kubernetesInventory,
  kubernetesOptions,
  kubernetesRuntime,
  projectedPlan,
  updateTaints,
  worstWorkload,
  workloadPools,
  checkLiveWorkloads,
} from './common.js';
import type { KubernetesInventory, KubernetesRuntime } from './types.js';
import { accessArgs } from './undo.js';

type SpotInterruption = Extract<ResolvedFault, { type: 'spot-interruption' }>;

/** The taint AWS's node termination handler puts on a node that received a spot interruption notice. */
export const SPOT_TAINT = 'aws-node-termination-handler/spot-itn';
/** When the instance is reclaimed (ISO time), for people and tools looking at the node. */
export const NOTICE_ANNOTATION = 'gameday.dev/spot-interruption-at';

function describe(fault: SpotInterruption): string {
  const sel = fault.select;
  const which = sel.nodes ? `node(s) ${sel.nodes.join(', ')}` : `nodes labelled ${labelSelector(sel.labels ?? {})}`;
  const amount = sel.nodes ? '' : `${sel.percent !== undefined ? `${sel.percent}%` : `${sel.count ?? 1}`} of the `;
  return `interrupt ${amount}${which}: notice ${formatDuration(fault.noticeMs)}, then drain by eviction and remove the node`;
}

function chooseNodes(fault: SpotInterruption, nodes: readonly NodeInfo[], rng: () => number): NodeInfo[] {
  const sel = fault.select;
  if (sel.nodes) return nodes.filter((n) => sel.nodes?.includes(n.name));
  const pool = nodes.filter((n) => matchesLabels(n.labels, sel.labels ?? {}) && !n.unschedulable);
  const byName = new Map(pool.map((n) => [n.name, n]));
  const selectable = pool.map((n) => ({ id: n.name, zone: '', capacity: '', state: 'ready', startedAt: 0 }));
  const { zone: _z, capacity: _c, ...rest } = sel;
  return selectReplicas(selectable, rest, rng).map((s) => byName.get(s.id) as NodeInfo);
}

/** Pods a drain of `nodes` evicts, in the namespaces gameday may act in. */
export function podsOnNodes(
  inv: Pick<KubernetesInventory, 'pods' | 'podNamespaces'>,
  nodes: ReadonlySet<string>,
): PodInfo[] {
  return inv.pods.filter((p) => nodes.has(p.nodeName ?? '') && inv.podNamespaces.includes(p.namespace) && drainable(p));
}

/** Refuse a node fault that would take the harness's own pod down with it. */
export function refuseSelf(inv: Pick<KubernetesInventory, 'pods' | 'self'>, nodes: ReadonlySet<string>): void {
  const self = inv.pods.find((p) => isSelf(p, inv.self) && nodes.has(p.nodeName ?? ''));
  if (self) {
    // Why: the harness would be evicted mid-run, unable to measure, journal or roll back.
    throw new GamedayError(`refusing to act on node ${self.nodeName}: gameday's own pod ${self.name} runs there`, {
      kind: 'invalid-input',
      code: 'K8S_SELF',
      hint: 'run gameday on another node (or outside the cluster), or pick other nodes',
    });
  }
}

/** What taking `nodes` away does: the pods drained (refusing the harness's own), and the workload hit hardest. */
export function nodeFaultImpact(
  inv: Pick<KubernetesInventory, 'pods' | 'podNamespaces' | 'self'>,
  nodes: ReadonlySet<string>,
): { pods: PodInfo[]; worst: ReturnType<typeof worstWorkload> } {
  refuseSelf(inv, nodes);
  const pods = podsOnNodes(inv, nodes);
  const worst = worstWorkload(
    pods,
    inv.pods.filter((p) => inv.podNamespaces.includes(p.namespace)),
  );
  return { pods, worst };
}

/** Live blast-radius check before a node fault: the pods a drain of `names` takes, per workload. */
export async function checkLiveNodes(
  runtime: FaultRuntime,
  k8s: KubernetesRuntime,
  names: readonly string[],
  planned: PlannedFault,
): Promise<void> {
  if (!runtime.blastRadius) return;
  const informers = await Promise.all(k8s.podNamespaces.map((ns) => k8s.cluster.pods(ns)));
  const live = informers.flatMap((inf) => [...inf.values()]);
  const on = new Set(names);
  checkLiveWorkloads(
    runtime,
    live.filter((p) => on.has(p.nodeName ?? '') && drainable(p)),
    live,
    planned.pools,
  );
}

/** The Node as it can be created again: no server-set identity, no conditions (the kubelet reports them). */
function restorable(node: Record<string, unknown>): Record<string, unknown> {
  const meta = (node.metadata ?? {}) as Record<string, unknown>;
  const spec = { ...((node.spec ?? {}) as Record<string, unknown>) };
  const status = { ...((node.status ?? {}) as Record<string, unknown>) };
  delete status['conditions'];
  delete spec['unschedulable'];
  spec['taints'] = ((spec['taints'] ?? []) as Array<{ key?: unknown }>).filter((t) => t.key !== SPOT_TAINT);
  const annotations = { ...((meta.annotations ?? {}) as Record<string, string>) };
  delete annotations[NOTICE_ANNOTATION];
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: meta.name, labels: meta.labels ?? {}, annotations },
    spec,
    status,
  };
}

/**
 * The interruption notice on one node, as a termination handler gives it: taint (no new pods), annotation
 * (when the instance goes) and cordon, in one patch, journaled first. The undo either restores the node
 * (`restore-node`: re-created if gameday removed it) or only releases it (`release-node`: uncordon and
 * untaint, for nodes whose instance really goes away). Returns the journal id; undefined when the node is gone.
 */
export async function sendInterruptionNotice(
  runtime: Pick<FaultRuntime, 'journal' | 'step'>,
  k8s: KubernetesRuntime,
  name: string,
  reclaimAt: string,
  undo: 'restore-node' | 'release-node',
): Promise<string | undefined> {
  const client = k8s.cluster.client;
  const node = await client.getNode(name);
  if (!node) return undefined;
  const wasCordoned = (node.spec as { unschedulable?: unknown } | undefined)?.unschedulable === true;
  const id = await runtime.journal.intent(
    runtime.step,
    `spot interruption of node ${name}`,
    `kubernetes ${client.server}`,
    {
      driver: 'kubernetes',
      op: undo,
      args: {
        ...accessArgs(k8s.access),
        ...(undo === 'restore-node' ? { node: restorable(node) } : { name }),
        taint: SPOT_TAINT,
        annotation: NOTICE_ANNOTATION,
        unschedulable: wasCordoned,
      },
    },
  );
  try {
    const found = await updateTaints(
      k8s.cluster,
      name,
      (taints) => [
        ...taints.filter((t) => t.key !== SPOT_TAINT),
        { key: SPOT_TAINT, value: runtime.step.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 63), effect: 'NoSchedule' },
      ],
      { metadata: { annotations: { [NOTICE_ANNOTATION]: reclaimAt } }, spec: { unschedulable: true } },
    );
    runtime.journal.applied(
      id,
      found ? `node ${name} tainted ${SPOT_TAINT}, annotated and cordoned` : `node ${name} was gone before the notice`,
    );
    return id;
  } catch (error) {
    runtime.journal.failed(id, String(error));
    throw error;
  }
}

export const kubernetesSpotInterruption: FaultModule<SpotInterruption> = {
  type: 'spot-interruption',

  plan(fault, inventory, rng): PlannedFault {
    const inv = kubernetesInventory(inventory);
    if (!inv || !inv.nodes) return projectedPlan(fault, describe(fault));
    const chosen = chooseNodes(fault, inv.nodes, rng);
    if (fault.select.nodes) {
      const missing = fault.select.nodes.filter((n) => !chosen.some((c) => c.name === n));
      if (missing.length > 0) {
        throw new GamedayError(`spot-interruption: no node named ${missing.join(', ')}`, {
          kind: 'invalid-input',
          code: 'K8S_UNKNOWN_NODE',
        });
      }
    }
    const names = new Set(chosen.map((n) => n.name));
    const { pods, worst } = nodeFaultImpact(inv, names);
    return {
      fault,
      target: 'kubernetes',
      description: `${describe(fault)}: ${chosen.map((n) => `${n.name}${n.zone ? ` (zone ${n.zone})` : ''}`).join(', ') || 'no node matches'}; drains ${pods.length} pod(s)${pods.length ? `: ${pods.map((p) => p.name).join(', ')}` : ''}`,
      affected: chosen.map((n) => `node/${n.name}`),
      unavailable: worst.unavailable,
      fleet: worst.fleet,
      pools: workloadPools(
        pods,
        inv.pods.filter((p) => inv.podNamespaces.includes(p.namespace)),
      ),
    };
  },

  async inject(fault, planned, runtime): Promise<FaultExecution> {
    const k8s = kubernetesRuntime(runtime);
    const k = kubernetesOptions(fault);
    const client = k8s.cluster.client;
    const nodeInformer = await k8s.cluster.nodes();
    let names = planned.affected.map((a) => a.replace(/^node\//, ''));
    if (names.length === 0) names = chooseNodes(fault, [...nodeInformer.values()], runtime.rng).map((n) => n.name);
    const findings: string[] = [];
    if (names.length === 0) {
      return {
        t0: runtime.clock.now(),
        detail: 'no node matched; nothing interrupted',
        affected: [],
        findings: ['no node matched the selection'],
      };
    }
    await checkLiveNodes(runtime, k8s, names, planned);
    const reclaimAt = new Date(Date.now() + fault.noticeMs).toISOString();
    let t0: number | undefined;
    const ids = new Map<string, string>();
    for (const name of names) {
      const id = await sendInterruptionNotice(runtime, k8s, name, reclaimAt, 'restore-node');
      if (id === undefined) {
        findings.push(`node ${name} was already gone`);
        continue;
      }
      ids.set(name, id);
      t0 ??= runtime.clock.now();
    }
    runtime.log(`interruption notice on ${[...ids.keys()].join(', ')}: draining in ${formatDuration(fault.noticeMs)}`);
    await sleep(fault.noticeMs, runtime.signal);

    const onNodes = new Set(ids.keys());
    const informers = await Promise.all(k8s.podNamespaces.map((ns) => k8s.cluster.pods(ns)));
    const pods = informers
      .flatMap((inf) => [...inf.values()])
      .filter((p) => onNodes.has(p.nodeName ?? '') && drainable(p));
    const r = await disruptPods(
      pods,
      {
        mode: 'evict',
        evictionTimeoutMs: k.evictionTimeoutMs,
        ...(k.graceSeconds === undefined ? {} : { graceSeconds: k.graceSeconds }),
      },
      runtime,
      k8s,
    );
    findings.push(...evictionFindings(r, k.evictionTimeoutMs));
    // As a drain does: wait for the evicted pods to be gone before the node goes.
    const evicted = new Set(r.disrupted.map((p) => p.uid));
    const stillThere = (): boolean => informers.some((inf) => [...inf.values()].some((p) => evicted.has(p.uid)));
    if (!(await k8s.cluster.until(informers, () => !stillThere(), 60_000, runtime.signal))) {
      findings.push('some evicted pods were still terminating after 60s; the node was removed anyway');
    }
    for (const name of onNodes) {
      await client.deleteNode(name);
      runtime.journal.applied(ids.get(name) as string, `node ${name} drained and deleted`);
    }
    return {
      t0: t0 ?? runtime.clock.now(),
      detail: `interrupted ${[...onNodes].join(', ')}: ${formatDuration(fault.noticeMs)} notice, evicted ${r.disrupted.length} pod(s), node(s) deleted`,
      affected: [...onNodes].map((n) => `node/${n}`),
      findings,
    };
  },
};
