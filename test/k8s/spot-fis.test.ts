// A FIS spot interruption with its Kubernetes side, through the real CLI as the restricted `gameday` user.
// AWS: moto on loopback with IAM enforced (STS for the identity guard, FIS templates) and the loopback FIS
// server of test/aws/fis-server.ts, which runs the experiments moto does not run (each request authorized by
// moto first). The CLI's AWS principal is an IAM user holding exactly the harness policy `gameday iam`
// prints for the fixture file (test/aws/enforced.ts says what moto checks of it). Kubernetes: the tier's real control
// plane, whose kwok nodes carry EKS-style providerIDs (aws:///us-east-1<zone>/i-…).
// The FIS server resolves the experiment to the instances of two nodes that run ConnectKit pods (spot nodes
// first, so that the interruption always disrupts pods; which instances FIS picks is not what is under
// test), plus one instance that is no node of this cluster. What AWS and the cluster do to an interrupted
// instance is played by the test as admin: with a termination handler (AWS Node Termination Handler),
// taint, cordon and eviction on the notice; when the notice elapses the instance is gone and its Node is
// deleted, as the cloud node lifecycle controller does; later a replacement instance brings the Node back.

import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { runCli } from '../helpers/cli.js';
import { harnessPolicy, principalEnv } from '../aws/enforced.js';
import { startFisServer, type FisServer } from '../aws/fis-server.js';
import { fakeAwsCliEnv, startMotoForTests, type Moto } from '../aws/moto.js';
import { DEPLOYMENT, NAMESPACE, clusterState, nodes, settled, startFixture, type Fixture } from './cluster.js';

/** The taint AWS Node Termination Handler puts on a node whose spot instance got the notice. */
const SPOT_TAINT = 'aws-node-termination-handler/spot-itn';
const NOTICE_ANNOTATION = 'gameday.dev/spot-interruption-at';
/** An instance FIS interrupts that runs no node of this cluster. */
const ELSEWHERE = 'i-0fffffffffffffff0';
/** How long the loopback FIS keeps the experiment running: the notice, shortened (AWS gives 2 minutes). */
const NOTICE_MS = 8000;

interface RawNode {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { providerID?: string; unschedulable?: boolean; taints?: Array<{ key: string; effect?: string }> };
  status?: Record<string, unknown>;
}

interface RawPod {
  metadata: { name: string; deletionTimestamp?: string };
  spec?: { nodeName?: string };
}

let fixture: Fixture;
let moto: Moto;
let reportDir: string;
let nodeCount: number;
const measured: Record<string, unknown> = {};

beforeAll(async () => {
  reportDir = mkdtempSync(join(tmpdir(), 'gameday-k8s-spot-fis-'));
  fixture = await startFixture();
  moto = await startMotoForTests({ iam: true });
  nodeCount = (await nodes(fixture.admin)).length;
}, 15 * 60_000);

afterAll(async () => {
  console.log(`spot-fis measurements: ${JSON.stringify(measured, null, 1)}`);
  await moto?.stop();
  await fixture?.stop();
  rmSync(reportDir, { recursive: true, force: true });
}, 60_000);

/** The CLI's environment: the fixture's kubeconfig, every AWS service on loopback (no credentials). */
const baseEnv = (fis: FisServer): Record<string, string> => ({
  KUBECONFIG: fixture.kubeconfig,
  ...fakeAwsCliEnv(moto.endpoint),
  FIS_ENDPOINT: fis.endpoint,
});

/** ... and the keys of an IAM user holding exactly the harness policy `gameday iam` prints for `file`. */
async function env(fis: FisServer, file: string): Promise<Record<string, string | undefined>> {
  const policy = await harnessPolicy(file, baseEnv(fis));
  const keys = await moto.principal(`gameday-k8s-${process.pid}-${file.replace(/\W+/g, '-')}`, policy);
  return { ...baseEnv(fis), ...principalEnv(keys) };
}

const instanceOf = (n: RawNode): string => String(n.spec?.providerID?.split('/').pop());

function readReport(scenario: string): { report: Report; journal: Array<Record<string, unknown>> } {
  const runs = readdirSync(join(reportDir, scenario));
  expect(runs).toHaveLength(1);
  const dir = join(reportDir, scenario, runs[0] as string);
  return {
    report: JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report,
    journal: readFileSync(join(dir, 'journal.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

async function connectkitPods(): Promise<RawPod[]> {
  const list = (await fixture.admin.get(
    `/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=app%3Dconnectkit`,
  )) as unknown as { items: RawPod[] };
  return list.items.filter((p) => !p.metadata.deletionTimestamp);
}

/**
 * Two nodes that run ConnectKit pods, spot nodes first, with at most 2 pods between them: the
 * PodDisruptionBudget (minAvailable 3 of 5) lets a termination handler evict them all at once.
 */
async function pickNodes(): Promise<{ hit: RawNode[]; pods: string[] }> {
  const pods = await connectkitPods();
  const byNode = new Map<string, string[]>();
  for (const p of pods)
    byNode.set(p.spec?.nodeName ?? '', [...(byNode.get(p.spec?.nodeName ?? '') ?? []), p.metadata.name]);
  const all = ((await fixture.admin.get('/api/v1/nodes')) as unknown as { items: RawNode[] }).items;
  const spot = (n: RawNode): number => (n.metadata.labels?.['eks.amazonaws.com/capacityType'] === 'SPOT' ? 0 : 1);
  const candidates = all
    .filter((n) => byNode.has(n.metadata.name))
    .sort((a, b) => spot(a) - spot(b) || a.metadata.name.localeCompare(b.metadata.name));
  const hit: RawNode[] = [];
  let count = 0;
  for (const n of candidates) {
    const here = byNode.get(n.metadata.name)?.length ?? 0;
    if (hit.length < 2 && count + here <= 2) {
      hit.push(n);
      count += here;
    }
  }
  expect(count).toBeGreaterThan(0);
  return { hit, pods: hit.flatMap((n) => byNode.get(n.metadata.name) ?? []) };
}

/** AWS Node Termination Handler on the notice, as admin: taint and cordon, then evict (a 429 is retried). */
async function terminationHandler(names: readonly string[]): Promise<void> {
  for (const name of names) {
    const n = (await fixture.admin.get(`/api/v1/nodes/${name}`)) as unknown as RawNode;
    await fixture.admin.request('PATCH', `/api/v1/nodes/${name}`, {
      contentType: 'application/merge-patch+json',
      body: {
        spec: { unschedulable: true, taints: [...(n.spec?.taints ?? []), { key: SPOT_TAINT, effect: 'NoSchedule' }] },
      },
    });
  }
  const on = (await connectkitPods()).filter((p) => names.includes(p.spec?.nodeName ?? ''));
  for (const p of on) {
    for (let attempt = 0; attempt < 100; attempt++) {
      const r = (await fixture.admin.request(
        'POST',
        `/api/v1/namespaces/${NAMESPACE}/pods/${p.metadata.name}/eviction`,
        {
          body: {
            apiVersion: 'policy/v1',
            kind: 'Eviction',
            metadata: { name: p.metadata.name, namespace: NAMESPACE },
          },
          allow: [404, 429],
        },
      )) as unknown as { status?: unknown };
      if (r?.status !== 429) break;
      await sleep(500);
    }
  }
}

/** The instance is gone: its Node is deleted, as the cloud node lifecycle controller does. */
async function instanceGone(name: string): Promise<void> {
  await fixture.admin.request('DELETE', `/api/v1/nodes/${name}`, { allow: [404] });
}

/** A replacement instance joins the node group: the Node again, under its old name (kwok plays its kubelet). */
async function nodeBack(saved: RawNode): Promise<void> {
  const status = { ...saved.status };
  delete status['conditions'];
  await fixture.admin.request('POST', '/api/v1/nodes', {
    body: {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: saved.metadata.name,
        labels: saved.metadata.labels ?? {},
        annotations: saved.metadata.annotations ?? {},
      },
      spec: {
        ...saved.spec,
        unschedulable: false,
        taints: (saved.spec?.taints ?? []).filter((t) => t.key !== SPOT_TAINT),
      },
      status,
    },
    allow: [409],
  });
}

const messages = (report: Report, kind: string): string[] =>
  report.timeline.filter((e) => e.kind === kind).map((e) => e.message);

/** The measured per-pod view: every pod of the interrupted nodes, rescheduled and Ready again. */
function expectPodTimings(report: Report, pods: readonly string[]): void {
  const m = report.measurements.pods;
  expect(m?.pods.map((p) => p.pod).sort()).toEqual([...pods].sort());
  expect(m?.disrupted).toBe(pods.length);
  expect(m?.rescheduling?.count).toBe(pods.length);
  expect(m?.readiness?.count).toBe(pods.length);
  // kwok's stages make a replacement Ready 2.5–6.5 s after it is scheduled.
  expect(m?.readiness?.min ?? 0).toBeGreaterThan(m?.rescheduling?.max ?? 0);
  expect(m?.notRescheduled).toBe(0);
  measured[report.scenario] = {
    rescheduling: m?.rescheduling,
    readiness: m?.readiness,
    timeline: report.timeline.filter((e) => e.kind.startsWith('kubernetes-')).map((e) => `${e.t}ms ${e.message}`),
  };
}

async function deploymentReady(): Promise<string> {
  const d = (await fixture.admin.get(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${DEPLOYMENT}`)) as unknown as {
    status?: { readyReplicas?: number; replicas?: number };
  };
  return `${d.status?.readyReplicas ?? 0}/${d.status?.replicas ?? 0}`;
}

describe('spot-interruption on aws with targets.kubernetes', () => {
  it('follows the nodes a termination handler drains and times their pods; an instance without a node is a finding', async () => {
    await settled(fixture.admin, nodeCount);
    const { hit, pods } = await pickNodes();
    const names = hit.map((n) => n.metadata.name);
    const work: Array<Promise<unknown>> = [];
    const fis = await startFisServer(moto.endpoint, 'complete', {
      resolveInstances: () => [...hit.map(instanceOf), ELSEWHERE],
      runMs: NOTICE_MS,
      // The handler reacts to the notice within a couple of seconds (it polls the instance metadata).
      onRunning: () => work.push(sleep(1500).then(() => terminationHandler(names))),
      onCompleted: () => work.push(sleep(1000).then(() => Promise.all(names.map(instanceGone)))),
      iam: { admin: () => moto.admin },
    });
    try {
      const cli = await env(fis, 'test/k8s/fixtures/spot-fis.yaml');
      const plan = await runCli(['plan', 'test/k8s/fixtures/spot-fis.yaml'], cli);
      expect(plan.code, plan.stderr + plan.stdout).toBe(0);
      expect(plan.stdout).toMatch(
        /Kubernetes: the instances' nodes \(by spec\.providerID\) are tracked .*; draining them is left to the cluster's termination handler/,
      );
      const res = await runCli(['run', 'test/k8s/fixtures/spot-fis.yaml', '--report-dir', reportDir], cli);
      await Promise.all(work);
      expect(res.stderr).not.toMatch(/internal error/);
      expect(res.code, res.stderr + res.stdout).toBe(0);
      const { report, journal } = readReport('it-k8s-spot-fis');
      expect(report.verdict).toBe('pass');
      expect(report.rollback.complete).toBe(true);
      expect(report.measurements.fis?.[0]?.resolvedTargets).toHaveLength(hit.length + 1);
      expectPodTimings(report, pods);

      const nodeEvents = messages(report, 'kubernetes-node');
      for (const n of hit) {
        const name = n.metadata.name;
        expect(nodeEvents).toContainEqual(
          expect.stringMatching(new RegExp(`^instance ${instanceOf(n)} interrupted by FIS runs node ${name} \\(zone `)),
        );
        expect(nodeEvents).toContain(`node ${name} cordoned`);
        expect(nodeEvents).toContain(`node ${name} tainted ${SPOT_TAINT}:NoSchedule`);
        expect(nodeEvents).toContain(`node ${name} deleted (instance ${instanceOf(n)} is gone)`);
      }
      const podEvents = messages(report, 'kubernetes-pod');
      for (const p of pods) expect(podEvents.some((m) => m.startsWith(`pod ${NAMESPACE}/${p} on node `))).toBe(true);
      // The node went away after the experiment ended: the watch kept following it.
      const completed = report.timeline.find((e) => e.kind === 'fis-experiment' && /completed/.test(e.message));
      const deleted = report.timeline.find((e) => e.kind === 'kubernetes-node' && / deleted /.test(e.message));
      expect(deleted?.t).toBeGreaterThan(completed?.t ?? Infinity);
      expect(messages(report, 'finding')).toContain(
        `instance ${ELSEWHERE} interrupted by FIS has no Node in the cluster (not one of its nodes, or its Node is gone)`,
      );
      // Tracking only: gameday changed nothing in the cluster (its intents are the FIS template and experiment).
      expect(
        journal.filter((e) => e['type'] === 'intent').map((e) => (e['undo'] as { driver: string }).driver),
      ).toEqual(['aws', 'aws']);
      expect(await deploymentReady()).toBe('5/5');
      for (const n of await nodes(fixture.admin)) expect([n.name, n.cordoned, n.taints]).toEqual([n.name, false, []]);
    } finally {
      await fis.close();
      await Promise.allSettled(work);
      for (const n of hit) await nodeBack(n);
    }
    await settled(fixture.admin, nodeCount);
    expect(await clusterState(fixture.admin, nodeCount)).toBe('as it was');
  }, 180_000);

  it('with drain: true gameday drains the nodes itself; rollback releases the node that is still there', async () => {
    await settled(fixture.admin, nodeCount);
    const { hit, pods } = await pickNodes();
    const names = hit.map((n) => n.metadata.name);
    // The first instance's Node goes when the notice elapses; the others' are still there when the run ends.
    const [first] = names;
    const work: Array<Promise<unknown>> = [];
    const fis = await startFisServer(moto.endpoint, 'complete', {
      resolveInstances: () => hit.map(instanceOf),
      runMs: NOTICE_MS,
      onCompleted: () => work.push(sleep(1000).then(() => instanceGone(first as string))),
      iam: { admin: () => moto.admin },
    });
    try {
      const file = 'test/k8s/fixtures/spot-fis-drain.yaml';
      const res = await runCli(['run', file, '--report-dir', reportDir], await env(fis, file));
      await Promise.all(work);
      expect(res.stderr).not.toMatch(/internal error/);
      expect(res.code, res.stderr + res.stdout).toBe(0);
      const { report, journal } = readReport('it-k8s-spot-fis-drain');
      expect(report.verdict).toBe('pass');
      expect(report.rollback.complete).toBe(true);
      expectPodTimings(report, pods);

      const nodeEvents = messages(report, 'kubernetes-node');
      for (const name of names) {
        expect(nodeEvents).toContain(`node ${name} cordoned`);
        expect(nodeEvents).toContainEqual(expect.stringMatching(new RegExp(`^node ${name} tainted ${SPOT_TAINT}=`)));
      }
      expect(nodeEvents).toContain(`drained ${names.join(', ')}: ${pods.length} pod(s) evicted`);
      expect(nodeEvents.some((m) => m.startsWith(`node ${first} deleted`))).toBe(true);
      expect(messages(report, 'finding')).toEqual([]);

      // Journaled before each notice, undone by rollback: release (uncordon, untaint), never re-create.
      const releases = journal.filter(
        (e) => e['type'] === 'intent' && (e['undo'] as { op: string }).op === 'release-node',
      );
      expect(releases.map((e) => (e['undo'] as { args: { name: string } }).args.name)).toEqual(names);
      expect(journal.filter((e) => e['type'] === 'undone')).toHaveLength(
        journal.filter((e) => e['type'] === 'intent').length,
      );
      const after = (await fixture.admin.get('/api/v1/nodes')) as unknown as { items: RawNode[] };
      expect(after.items.map((n) => n.metadata.name)).not.toContain(first);
      for (const n of after.items) {
        expect([n.metadata.name, n.spec?.unschedulable ?? false]).toEqual([n.metadata.name, false]);
        expect((n.spec?.taints ?? []).map((t) => t.key)).not.toContain(SPOT_TAINT);
        expect(Object.keys(n.metadata.annotations ?? {})).not.toContain(NOTICE_ANNOTATION);
      }
      expect(await deploymentReady()).toBe('5/5');
    } finally {
      await fis.close();
      await Promise.allSettled(work);
      for (const n of hit) await nodeBack(n);
    }
    await settled(fixture.admin, nodeCount);
    expect(await clusterState(fixture.admin, nodeCount)).toBe('as it was');
  }, 180_000);
});
