// Kubernetes probe: reads workload, PodDisruptionBudget, pod and node state from watch-fed caches that
// the kubernetes driver keeps current. A sample is a cache read (no API request), so sampling at 10 Hz
// costs the cluster nothing; the cache follows the cluster within the watch latency.

import type { KubernetesCheck } from '../scenario/types.js';
import type { CheckOutcome, Probe } from './types.js';

/** Synchronous reads of the informer caches (implemented by the kubernetes driver's KubeCluster). */
export interface KubernetesProbeSource {
  workload(
    namespace: string,
    kind: 'Deployment' | 'StatefulSet',
    name: string,
  ): { desired: number; ready: number; available: number } | undefined;
  pdb(
    namespace: string,
    name: string,
  ): { disruptionsAllowed: number; currentHealthy: number; desiredHealthy: number } | undefined;
  podRestarts(namespace: string, labels: Record<string, string>): { pods: number; restarts: number };
  nodesReady(zone?: string): { total: number; ready: number };
}

/** Judge one check against the caches: ok, a short detail, and the number behind it. */
export function evaluateKubernetesCheck(check: KubernetesCheck, source: KubernetesProbeSource): CheckOutcome {
  switch (check.watch) {
    case 'workload': {
      const { kind, name } = check.workload;
      const w = source.workload(check.namespace, kind, name);
      if (!w) return { ok: false, detail: `${kind} ${check.namespace}/${name} not found` };
      const needReady = check.readyAtLeast ?? (check.availableAtLeast === undefined ? w.desired : 0);
      const ok = w.ready >= needReady && w.available >= (check.availableAtLeast ?? 0);
      return { ok, detail: `${w.ready}/${w.desired} ready, ${w.available} available`, value: w.ready };
    }
    case 'pdb': {
      const b = source.pdb(check.namespace, check.name);
      if (!b) return { ok: false, detail: `PodDisruptionBudget ${check.namespace}/${check.name} not found` };
      return {
        ok: b.disruptionsAllowed >= check.disruptionsAllowedAtLeast,
        detail: `${b.disruptionsAllowed} disruption(s) allowed, ${b.currentHealthy}/${b.desiredHealthy} healthy`,
        value: b.disruptionsAllowed,
      };
    }
    case 'pod-restarts': {
      const r = source.podRestarts(check.namespace, check.labels);
      return {
        ok: r.restarts <= check.max,
        detail: `${r.restarts} restart(s) across ${r.pods} pod(s)`,
        value: r.restarts,
      };
    }
    case 'nodes-ready': {
      const n = source.nodesReady(check.zone);
      const need = check.atLeast ?? n.total;
      const where = check.zone === undefined ? '' : ` in zone ${check.zone}`;
      return {
        ok: n.ready >= need && n.total > 0,
        detail: `${n.ready}/${n.total} nodes Ready${where}`,
        value: n.ready,
      };
    }
  }
}

/** Build a kubernetes probe over the driver's caches. */
export function createKubernetesProbe(
  name: string,
  check: KubernetesCheck,
  timing: { intervalMs: number; timeoutMs: number },
  source: KubernetesProbeSource,
): Probe {
  return {
    name,
    kind: 'kubernetes',
    intervalMs: timing.intervalMs,
    timeoutMs: timing.timeoutMs,
    check: async () => evaluateKubernetesCheck(check, source),
  };
}
