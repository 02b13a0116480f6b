// What a scenario needs from a cluster, derived from the scenario alone (pure): which caches to keep
// (pods per namespace, nodes, workloads, budgets) and every API permission its faults, probes, undo
// and timings use, and what its runbook's kubernetes-scale steps need in their own kube contexts.
// Preflight checks these permissions; `gameday rbac` prints them as a Role.

import { refFrom, kubernetesScale, type DeploymentRef } from '../../runbook/kubernetes-actions.js';
import type { Scenario } from '../../scenario/types.js';

/**
 * One API permission: `verb` on `resource` (with subresource) of `group`, in `namespace` or cluster-wide;
 * on the one object `name` when the scenario names it (RBAC resourceNames), else on every object.
 */
export interface Permission {
  group: string;
  resource: string;
  subresource?: string;
  verb: string;
  name?: string;
  /** Undefined: a cluster-scoped resource (nodes). */
  namespace?: string;
  /** Why the scenario needs it, for `gameday rbac` comments. */
  why: string;
}

export interface KubernetesNeeds {
  /** Namespaces whose pods are watched (faults, timings, podRestarts probes). */
  podNamespaces: string[];
  /** Namespaces a node drain or zone fault acts in. */
  drainNamespaces: string[];
  nodes: boolean;
  workloads: Array<{ namespace: string; kind: 'Deployment' | 'StatefulSet' }>;
  pdbNamespaces: string[];
  permissions: Permission[];
  /** Every reason a permission is needed, in scenario order (for `gameday rbac`). */
  reasons: string[];
}

const VERB_ORDER = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** `needs <verb> on <resource>[ (<name>)] in <namespace>` — the form preflight reports a missing permission in. */
export function describePermission(p: Permission): string {
  const resource = `${p.resource}${p.subresource ? `/${p.subresource}` : ''}${p.group ? `.${p.group}` : ''}`;
  const object = p.name === undefined ? resource : `${resource} (${p.name})`;
  return `needs ${p.verb} on ${object} ${p.namespace === undefined ? 'cluster-wide' : `in ${p.namespace}`}`;
}

/** Everything the scenario needs from its kubernetes target (empty when it has none). */
export function kubernetesNeeds(scenario: Scenario): KubernetesNeeds {
  const target = scenario.targets.kubernetes;
  const needs: KubernetesNeeds = {
    podNamespaces: [],
    drainNamespaces: [],
    nodes: false,
    workloads: [],
    pdbNamespaces: [],
    permissions: [],
    reasons: [],
  };
  if (!target) return needs;
  const drain = scenario.guards.allowedNamespaces ?? [target.namespace];
  const perms = new Map<string, Permission>();
  const add = (p: Permission): void => {
    if (!needs.reasons.includes(p.why)) needs.reasons.push(p.why);
    const key = permissionKey(p);
    if (!perms.has(key)) perms.set(key, p);
  };
  const pods = new Set<string>();
  const watchPods = (ns: string, why: string): void => {
    pods.add(ns);
    for (const verb of ['list', 'watch']) add({ group: '', resource: 'pods', verb, namespace: ns, why });
  };
  const nodes = (verbs: string[], why: string): void => {
    needs.nodes = true;
    for (const verb of verbs) add({ group: '', resource: 'nodes', verb, why });
  };
  const evict = (ns: string, why: string): void =>
    add({ group: '', resource: 'pods', subresource: 'eviction', verb: 'create', namespace: ns, why });
  const deletePods = (ns: string, why: string): void =>
    add({ group: '', resource: 'pods', verb: 'delete', namespace: ns, why });

  for (const step of scenario.steps) {
    if (step.kind === 'fault' && step.target === 'aws' && step.fault.type === 'spot-interruption') {
      // A FIS spot interruption: its instances' nodes are followed, and drained by gameday when asked.
      const side = step.fault.aws?.kubernetes;
      if (!side) continue;
      nodes(['list', 'watch'], "spot-interruption on aws finds the interrupted instances' nodes and follows them");
      for (const ns of drain) {
        watchPods(ns, "spot-interruption on aws times the replacements of the interrupted nodes' pods");
        if (side.drain)
          evict(ns, 'spot-interruption on aws (drain) evicts their pods (PodDisruptionBudgets respected)');
        if (!needs.drainNamespaces.includes(ns)) needs.drainNamespaces.push(ns);
      }
      if (side.drain) {
        nodes(
          ['get', 'patch'],
          'spot-interruption on aws (drain) taints and cordons the nodes; rollback releases them',
        );
      }
      continue;
    }
    if (step.kind !== 'fault' || step.target !== 'kubernetes') continue;
    const f = step.fault;
    const k = 'kubernetes' in f ? f.kubernetes : undefined;
    if (f.type === 'pod-kill') {
      const ns = f.select.namespace ?? target.namespace;
      watchPods(ns, 'pod-kill selects pods and times their replacements');
      if (k?.mode === 'delete') deletePods(ns, 'pod-kill deletes pods');
      else evict(ns, 'pod-kill evicts pods (PodDisruptionBudgets respected)');
      if (f.select.zone !== undefined) nodes(['list', 'watch'], 'pod-kill selects pods by node zone');
    } else if (f.type === 'spot-interruption') {
      nodes(['get', 'list', 'watch', 'patch'], 'spot-interruption taints, annotates and cordons nodes');
      nodes(['delete'], 'spot-interruption removes the interrupted node');
      // Why a cluster-wide create: the fault deletes the interrupted Node, and only its undo brings it back.
      nodes(['create'], "rollback re-creates the Node the interruption deleted (the fault's undo needs it)");
      for (const ns of drain) {
        watchPods(ns, 'the drain finds the pods on the node');
        evict(ns, 'the drain evicts pods (PodDisruptionBudgets respected)');
      }
    } else if (f.type === 'zone-outage') {
      const mode = k?.zoneMode ?? 'not-ready';
      if (mode === 'taint-no-execute')
        nodes(['get', 'list', 'watch', 'patch'], 'zone-outage taints the zone NoExecute');
      else
        nodes(
          ['list', 'watch', 'patch'],
          `zone-outage cordons the zone${mode === 'not-ready' ? ' and marks it NotReady' : ''}`,
        );
      for (const ns of drain) {
        watchPods(ns, "zone-outage finds the zone's pods");
        if (mode === 'cordon+drain' || mode === 'not-ready') {
          if (k?.podAction === 'delete') deletePods(ns, "zone-outage deletes the zone's pods");
          else evict(ns, "zone-outage evicts the zone's pods");
        }
        deletePods(ns, 'rollback deletes pods left on the NotReady nodes');
      }
    }
    if (f.type === 'spot-interruption' || f.type === 'zone-outage') {
      for (const ns of drain) if (!needs.drainNamespaces.includes(ns)) needs.drainNamespaces.push(ns);
    }
  }
  for (const probe of Object.values(scenario.probes)) {
    const c = probe.check;
    if (c.kind !== 'kubernetes') continue;
    const why = `probe ${probe.name}`;
    if (c.watch === 'workload') {
      const kind = c.workload.kind;
      if (!needs.workloads.some((w) => w.namespace === c.namespace && w.kind === kind))
        needs.workloads.push({ namespace: c.namespace, kind });
      for (const verb of ['list', 'watch'])
        add({
          group: 'apps',
          resource: kind === 'Deployment' ? 'deployments' : 'statefulsets',
          verb,
          namespace: c.namespace,
          why,
        });
    } else if (c.watch === 'pdb') {
      if (!needs.pdbNamespaces.includes(c.namespace)) needs.pdbNamespaces.push(c.namespace);
      for (const verb of ['list', 'watch'])
        add({ group: 'policy', resource: 'poddisruptionbudgets', verb, namespace: c.namespace, why });
    } else if (c.watch === 'pod-restarts') {
      watchPods(c.namespace, why);
    } else {
      nodes(['list', 'watch'], why);
    }
  }
  // Runbook steps that scale a Deployment through the target's own context are checked and granted with it.
  for (const { step, ref } of scaleSteps(scenario)) {
    if (onTargetCluster(scenario, ref)) for (const p of kubernetesScalePermissions(step, ref)) add(p);
  }
  // The shared target lock (src/drivers/kubernetes/lease-store.ts): a Lease in the target namespace, and
  // the run's journal mirrored to a ConfigMap next to it; list finds them for `gameday rollback --orphans`.
  const lockWhy = 'the shared target lock (a Lease) and the journal mirrored next to it (a ConfigMap)';
  for (const verb of ['get', 'list', 'create', 'update', 'delete'])
    add({ group: 'coordination.k8s.io', resource: 'leases', verb, namespace: target.namespace, why: lockWhy });
  for (const verb of ['get', 'create', 'update', 'delete'])
    add({ group: '', resource: 'configmaps', verb, namespace: target.namespace, why: lockWhy });
  needs.podNamespaces = [...pods];
  needs.permissions = sortPermissions([...perms.values()]);
  return needs;
}

/** Stable order: namespace, group, resource, subresource, then get → delete. */
function sortPermissions(perms: Permission[]): Permission[] {
  return perms.sort(
    (a, b) =>
      (a.namespace ?? '').localeCompare(b.namespace ?? '') ||
      a.group.localeCompare(b.group) ||
      a.resource.localeCompare(b.resource) ||
      (a.subresource ?? '').localeCompare(b.subresource ?? '') ||
      (a.name ?? '').localeCompare(b.name ?? '') ||
      VERB_ORDER.indexOf(a.verb) - VERB_ORDER.indexOf(b.verb),
  );
}

/** One key per distinct permission (verb, resource, namespace, object). */
export const permissionKey = (p: Permission): string =>
  `${p.group}|${p.resource}|${p.subresource ?? ''}|${p.verb}|${p.namespace ?? ''}|${p.name ?? ''}`;

/** The kubernetes-scale steps of the scenario's runbooks, each with the Deployment it scales. */
function scaleSteps(scenario: Scenario): Array<{ step: string; ref: DeploymentRef }> {
  return scenario.steps.flatMap((s) =>
    s.kind === 'fault' && s.fault.type === 'region-failover'
      ? (s.fault.runbook ?? [])
          .filter((r) => r.action === kubernetesScale.name)
          .map((r) => ({ step: r.name, ref: refFrom(r.args) }))
      : [],
  );
}

/**
 * Does the step act through the kubernetes target's own kubeconfig and context? Compared by name: two
 * names for one cluster count as two clusters, so it is checked, and printed, twice, never skipped.
 */
function onTargetCluster(scenario: Scenario, ref: DeploymentRef): boolean {
  const t = scenario.targets.kubernetes;
  return t !== undefined && !t.inCluster && t.context === ref.context && t.kubeconfig === ref.kubeconfig;
}

/**
 * What one kubernetes-scale step needs, on that Deployment only (resourceNames): get on the Deployment
 * (capture, verify readiness) and patch on its scale subresource (execute, rollback). Why the scale
 * subresource: patching it can change the replica count and nothing else — not the image, not the spec.
 */
function kubernetesScalePermissions(step: string, ref: DeploymentRef): Permission[] {
  const why = `runbook step ${step} (kubernetes-scale) reads and scales deployment ${ref.namespace}/${ref.deployment}; its rollback scales it back`;
  const on = { group: 'apps', resource: 'deployments', name: ref.deployment, namespace: ref.namespace, why };
  return [
    { ...on, verb: 'get' },
    { ...on, subresource: 'scale', verb: 'patch' },
  ];
}

/** A kube context a runbook's Kubernetes steps act in besides the kubernetes target (usually the DR cluster). */
export interface RunbookClusterNeeds {
  context: string;
  /** The steps' kubeconfig file; undefined: $KUBECONFIG, then ~/.kube/config. */
  kubeconfig?: string;
  /** Names of the runbook steps acting there, in scenario order. */
  steps: string[];
  permissions: Permission[];
  reasons: string[];
}

/**
 * What the runbooks' kubernetes-scale steps need on clusters other than the kubernetes target's, one
 * entry per kubeconfig + context, in scenario order (steps on the target's context are in kubernetesNeeds).
 */
export function runbookKubernetesNeeds(scenario: Scenario): RunbookClusterNeeds[] {
  const clusters = new Map<string, RunbookClusterNeeds>();
  for (const { step, ref } of scaleSteps(scenario)) {
    if (onTargetCluster(scenario, ref)) continue;
    const key = `${ref.kubeconfig ?? ''}|${ref.context}`;
    let c = clusters.get(key);
    if (!c) {
      c = {
        context: ref.context,
        ...(ref.kubeconfig === undefined ? {} : { kubeconfig: ref.kubeconfig }),
        steps: [],
        permissions: [],
        reasons: [],
      };
      clusters.set(key, c);
    }
    if (!c.steps.includes(step)) c.steps.push(step);
    const have = new Set(c.permissions.map(permissionKey));
    for (const p of kubernetesScalePermissions(step, ref)) {
      if (!c.reasons.includes(p.why)) c.reasons.push(p.why);
      if (!have.has(permissionKey(p))) c.permissions.push(p);
    }
  }
  for (const c of clusters.values()) sortPermissions(c.permissions);
  return [...clusters.values()];
}

export { VERB_ORDER };
