// What keeps a scenario from running as a CronJob, found before anything is printed or applied: a pod
// reaches its own cluster through its service account, so a scenario naming a kube context or kubeconfig
// (or a runbook step on another cluster) cannot run there as written; and a ConfigMap holds at most 1 MiB.

import { GamedayError } from '../errors.js';
import { runbookKubernetesNeeds } from '../faults/kubernetes/needs.js';
import type { ScheduleSource } from './source.js';

/** The API server refuses objects over 1 MiB; the ConfigMap's metadata takes a little of it. */
export const CONFIGMAP_MAX_BYTES = 1024 * 1024 - 16 * 1024;

/** Every reason the source cannot run in a pod, as sentences (empty when it can). Pure. */
export function schedulingProblems(source: ScheduleSource): string[] {
  const problems: string[] = [];
  for (const s of source.scenarios) {
    const k8s = s.targets.kubernetes;
    if (k8s && !k8s.inCluster && (k8s.context !== undefined || k8s.kubeconfig !== undefined)) {
      const named = [
        k8s.context === undefined ? '' : `context ${k8s.context}`,
        k8s.kubeconfig === undefined ? '' : `kubeconfig ${k8s.kubeconfig}`,
      ].filter(Boolean);
      problems.push(
        `${s.file}: targets.kubernetes names ${named.join(' and ')}; in the cluster gameday uses its pod's service account, so leave ${named.length === 1 ? 'it' : 'them'} out (or set inCluster: true)`,
      );
    }
    for (const c of runbookKubernetesNeeds(s)) {
      problems.push(
        `${s.file}: runbook step(s) ${c.steps.join(', ')} act in kube context ${c.context}, which a pod in this cluster cannot reach`,
      );
    }
  }
  const bytes = source.files.reduce((n, f) => n + Buffer.byteLength(f.key) + Buffer.byteLength(f.text), 0);
  if (bytes > CONFIGMAP_MAX_BYTES) {
    problems.push(`the scenario files take ${bytes} bytes; a ConfigMap holds at most ${CONFIGMAP_MAX_BYTES}`);
  }
  return problems;
}

/** Throw (exit 2, nothing printed or applied) when the source cannot run in a pod. */
export function checkSchedulable(source: ScheduleSource): void {
  const problems = schedulingProblems(source);
  if (problems.length === 0) return;
  throw new GamedayError(`cannot schedule ${source.name}: ${problems.join('; ')}`, {
    kind: 'invalid-input',
    code: 'NOT_SCHEDULABLE',
    hint: "a scheduled run uses its pod's service account and reaches only its own cluster; keep a copy of the scenario without context/kubeconfig for scheduling",
  });
}
