// The crash matrix on Kubernetes: the ConnectKit scenarios on the fixture's real control plane, run as
// the restricted `gameday` user. Snapshot: the node set and each node's Ready condition, cordon, taints,
// NotReady label and gameday annotations; the Deployment's readiness and the PodDisruptionBudget; and
// what runs or lies under the runs' temp dir.

import type { CrashCase, CrashTarget } from './harness.js';
import { leftovers } from './sandbox-target.js';
import { DEPLOYMENT, NAMESPACE, settled, type AdminClient, type Fixture } from '../k8s/cluster.js';

const FIXTURE_TAINT = 'kwok.x-k8s.io/node';

export const K8S_CASES: CrashCase[] = [
  // one eviction call for both pods
  { fault: 'pod-kill', scenario: 'scenarios/connectkit/pod-kill.yaml', killPoints: [1] },
  // a notice on each of the three spot nodes, then each node drained and deleted
  { fault: 'spot-interruption', scenario: 'scenarios/connectkit/spot-interruption.yaml', killPoints: [1, 6] },
  // zone a cordoned and NotReady
  { fault: 'zone-outage', scenario: 'scenarios/connectkit/az-loss.yaml', killPoints: [1] },
];

interface NodeObject {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { unschedulable?: boolean; taints?: Array<{ key: string; effect?: string }> };
  status?: { conditions?: Array<{ type: string; status: string }> };
}

async function nodeView(admin: AdminClient): Promise<Record<string, unknown>> {
  const list = (await admin.get('/api/v1/nodes')) as unknown as { items: NodeObject[] };
  return Object.fromEntries(
    list.items
      .map((n) => [
        n.metadata.name,
        {
          ready: (n.status?.conditions ?? []).find((c) => c.type === 'Ready')?.status ?? 'Unknown',
          unschedulable: n.spec?.unschedulable === true,
          taints: (n.spec?.taints ?? [])
            .filter((t) => t.key !== FIXTURE_TAINT)
            .map((t) => `${t.key}:${t.effect ?? ''}`)
            .sort(),
          notReadyLabels: Object.keys(n.metadata.labels ?? {}).filter((k) => k.startsWith('node-not-ready.')),
          gamedayAnnotations: Object.keys(n.metadata.annotations ?? {}).filter((k) => k.startsWith('gameday.')),
        },
      ])
      .sort(([a], [b]) => String(a).localeCompare(String(b))),
  );
}

/** The fixture as a crash-matrix target; runs and rollbacks use its kubeconfig and `root` as TMPDIR. */
export function kubernetesTarget(fixture: Fixture, nodeCount: number, root: string): CrashTarget {
  return {
    name: 'kubernetes',
    env: () => ({ KUBECONFIG: fixture.kubeconfig, TMPDIR: root }),
    settle: () => settled(fixture.admin, nodeCount, 120_000),
    async snapshot() {
      const d = await fixture.admin.get(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${DEPLOYMENT}`);
      const pdb = await fixture.admin.get(`/apis/policy/v1/namespaces/${NAMESPACE}/poddisruptionbudgets/${DEPLOYMENT}`);
      return {
        nodes: await nodeView(fixture.admin),
        deployment: { ready: d.status?.readyReplicas ?? 0, replicas: d.status?.replicas ?? 0 },
        disruptionsAllowed: pdb.status?.disruptionsAllowed ?? null,
        leftovers: leftovers(root, []),
      };
    },
  };
}
