// The Kubernetes side of a spot interruption that happens in the cloud (FIS on target aws). The interrupted
// instances' Nodes are found through spec.providerID in the node informer's cache and followed through the
// watches until the run's connection closes: taint and cordon (what AWS Node Termination Handler or
// Karpenter does on the notice), NotReady, their pods' evictions and deletions, the Node's removal. Every
// pod disrupted there is timed like a pod gameday deleted itself. With `drain`, gameday does the
// termination handler's work on the notice — taint, annotation, cordon, drain by eviction — but never
// deletes the Node: the instance's termination does that.

import type { Informer, InformerChange } from '../../drivers/kubernetes/informer.js';
import type { NodeInfo, PodInfo } from '../../drivers/kubernetes/objects.js';
import { formatDuration } from '../../util/duration.js';
import type { FaultRuntime } from '../types.js';
import { disruptPods, drainable, evictionFindings, isSelf } from './common.js';
import { sendInterruptionNotice } from './spot-interruption.js';
import type { KubernetesRuntime } from './types.js';

/** The node lifecycle controller mirrors a cordon as this taint; the cordon itself is reported instead. */
const CORDON_TAINT = 'node.kubernetes.io/unschedulable';
/** Taints that say a node is being taken away: termination handlers' (NTH, Karpenter) and NotReady's. */
const GOING_TAINTS = [
  'aws-node-termination-handler/',
  'karpenter.sh/',
  'node.kubernetes.io/not-ready',
  'node.kubernetes.io/unreachable',
];

/** The EC2 instance id in a Node's spec.providerID (`aws:///us-west-2a/i-0123456789abcdef0`); undefined otherwise. */
export function instanceIdOf(providerID: string | undefined): string | undefined {
  if (providerID === undefined || !providerID.startsWith('aws://')) return undefined;
  const last = providerID.slice('aws://'.length).split('/').pop() ?? '';
  return /^i-[0-9a-f]{8,17}$/.test(last) ? last : undefined;
}

export interface InstanceNodes {
  /** Instances that run a Node, with its name, in the order given. */
  hit: Array<{ instanceId: string; node: string }>;
  /** Instances no Node runs: not in this cluster, or their Node is gone already. */
  missing: string[];
}

/** Pure: the Nodes that run `instanceIds` (each instance once). */
export function nodesOfInstances(instanceIds: readonly string[], nodes: Iterable<NodeInfo>): InstanceNodes {
  const byInstance = new Map<string, string>();
  for (const n of nodes) {
    const id = instanceIdOf(n.providerID);
    if (id !== undefined) byInstance.set(id, n.name);
  }
  const out: InstanceNodes = { hit: [], missing: [] };
  for (const instanceId of new Set(instanceIds)) {
    const node = byInstance.get(instanceId);
    if (node === undefined) out.missing.push(instanceId);
    else out.hit.push({ instanceId, node });
  }
  return out;
}

export interface InterruptedNodesOptions {
  /** The interruption notice (FIS durationBeforeInterruption), for the notice annotation a drain sets. */
  noticeMs: number;
  /** Do the termination handler's work when the notice arrives; journaled, undo uncordons and removes the taint. */
  drain?: { evictionTimeoutMs: number };
}

/** What mapping (and draining) the interrupted instances found: for the step's execution. */
export interface InterruptedNodesOutcome {
  /** `node/<name>` of every Node an interrupted instance ran. */
  affected: string[];
  findings: string[];
}

/** Pods whose disruption is timed: what a drain evicts, also once they are terminating or gone. */
function timed(pod: PodInfo): boolean {
  return !pod.mirror && pod.owner?.kind !== 'DaemonSet';
}

function nodeState(n: NodeInfo | undefined): string {
  if (n === undefined) return '';
  const parts = [
    ...(n.unschedulable ? ['cordoned'] : []),
    ...n.taints.filter((t) => GOING_TAINTS.some((g) => t.key.startsWith(g))).map((t) => `tainted ${t.key}:${t.effect}`),
    ...(n.ready ? [] : ['NotReady']),
  ];
  return parts.length > 0 ? ` (already ${parts.join(', ')})` : '';
}

/** Follows the Nodes of the instances a cloud spot interruption hits; see the top of this file. */
export class InterruptedNodes {
  private started: Promise<InterruptedNodesOutcome> | undefined;
  /** Pods already put on the timeline (each once: first seen terminating, or deleted). */
  private readonly seen = new Set<string>();

  constructor(
    private readonly runtime: FaultRuntime,
    private readonly k8s: KubernetesRuntime,
    private readonly opts: InterruptedNodesOptions,
  ) {}

  /** The instances FIS interrupts (as soon as it resolved them): find their Nodes, follow them, drain them. First call wins. */
  interrupted(instanceIds: readonly string[]): void {
    if (this.started) return;
    this.started = this.start(instanceIds);
    this.started.catch(() => undefined);
  }

  /** What the mapping and the drain found, once both are done; following the Nodes goes on until the connection closes. */
  async outcome(): Promise<InterruptedNodesOutcome> {
    return this.started ?? { affected: [], findings: ['FIS resolved no target: no Kubernetes node was followed'] };
  }

  private note(kind: string, message: string): void {
    if (this.runtime.timeline) this.runtime.timeline(kind, message);
    else this.runtime.log(message);
  }

  private async start(instanceIds: readonly string[]): Promise<InterruptedNodesOutcome> {
    const { k8s } = this;
    const nodeInformer = await k8s.cluster.nodes();
    const podInformers = await Promise.all(k8s.podNamespaces.map((ns) => k8s.cluster.pods(ns)));
    const { hit, missing } = nodesOfInstances(instanceIds, nodeInformer.values());
    const findings = missing.map(
      (id) =>
        `instance ${id} interrupted by FIS has no Node in the cluster (not one of its nodes, or its Node is gone)`,
    );
    if (instanceIds.length === 0) findings.push('FIS resolved no instance: no Kubernetes node was followed');
    const nodes = new Map(hit.map((h) => [h.node, h.instanceId]));
    for (const h of hit) {
      const n = nodeInformer.get('', h.node);
      this.note(
        'kubernetes-node',
        `instance ${h.instanceId} interrupted by FIS runs node ${h.node}${n?.zone ? ` (zone ${n.zone})` : ''}${nodeState(n)}`,
      );
    }
    const self = podInformers.flatMap((inf) => [...inf.values()]).find((p) => isSelf(p, k8s.self));
    if (self !== undefined && nodes.has(self.nodeName ?? '')) {
      findings.push(
        `gameday's own pod ${self.name} runs on interrupted node ${self.nodeName}: it stops with the instance, and the run with it (\`gameday rollback\` can finish the undo); run gameday on other nodes`,
      );
    }
    this.follow(nodes, nodeInformer, podInformers);
    if (this.opts.drain && nodes.size > 0) findings.push(...(await this.drain(nodes, podInformers, this.opts.drain)));
    return { affected: hit.map((h) => `node/${h.node}`), findings };
  }

  /** Listen to the watches from now until the run's Kubernetes connection closes. */
  private follow(
    nodes: ReadonlyMap<string, string>,
    nodeInformer: Informer<NodeInfo>,
    podInformers: ReadonlyArray<Informer<PodInfo>>,
  ): void {
    if (nodes.size === 0) return;
    const offs = [
      nodeInformer.on((c) => this.onNode(c, nodes)),
      ...podInformers.map((inf) => inf.on((c) => this.onPod(c, nodes))),
    ];
    const stop = (): void => offs.forEach((off) => off());
    const closed = this.k8s.closed;
    if (closed?.aborted) stop();
    else closed?.addEventListener('abort', stop, { once: true });
    // A termination handler may have started before FIS told gameday which instances it hit.
    const now = performance.now();
    for (const inf of podInformers) {
      for (const pod of inf.values()) {
        if (pod.terminating && nodes.has(pod.nodeName ?? '') && timed(pod)) this.disrupted(pod, now, 'is terminating');
      }
    }
  }

  private onNode(c: InformerChange<NodeInfo>, nodes: ReadonlyMap<string, string>): void {
    const name = c.obj.name;
    const instance = nodes.get(name);
    if (instance === undefined) return;
    if (c.type === 'delete') {
      this.note('kubernetes-node', `node ${name} deleted (instance ${instance} is gone)`);
      return;
    }
    const old = c.old;
    if (old === undefined) return;
    if (!old.unschedulable && c.obj.unschedulable) this.note('kubernetes-node', `node ${name} cordoned`);
    for (const t of c.obj.taints) {
      if (t.key === CORDON_TAINT || old.taints.some((o) => o.key === t.key && o.effect === t.effect)) continue;
      this.note('kubernetes-node', `node ${name} tainted ${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`);
    }
    if (old.ready && !c.obj.ready) this.note('kubernetes-node', `node ${name} NotReady`);
  }

  private onPod(c: InformerChange<PodInfo>, nodes: ReadonlyMap<string, string>): void {
    const pod = c.obj;
    if (!nodes.has(pod.nodeName ?? '') || !timed(pod)) return;
    if (c.type === 'delete') this.disrupted(pod, c.at, 'was deleted');
    else if (pod.terminating) this.disrupted(pod, c.at, 'is terminating (evicted or deleted)');
  }

  /** A pod on an interrupted node is going: timed from `at` (unless gameday's own eviction timed it already). */
  private disrupted(pod: PodInfo, at: number, what: string): void {
    if (this.seen.has(pod.uid)) return;
    this.seen.add(pod.uid);
    this.k8s.tracker.observed(pod, at);
    this.note('kubernetes-pod', `pod ${pod.namespace}/${pod.name} on node ${pod.nodeName ?? '?'} ${what}`);
  }

  /** The termination handler's work on the notice: taint, annotate and cordon each node, then evict its pods. */
  private async drain(
    nodes: ReadonlyMap<string, string>,
    podInformers: ReadonlyArray<Informer<PodInfo>>,
    how: { evictionTimeoutMs: number },
  ): Promise<string[]> {
    const findings: string[] = [];
    const reclaimAt = new Date(Date.now() + this.opts.noticeMs).toISOString();
    const noticed = new Set<string>();
    for (const name of nodes.keys()) {
      const id = await sendInterruptionNotice(this.runtime, this.k8s, name, reclaimAt, 'release-node');
      if (id === undefined) findings.push(`node ${name} was gone before gameday could drain it`);
      else noticed.add(name);
    }
    if (noticed.size === 0) return findings;
    // Why not the harness's own pod: evicting it would end the run before the instance does.
    const pods = podInformers
      .flatMap((inf) => [...inf.values()])
      .filter((p) => noticed.has(p.nodeName ?? '') && drainable(p) && !isSelf(p, this.k8s.self));
    this.runtime.log(
      `draining ${[...noticed].join(', ')} as a node termination handler would: evicting ${pods.length} pod(s)`,
    );
    const r = await disruptPods(
      pods,
      { mode: 'evict', evictionTimeoutMs: how.evictionTimeoutMs },
      this.runtime,
      this.k8s,
    );
    findings.push(...evictionFindings(r, how.evictionTimeoutMs));
    this.note(
      'kubernetes-node',
      `drained ${[...noticed].join(', ')}: ${r.disrupted.length} pod(s) evicted${r.blocked.length ? `, ${r.blocked.length} blocked by a PodDisruptionBudget for ${formatDuration(how.evictionTimeoutMs)}` : ''}`,
    );
    return findings;
  }
}
