// The Kubernetes fixture for the k8s tier: started once per test file (a real control plane on
// loopback, see infra-fixtures/kubernetes/), an admin client for set-up and checks, and the check that
// a run left the cluster as it found it.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { down, up, type K8sFixtureState } from '../../infra-fixtures/kubernetes/lib/cluster.mjs';
import { expect } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { eventually, runCli } from '../helpers/cli.js';
import { isRunning } from '../helpers/owner.js';

export const NAMESPACE = 'production';
export const DEPLOYMENT = 'connectkit-app';
const FIXTURE_TAINT = 'kwok.x-k8s.io/node';

export const INSTALL_HINT =
  'the Kubernetes tests build and start a real control plane (infra-fixtures/kubernetes/README.md): they need ' +
  'Go >= 1.25 on PATH (Debian: apt-get install golang-go, or a go.dev release), openssl, and network access to ' +
  'the Go module proxy on the first build (~6-7 min, cached in ~/.cache/gameday)';

/** The parts of API objects and lists the tests read. */
export interface KubeObject {
  kind?: string;
  metadata: {
    name: string;
    uid?: string;
    labels?: Record<string, string>;
    deletionTimestamp?: string;
  };
  spec?: { unschedulable?: boolean; taints?: Array<{ key: string }>; nodeName?: string };
  status?: {
    conditions?: Array<{ type: string; status: string }>;
    readyReplicas?: number;
    replicas?: number;
    disruptionsAllowed?: number;
    allowed?: boolean;
  };
  rules?: Array<{ resources: string[] }>;
  items: KubeObject[];
}

/** The fixture's REST client (infra-fixtures/kubernetes/lib/kube.mjs), typed for what the tests use. */
export interface AdminClient {
  get(path: string): Promise<KubeObject>;
  request(
    method: string,
    path: string,
    opts?: { body?: unknown; contentType?: string; allow?: number[] },
  ): Promise<KubeObject>;
  apply(obj: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export interface Fixture {
  state: K8sFixtureState;
  kubeconfig: string;
  admin: AdminClient;
  /** A client as the restricted `gameday` user (the kubeconfig's `gameday` context); the caller closes it. */
  asGameday(): AdminClient;
  stop(): Promise<void>;
}

/** Start the fixture in a fresh state dir; fail (never skip) with what to install when it cannot start. */
export async function startFixture(): Promise<Fixture> {
  const stateDir = mkdtempSync(join(tmpdir(), 'gameday-k8s-test-'));
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  let state: K8sFixtureState;
  const onSignal = (): void => {
    void down({ stateDir, log }).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // Owned by this test process: a test run killed before afterAll still leaves nothing running.
    state = await up({ stateDir, log, timeoutMs: 180_000, ownerPid: process.pid });
  } catch (error) {
    await down({ stateDir, log }).catch(() => undefined);
    throw new Error(`${INSTALL_HINT}\nthe fixture failed to start: ${String((error as Error)?.message ?? error)}`, {
      cause: error,
    });
  }
  const kube = (await import('../../infra-fixtures/kubernetes/lib/kube.mjs' as string)) as {
    KubeClient: { fromKubeconfig(file: string, context: string): AdminClient };
  };
  const admin = kube.KubeClient.fromKubeconfig(state.kubeconfig, 'admin');
  return {
    state,
    kubeconfig: state.kubeconfig,
    admin,
    asGameday: () => kube.KubeClient.fromKubeconfig(state.kubeconfig, 'gameday'),
    stop: async () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await admin.close();
      const r = await down({ stateDir, log });
      if (r.survivors.length > 0 || r.listening.length > 0) {
        throw new Error(`fixture left behind: processes ${r.survivors.join(', ')}; ports ${r.listening.join(', ')}`);
      }
      // The owner watchdog goes with the fixture (it looks once a second).
      const watchdog = state.watchdogPid;
      if (watchdog !== null) {
        await eventually(() => (isRunning(watchdog) ? undefined : true), 5_000, `watchdog pid ${watchdog} to exit`);
      }
    },
  };
}

export interface NodeView {
  name: string;
  ready: boolean;
  cordoned: boolean;
  taints: string[];
  labels: Record<string, string>;
}

export async function nodes(admin: AdminClient): Promise<NodeView[]> {
  const list = await admin.get('/api/v1/nodes');
  return list.items.map((n) => ({
    name: n.metadata.name,
    ready: (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    cordoned: n.spec?.unschedulable === true,
    taints: (n.spec?.taints ?? []).map((t) => t.key).filter((k) => k !== FIXTURE_TAINT),
    labels: n.metadata.labels ?? {},
  }));
}

/** What "as it was" means: every node Ready, none cordoned, no taint beyond the fixture's own, ConnectKit 5/5 ready, PDB at 2. */
export async function clusterState(admin: AdminClient, expectedNodes: number): Promise<string> {
  const ns = await nodes(admin);
  const problems: string[] = [];
  if (ns.length !== expectedNodes) problems.push(`${ns.length}/${expectedNodes} nodes`);
  for (const n of ns) {
    if (!n.ready) problems.push(`${n.name} not Ready`);
    if (n.cordoned) problems.push(`${n.name} cordoned`);
    if (n.taints.length > 0) problems.push(`${n.name} tainted ${n.taints.join(',')}`);
    if (Object.keys(n.labels).some((k) => k.startsWith('node-not-ready.')))
      problems.push(`${n.name} labelled NotReady`);
  }
  const d = await admin.get(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${DEPLOYMENT}`);
  if (d.status?.readyReplicas !== 5 || d.status?.replicas !== 5) {
    problems.push(`deployment ${d.status?.readyReplicas ?? 0}/${d.status?.replicas ?? 0} ready`);
  }
  const pods = await admin.get(`/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=app%3Dconnectkit`);
  const live = pods.items.filter((p) => !p.metadata.deletionTimestamp);
  if (live.length !== 5) problems.push(`${live.length} connectkit pods`);
  const pdb = await admin.get(`/apis/policy/v1/namespaces/${NAMESPACE}/poddisruptionbudgets/${DEPLOYMENT}`);
  if (pdb.status?.disruptionsAllowed !== 2) problems.push(`PDB allows ${pdb.status?.disruptionsAllowed}`);
  return problems.length === 0 ? 'as it was' : problems.join('; ');
}

/** Wait until the cluster is as it was (a previous test's replacements may still be starting). */
export async function settled(admin: AdminClient, expectedNodes: number, timeoutMs = 60_000): Promise<void> {
  let last = '';
  await eventually(
    async () => {
      last = await clusterState(admin, expectedNodes);
      return last === 'as it was' ? true : undefined;
    },
    timeoutMs,
    'the cluster to be as it was',
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}: ${last}`);
  });
}

/** Every non-comment document of the fixture's gameday RBAC file, parsed. */
export function gamedayRbac(): string {
  return readFileSync(new URL('../../infra-fixtures/kubernetes/rbac/gameday.yaml', import.meta.url), 'utf8');
}

/**
 * Make sure a ConnectKit pod runs on one of the nodes `match` picks (a spot node, a node of zone a), so that
 * a fault on those nodes surely disrupts one: as admin, with every other node cordoned, a pod elsewhere is
 * deleted and its replacement can only land on a picked node; then the others are uncordoned. Returns the
 * node the pod runs on.
 */
export async function podOnNodes(
  admin: AdminClient,
  expectedNodes: number,
  match: (n: NodeView) => boolean,
  what: string,
): Promise<string> {
  const all = await nodes(admin);
  const picked = new Set(all.filter(match).map((n) => n.name));
  const pods = async () =>
    (await admin.get(`/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=app%3Dconnectkit`)).items.filter(
      (p) => !p.metadata.deletionTimestamp,
    );
  const onPicked = async (): Promise<string | undefined> =>
    (await pods()).map((p) => p.spec?.nodeName ?? '').find((n) => picked.has(n));
  const already = await onPicked();
  if (already) return already;
  const others = all.filter((n) => !picked.has(n.name)).map((n) => n.name);
  const cordon = (name: string, unschedulable: boolean) =>
    admin.request('PATCH', `/api/v1/nodes/${name}`, {
      body: { spec: { unschedulable } },
      contentType: 'application/merge-patch+json',
    });
  try {
    for (const n of others) await cordon(n, true);
    const [victim] = await pods();
    await admin.request('DELETE', `/api/v1/namespaces/${NAMESPACE}/pods/${victim?.metadata.name}`);
    return await eventually(onPicked, 60_000, `a ConnectKit pod on ${what}`);
  } finally {
    for (const n of others) await cordon(n, false);
    await settled(admin, expectedNodes);
  }
}

/** The ConnectKit pods running (not terminating) on `nodeNames`, by name. */
export async function connectkitPodsOn(admin: AdminClient, nodeNames: ReadonlySet<string>): Promise<string[]> {
  const list = await admin.get(`/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=app%3Dconnectkit`);
  return list.items
    .filter((p) => !p.metadata.deletionTimestamp && nodeNames.has(p.spec?.nodeName ?? ''))
    .map((p) => p.metadata.name)
    .sort();
}

/**
 * Put `count` ConnectKit pods on the spot nodes (one per zone): cordon the on-demand nodes, delete pods
 * there one at a time until that many run on spot nodes, uncordon, and wait until the cluster is as it
 * was. Makes a spot interruption drain more pods than the budget allows at once (deterministically).
 */
export async function podsOnSpot(admin: AdminClient, count: number, expectedNodes: number): Promise<void> {
  await settled(admin, expectedNodes);
  const all = (await admin.get('/api/v1/nodes')).items;
  const isSpot = (n: KubeObject): boolean => n.metadata.labels?.['eks.amazonaws.com/capacityType'] === 'SPOT';
  const spot = new Set(all.filter(isSpot).map((n) => n.metadata.name));
  const onDemand = all.filter((n) => !isSpot(n)).map((n) => n.metadata.name);
  const cordon = async (unschedulable: boolean): Promise<void> => {
    for (const name of onDemand) {
      await admin.request('PATCH', `/api/v1/nodes/${name}`, {
        body: { spec: { unschedulable } },
        contentType: 'application/merge-patch+json',
      });
    }
  };
  const live = async (): Promise<Array<KubeObject & { spec?: { nodeName?: string } }>> =>
    (await admin.get(`/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=app%3Dconnectkit`)).items.filter(
      (p) => !p.metadata.deletionTimestamp,
    ) as Array<KubeObject & { spec?: { nodeName?: string } }>;
  await cordon(true);
  try {
    for (let moved = 0; moved < 10; moved++) {
      const pods = await live();
      if (pods.filter((p) => spot.has(p.spec?.nodeName ?? '')).length >= count) break;
      const victim = pods.find((p) => !spot.has(p.spec?.nodeName ?? ''));
      if (!victim) break;
      await admin.request('DELETE', `/api/v1/namespaces/${NAMESPACE}/pods/${victim.metadata.name}`);
      await eventually(
        async () => {
          const d = await admin.get(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${DEPLOYMENT}`);
          const now = await live();
          return d.status?.readyReplicas === 5 && now.length === 5 && now.every((p) => p.spec?.nodeName)
            ? true
            : undefined;
        },
        60_000,
        'the moved pod to be replaced and Ready',
      );
    }
  } finally {
    await cordon(false);
  }
  const onSpot = (await live()).filter((p) => spot.has(p.spec?.nodeName ?? '')).length;
  if (onSpot < count) throw new Error(`could place only ${onSpot} of ${count} ConnectKit pods on spot nodes`);
  await settled(admin, expectedNodes);
}

const RBAC_PLURALS: Record<string, string> = {
  Role: 'roles',
  RoleBinding: 'rolebindings',
  ClusterRole: 'clusterroles',
  ClusterRoleBinding: 'clusterrolebindings',
};

/**
 * Grant the `gameday` user, as admin, exactly what `gameday rbac <file> --user gameday` prints (every section:
 * each context a test names is the fixture's). For a test copy that acts on objects the shipped scenarios do
 * not name; returns the removal of what it applied.
 */
export async function grantGeneratedRbac(
  admin: AdminClient,
  file: string,
  env: Record<string, string | undefined>,
): Promise<() => Promise<void>> {
  const res = await runCli(['rbac', file, '--user', 'gameday'], env);
  if (res.code !== 0) throw new Error(`gameday rbac ${file} exited ${res.code}: ${res.stderr}`);
  const docs = parseAllDocuments(res.stdout).map(
    (d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string } },
  );
  for (const d of docs) await admin.apply(d);
  return async () => {
    for (const d of docs) {
      const where = d.metadata.namespace === undefined ? '' : `namespaces/${d.metadata.namespace}/`;
      const path = `/apis/rbac.authorization.k8s.io/v1/${where}${RBAC_PLURALS[d.kind]}/${d.metadata.name}`;
      await admin.request('DELETE', path, { allow: [404] });
    }
  };
}

/** gameday's shared-lock objects in the target namespace: its Leases and its journal ConfigMaps. */
export async function gamedayObjects(admin: AdminClient): Promise<{ leases: KubeObject[]; journals: KubeObject[] }> {
  const leases = await admin.get(
    `/apis/coordination.k8s.io/v1/namespaces/${NAMESPACE}/leases?labelSelector=gameday.dev%2Flock%3Dtrue`,
  );
  const journals = await admin.get(
    `/api/v1/namespaces/${NAMESPACE}/configmaps?labelSelector=gameday.dev%2Fjournal%3Dtrue`,
  );
  return { leases: leases.items, journals: journals.items };
}

/**
 * A rollback of a run killed in its zone-b outage: it exited 0 saying zone b is back, and the cluster is as it
 * was, with no gameday Lease or journal ConfigMap left.
 */
export async function expectZoneBRolledBack(
  admin: AdminClient,
  expectedNodes: number,
  res: { code: number | null; stdout: string; stderr: string },
): Promise<void> {
  const out = res.stdout + res.stderr;
  expect(res.code, out).toBe(0);
  expect(out).toMatch(/zone b restored/);
  expect(out).toMatch(/rollback complete: \d+ mutation\(s\) undone/);
  await settled(admin, expectedNodes);
  expect(await clusterState(admin, expectedNodes)).toBe('as it was');
  expect(await gamedayObjects(admin)).toEqual({ leases: [], journals: [] });
}

/** Wait until the gameday Lease's holder has gone longer than its leaseDurationSeconds without renewing. */
export async function leaseExpired(admin: AdminClient): Promise<void> {
  await eventually(
    async () => {
      const lease = (await gamedayObjects(admin)).leases[0] as
        (KubeObject & { spec?: { renewTime?: string; leaseDurationSeconds?: number } }) | undefined;
      const renewed = Date.parse(lease?.spec?.renewTime ?? '');
      const duration = (lease?.spec?.leaseDurationSeconds ?? 0) * 1000;
      // A second past it: the reader's clock and the Lease's round to whole seconds differently.
      return lease && duration > 0 && Date.now() > renewed + duration + 1_000 ? true : undefined;
    },
    180_000,
    "the killed run's lease to expire",
  );
}
