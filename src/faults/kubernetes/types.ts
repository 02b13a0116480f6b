// What the Kubernetes faults see: a read-only inventory for planning, and a runtime for injecting.

import type { KubeCluster } from '../../drivers/kubernetes/cluster.js';
import type { NodeInfo, PodInfo } from '../../drivers/kubernetes/objects.js';
import type { PodTimingTracker } from '../../drivers/kubernetes/tracker.js';

/** How undo handlers reconnect after a crash: plain data only, never a token or a key. */
export interface KubernetesAccess {
  /** Kubeconfig file(s), a path list as in KUBECONFIG. */
  kubeconfig?: string;
  context?: string;
  inCluster: boolean;
  /** The cluster the run connected to: an undo acts only there (see reconnectCluster). */
  identity?: { server: string; caSha256: string | null };
}

/** The harness's own pod, when it runs in the cluster (POD_NAME / POD_NAMESPACE, or the hostname). */
export interface SelfPod {
  name: string;
  namespace?: string;
}

/** A snapshot of the informer caches, for planning (pure). */
export interface KubernetesInventory {
  /** The target's namespace. */
  namespace: string;
  /** Namespaces whose pods a node drain or zone fault may evict or delete (guards.allowedNamespaces, else the target's). */
  podNamespaces: string[];
  /** Nodes; null when the scenario needs none (no request was made for them). */
  nodes: NodeInfo[] | null;
  /** Pods of the watched namespaces. */
  pods: PodInfo[];
  self?: SelfPod;
}

/** What a Kubernetes fault needs at run time. */
export interface KubernetesRuntime {
  cluster: KubeCluster;
  tracker: PodTimingTracker;
  access: KubernetesAccess;
  podNamespaces: string[];
  self?: SelfPod;
  /** Aborted when the run's connection closes: what follows the cluster beyond one step stops then. */
  closed?: AbortSignal;
}
