// Slim, plain-data views of the Kubernetes objects gameday reads. Informers keep only these (not the
// full objects), so a cluster of thousands of pods stays small in memory. Input is the raw JSON of a
// list page or a watch event; a client-library model object (timestamps as Dates) is read as well.

/** The parts of a pod that selection, guards, probes and timings look at. */
export interface PodInfo {
  uid: string;
  name: string;
  namespace: string;
  labels: Record<string, string>;
  nodeName?: string;
  phase: string;
  /** PodScheduled=True or a node assigned. */
  scheduled: boolean;
  /** Ready=True. */
  ready: boolean;
  /** Epoch ms of creationTimestamp. */
  createdAt: number;
  /** deletionTimestamp is set. */
  terminating: boolean;
  /** The controller owning it: "ReplicaSet/x", "StatefulSet/y", "DaemonSet/z", "Node/n" (mirror) … */
  owner?: { kind: string; name: string };
  /** Pods of a Deployment are grouped by their Deployment (the ReplicaSet's name minus the template hash). */
  workload?: string;
  restarts: number;
  /** A static pod's mirror (annotation kubernetes.io/config.mirror): never evicted. */
  mirror: boolean;
}

export interface NodeInfo {
  name: string;
  labels: Record<string, string>;
  zone?: string;
  ready: boolean;
  unschedulable: boolean;
  taints: Array<{ key: string; value?: string; effect: string }>;
  annotations: Record<string, string>;
  /** spec.providerID, e.g. "aws:///us-west-2a/i-0123456789abcdef0" on EKS. */
  providerID?: string;
}

export interface WorkloadInfo {
  kind: 'Deployment' | 'StatefulSet';
  namespace: string;
  name: string;
  desired: number;
  ready: number;
  available: number;
  updated: number;
}

export interface PdbInfo {
  namespace: string;
  name: string;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  matchLabels: Record<string, string>;
}

export const ZONE_LABEL = 'topology.kubernetes.io/zone';
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

type Raw = Record<string, unknown>;
const rec = (v: unknown): Raw => (typeof v === 'object' && v !== null ? (v as Raw) : {});
const strings = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(rec(v))) if (typeof x === 'string') out[k] = x;
  return out;
};
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const list = (v: unknown): Raw[] => (Array.isArray(v) ? v.map(rec) : []);

/** Epoch ms of a timestamp that is a string (API JSON) or a Date (a client-library object); 0 when absent. */
export function epochMs(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? 0 : t;
  }
  return 0;
}

const condition = (status: Raw, type: string): boolean =>
  list(status.conditions).some((c) => c.type === type && c.status === 'True');

export function podInfo(raw: unknown): PodInfo {
  const o = rec(raw);
  const meta = rec(o.metadata);
  const spec = rec(o.spec);
  const status = rec(o.status);
  const labels = strings(meta.labels);
  const ownerRef = list(meta.ownerReferences).find((r) => r.controller === true) ?? list(meta.ownerReferences)[0];
  const pod: PodInfo = {
    uid: String(meta.uid ?? ''),
    name: String(meta.name ?? ''),
    namespace: String(meta.namespace ?? ''),
    labels,
    phase: String(status.phase ?? 'Unknown'),
    scheduled: typeof spec.nodeName === 'string' || condition(status, 'PodScheduled'),
    ready: condition(status, 'Ready'),
    createdAt: epochMs(meta.creationTimestamp),
    terminating: meta.deletionTimestamp !== undefined && meta.deletionTimestamp !== null,
    restarts: list(status.containerStatuses).reduce((n, c) => n + num(c.restartCount), 0),
    mirror: MIRROR_ANNOTATION in rec(meta.annotations),
  };
  if (typeof spec.nodeName === 'string') pod.nodeName = spec.nodeName;
  if (ownerRef !== undefined) {
    const owner = { kind: String(ownerRef.kind ?? ''), name: String(ownerRef.name ?? '') };
    pod.owner = owner;
    const hash = labels['pod-template-hash'];
    pod.workload =
      owner.kind === 'ReplicaSet' && hash !== undefined && owner.name.endsWith(`-${hash}`)
        ? `Deployment/${owner.name.slice(0, -hash.length - 1)}`
        : `${owner.kind}/${owner.name}`;
  }
  return pod;
}

export function nodeInfo(raw: unknown): NodeInfo {
  const o = rec(raw);
  const meta = rec(o.metadata);
  const spec = rec(o.spec);
  const labels = strings(meta.labels);
  const node: NodeInfo = {
    name: String(meta.name ?? ''),
    labels,
    ready: condition(rec(o.status), 'Ready'),
    unschedulable: spec.unschedulable === true,
    taints: list(spec.taints).map((t) => {
      const taint: NodeInfo['taints'][number] = { key: String(t.key ?? ''), effect: String(t.effect ?? '') };
      if (typeof t.value === 'string') taint.value = t.value;
      return taint;
    }),
    annotations: strings(meta.annotations),
  };
  const zone = labels[ZONE_LABEL];
  if (zone !== undefined) node.zone = zone;
  if (typeof spec.providerID === 'string' && spec.providerID !== '') node.providerID = spec.providerID;
  return node;
}

export function workloadInfo(kind: WorkloadInfo['kind'], raw: unknown): WorkloadInfo {
  const o = rec(raw);
  const meta = rec(o.metadata);
  const status = rec(o.status);
  return {
    kind,
    namespace: String(meta.namespace ?? ''),
    name: String(meta.name ?? ''),
    desired: typeof rec(o.spec).replicas === 'number' ? num(rec(o.spec).replicas) : 1,
    ready: num(status.readyReplicas),
    available: num(status.availableReplicas),
    updated: num(status.updatedReplicas),
  };
}

export function pdbInfo(raw: unknown): PdbInfo {
  const o = rec(raw);
  const meta = rec(o.metadata);
  const status = rec(o.status);
  return {
    namespace: String(meta.namespace ?? ''),
    name: String(meta.name ?? ''),
    disruptionsAllowed: num(status.disruptionsAllowed),
    currentHealthy: num(status.currentHealthy),
    desiredHealthy: num(status.desiredHealthy),
    expectedPods: num(status.expectedPods),
    matchLabels: strings(rec(rec(o.spec).selector).matchLabels),
  };
}

/** True when every label of `selector` is on `labels`. */
export function matchesLabels(labels: Record<string, string>, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** `app=connectkit,tier=api` for the API's labelSelector parameter. */
export function labelSelector(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
