import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { NodeInfo, PodInfo } from '../../drivers/kubernetes/objects.js';
import { PodTimingTracker, distribution } from '../../drivers/kubernetes/tracker.js';
import type { InformerChange } from '../../drivers/kubernetes/informer.js';
import { evaluateKubernetesCheck } from '../../probes/kubernetes.js';
import { checkGuards } from '../../runner/guards.js';
import { planRun } from '../../runner/plan.js';
import { loadScenarioFile, loadScenarioText } from '../../scenario/load.js';
import type { Scenario } from '../../scenario/types.js';
import { seededRandom } from '../select.js';
import { kubernetesGuardViolations } from './guards.js';
import { describePermission, kubernetesNeeds } from './needs.js';
import { kubernetesPodKill } from './pod-kill.js';
import type { KubernetesInventory } from './types.js';

const root = resolve(fileURLToPath(import.meta.url), '../../../..');

const pod = (name: string, node: string, extra: Partial<PodInfo> = {}): PodInfo => ({
  uid: `uid-${name}`,
  name,
  namespace: 'production',
  labels: { app: 'connectkit' },
  nodeName: node,
  phase: 'Running',
  scheduled: true,
  ready: true,
  createdAt: Number(name.replace(/\D/g, '')) || 0,
  terminating: false,
  owner: { kind: 'ReplicaSet', name: 'connectkit-app-abc' },
  workload: 'Deployment/connectkit-app',
  restarts: 0,
  mirror: false,
  ...extra,
});

const node = (name: string, zone: string, spot = false): NodeInfo => ({
  name,
  zone,
  labels: { 'topology.kubernetes.io/zone': zone, 'eks.amazonaws.com/capacityType': spot ? 'SPOT' : 'ON_DEMAND' },
  ready: true,
  unschedulable: false,
  taints: [],
  annotations: {},
});

const inventory = (extra: Partial<KubernetesInventory> = {}): KubernetesInventory => ({
  namespace: 'production',
  podNamespaces: ['production'],
  nodes: [node('a-1', 'a'), node('a-spot', 'a', true), node('b-1', 'b'), node('c-1', 'c')],
  pods: [pod('p1', 'a-1'), pod('p2', 'a-spot'), pod('p3', 'b-1'), pod('p4', 'c-1'), pod('p5', 'c-1')],
  ...extra,
});

async function load(name: string): Promise<Scenario> {
  const { scenario, diagnostics } = await loadScenarioFile(join(root, `scenarios/connectkit/${name}.yaml`));
  if (!scenario) throw new Error(JSON.stringify(diagnostics));
  return scenario;
}

describe('kubernetes planning (pure)', () => {
  it('pod-kill picks by labels, oldest first, and caps per workload', async () => {
    const scenario = await load('pod-kill');
    const plan = planRun(scenario, { kubernetes: inventory() }, 1);
    const step = plan.steps[0];
    expect(step?.kind === 'fault' && step.planned).toMatchObject({
      target: 'kubernetes',
      unavailable: 2,
      fleet: 5,
    });
    expect(step?.kind === 'fault' && step.planned.affected).toHaveLength(2);
    const oldest = loadScenarioText(
      'apiVersion: gameday/v1\nkind: Scenario\nmetadata: { name: o }\ntargets: { kubernetes: { namespace: production } }\n' +
        'steps: [{ fault: pod-kill, select: { labels: { app: connectkit }, count: 2, order: oldest, zone: c } }]\n',
      'o.yaml',
    ).scenario as Scenario;
    const p = planRun(oldest, { kubernetes: inventory() }, 1).steps[0];
    expect(p?.kind === 'fault' && p.planned.affected).toEqual(['production/p4', 'production/p5']);
  });

  it('never selects the harness its own pod', async () => {
    const scenario = await load('pod-kill');
    const fault = scenario.steps[0];
    if (fault?.kind !== 'fault' || fault.fault.type !== 'pod-kill') throw new Error('expected pod-kill');
    for (let seed = 0; seed < 20; seed++) {
      const planned = kubernetesPodKill.plan(
        { ...fault.fault, select: { ...fault.fault.select, count: 4 } },
        { kubernetes: inventory({ self: { name: 'p3', namespace: 'production' } }) },
        seededRandom(seed),
      );
      expect(planned.affected).not.toContain('production/p3');
      expect(planned.description).toMatch(/own pod is never selected/);
    }
  });

  it('picks one pod in every zone with select.perZone, zones from the nodes’ topology labels', async () => {
    const scenario = await load('pod-kill');
    const fault = scenario.steps[0];
    if (fault?.kind !== 'fault' || fault.fault.type !== 'pod-kill') throw new Error('expected pod-kill');
    const { count: _count, ...select } = fault.fault.select;
    for (let seed = 0; seed < 10; seed++) {
      const planned = kubernetesPodKill.plan(
        { ...fault.fault, select: { ...select, perZone: 1 } },
        { kubernetes: inventory() },
        seededRandom(seed),
      );
      // p1/p2 are in zone a, p3 in b, p4/p5 in c: one of each zone, three in all.
      expect(planned.affected).toHaveLength(3);
      expect(planned.affected.filter((p) => ['production/p1', 'production/p2'].includes(p))).toHaveLength(1);
      expect(planned.affected).toContain('production/p3');
      expect(planned.affected.filter((p) => ['production/p4', 'production/p5'].includes(p))).toHaveLength(1);
      expect(planned.description).toMatch(/1 per zone/);
    }
  });

  it('refuses a node fault where the harness runs, and plans zone and spot faults', async () => {
    const az = await load('az-loss');
    expect(() => planRun(az, { kubernetes: inventory({ self: { name: 'p1' } }) }, 1)).toThrow(/gameday's own pod p1/);
    const planned = planRun(az, { kubernetes: inventory() }, 1).steps[0];
    expect(planned?.kind === 'fault' && planned.planned.affected).toEqual(['zone a', 'node/a-1', 'node/a-spot']);
    const spot = planRun(await load('spot-interruption'), { kubernetes: inventory() }, 1).steps[0];
    expect(spot?.kind === 'fault' && spot.planned.affected).toEqual(['node/a-spot']);
    expect(spot?.kind === 'fault' && spot.planned.unavailable).toBe(1);
  });

  it('zone-outage says what it does on a real cluster, per mode', () => {
    const load = (mode: string, maxUnavailable: string) => {
      const { scenario, diagnostics } = loadScenarioText(
        `apiVersion: gameday/v1\nkind: Scenario\nmetadata: { name: z }\ntargets: { kubernetes: { namespace: production } }\nguards: { maxUnavailable: ${maxUnavailable} }\nsteps: [{ fault: zone-outage, zone: a${mode ? `, mode: ${mode}` : ''} }]\n`,
        'z.yaml',
      );
      if (!scenario) throw new Error(JSON.stringify(diagnostics));
      return { scenario, run: planRun(scenario, { kubernetes: inventory() }, 1) };
    };
    const plan = (mode: string) => {
      const step = load(mode, '100%').run.steps[0];
      return step?.kind === 'fault' ? step.planned : undefined;
    };
    /** What the blast-radius guard refuses with no pod allowed out of service. */
    const refusals = (mode: string) => {
      const { scenario, run } = load(mode, '0');
      return checkGuards(scenario, run).map((e) => e.message);
    };
    expect(plan('cordon')?.description).toMatch(
      /^zone a down until rollback \(mode cordon\): cordon its nodes: no new pod lands there, running pods stay; the nodes stay Ready \(no kubelet is stopped\): 2 node\(s\)/,
    );
    expect(plan('cordon')?.unavailable).toBe(0);
    // A cordon takes no pod out of service, so no blast radius refuses it; a taint that evicts does.
    expect(refusals('cordon')).toEqual([]);
    expect(refusals('taint-no-execute').join('\n')).toMatch(/maxUnavailable/);
    expect(plan('cordon+drain')?.description).toMatch(
      /\(mode cordon\+drain\): cordon its nodes and evict \(PodDisruptionBudgets respected\) its pods; the nodes stay Ready/,
    );
    expect(plan('taint-no-execute')?.description).toMatch(
      /taint its nodes gameday\.io\/zone-outage=a:NoSchedule and :NoExecute: no new pod lands there and Kubernetes' taint eviction controller deletes every pod that does not tolerate the taint \(PodDisruptionBudgets do not apply\); the nodes stay Ready/,
    );
    expect(plan('taint-no-execute')?.unavailable).toBe(2);
    expect(plan('')?.description).toMatch(
      /\(mode not-ready\): cordon its nodes, label them node-not-ready\.stage\.kwok\.x-k8s\.io=true and evict .* its pods; the label makes nodes NotReady only where a kwok stage honours it \(gameday's fixture\); on a real cluster the nodes stay Ready/,
    );
  });

  it('plans without a connection, choosing at run time', async () => {
    const plan = planRun(await load('az-loss'), {}, 1);
    expect(plan.steps[0]?.kind === 'fault' && plan.steps[0].planned.description).toMatch(/chosen at run time/);
  });

  it('guards the namespace allow-list at run time', async () => {
    const scenario = await load('pod-kill');
    const plan = planRun(scenario, { kubernetes: inventory() }, 1);
    expect(kubernetesGuardViolations(scenario, plan)).toEqual([]);
    const errors = kubernetesGuardViolations(
      { ...scenario, guards: { ...scenario.guards, allowedNamespaces: ['x'] } },
      plan,
    );
    expect(errors.map((e) => e.message)).toEqual([
      'step pod-kill #1: namespace production is not in guards.allowedNamespaces (x)',
    ]);
  });
});

describe('permissions', () => {
  it('lists what each ConnectKit scenario needs, in preflight wording', async () => {
    const lines = async (name: string) => kubernetesNeeds(await load(name)).permissions.map(describePermission);
    expect(await lines('pod-kill')).toEqual([
      'needs get on configmaps in production',
      'needs create on configmaps in production',
      'needs update on configmaps in production',
      'needs delete on configmaps in production',
      'needs list on pods in production',
      'needs watch on pods in production',
      'needs create on pods/eviction in production',
      'needs list on deployments.apps in production',
      'needs watch on deployments.apps in production',
      'needs get on leases.coordination.k8s.io in production',
      'needs list on leases.coordination.k8s.io in production',
      'needs create on leases.coordination.k8s.io in production',
      'needs update on leases.coordination.k8s.io in production',
      'needs delete on leases.coordination.k8s.io in production',
      'needs list on poddisruptionbudgets.policy in production',
      'needs watch on poddisruptionbudgets.policy in production',
    ]);
    expect(await lines('az-loss')).toEqual([
      'needs list on nodes cluster-wide',
      'needs watch on nodes cluster-wide',
      'needs patch on nodes cluster-wide',
      'needs get on configmaps in production',
      'needs create on configmaps in production',
      'needs update on configmaps in production',
      'needs delete on configmaps in production',
      'needs list on pods in production',
      'needs watch on pods in production',
      'needs delete on pods in production',
      'needs create on pods/eviction in production',
      'needs list on deployments.apps in production',
      'needs watch on deployments.apps in production',
      'needs get on leases.coordination.k8s.io in production',
      'needs list on leases.coordination.k8s.io in production',
      'needs create on leases.coordination.k8s.io in production',
      'needs update on leases.coordination.k8s.io in production',
      'needs delete on leases.coordination.k8s.io in production',
    ]);
  });
});

describe('probe evaluation', () => {
  const source = {
    workload: () => ({ desired: 5, ready: 3, available: 3 }),
    pdb: () => ({ disruptionsAllowed: 0, currentHealthy: 3, desiredHealthy: 3 }),
    podRestarts: () => ({ pods: 5, restarts: 1 }),
    nodesReady: (zone?: string) => (zone === 'a' ? { total: 3, ready: 0 } : { total: 9, ready: 6 }),
  };
  it('judges workloads, budgets, restarts and nodes from the caches', () => {
    const w = { watch: 'workload', namespace: 'p', workload: { kind: 'Deployment', name: 'd' } } as const;
    expect(evaluateKubernetesCheck(w, source)).toEqual({ ok: false, detail: '3/5 ready, 3 available', value: 3 });
    expect(evaluateKubernetesCheck({ ...w, readyAtLeast: 3 }, source).ok).toBe(true);
    expect(
      evaluateKubernetesCheck({ watch: 'pdb', namespace: 'p', name: 'b', disruptionsAllowedAtLeast: 1 }, source),
    ).toMatchObject({
      ok: false,
      detail: '0 disruption(s) allowed, 3/3 healthy',
    });
    expect(evaluateKubernetesCheck({ watch: 'pod-restarts', namespace: 'p', labels: {}, max: 0 }, source).ok).toBe(
      false,
    );
    expect(evaluateKubernetesCheck({ watch: 'nodes-ready', zone: 'a' }, source).detail).toBe(
      '0/3 nodes Ready in zone a',
    );
    expect(evaluateKubernetesCheck({ watch: 'nodes-ready', atLeast: 6 }, source).ok).toBe(true);
  });
});

describe('per-pod timings', () => {
  /** A tracker on a hand-driven clock, fed by `emit` as a pod informer would feed it. */
  function driven() {
    const clock = { now: 1000 };
    const tracker = new PodTimingTracker(() => clock.now);
    const listeners: Array<(c: InformerChange<PodInfo>) => void> = [];
    tracker.attach({ on: (l: (c: InformerChange<PodInfo>) => void) => (listeners.push(l), () => undefined) } as never);
    const emit = (c: InformerChange<PodInfo>): void => listeners.forEach((l) => l(c));
    const fresh = (name: string, extra: Partial<PodInfo>) =>
      pod(name, '', { scheduled: false, ready: false, ...extra });
    return { clock, tracker, emit, fresh };
  }

  it('matches replacements to disrupted pods first in, first out, and summarizes them', () => {
    const { clock, tracker, emit, fresh } = driven();
    tracker.expect(pod('p1', 'a-1')).confirm();
    clock.now = 1010;
    tracker.expect(pod('p2', 'b-1')).confirm();
    tracker.expect(pod('p3', 'c-1')).cancel();
    emit({ type: 'add', obj: fresh('r1', {}), at: 1020 });
    emit({ type: 'update', obj: fresh('r1', { scheduled: true, nodeName: 'b-1' }), at: 1100 });
    emit({ type: 'add', obj: fresh('r2', { scheduled: true, nodeName: 'c-1' }), at: 1200 });
    emit({ type: 'update', obj: fresh('r1', { scheduled: true, ready: true, nodeName: 'b-1' }), at: 4000 });
    const t = tracker.timings();
    expect(t.map((x) => [x.pod, x.replacement, x.rescheduleMs, x.readyMs, x.node])).toEqual([
      ['p1', 'r1', 100, 3000, 'b-1'],
      ['p2', 'r2', 190, undefined, 'c-1'],
    ]);
    expect(distribution([5, 1, 3, 2, 4])).toEqual({ count: 5, min: 1, p50: 3, p95: 5, max: 5 });
    expect(distribution([])).toBeNull();
  });

  it('a replacement matched to an eviction then refused (429) goes to the pod really evicted', () => {
    const { clock, tracker, emit, fresh } = driven();
    // Two drains at once: p2's eviction request goes out first and waits; p1's is accepted.
    const p2 = tracker.expect(pod('p2', 'b-1'));
    clock.now = 1005;
    tracker.expect(pod('p1', 'a-1')).confirm();
    // p1's replacement appears (and is scheduled) while p2's request still waits: it is matched to p2, the oldest.
    emit({ type: 'add', obj: fresh('r1', {}), at: 1020 });
    emit({ type: 'update', obj: fresh('r1', { scheduled: true, nodeName: 'c-1' }), at: 1100 });
    // The budget refuses p2 (429): r1 is p1's.
    p2.cancel();
    emit({ type: 'update', obj: fresh('r1', { scheduled: true, ready: true, nodeName: 'c-1' }), at: 3005 });
    // p2 is evicted on the retry; its own replacement follows.
    clock.now = 5000;
    tracker.expect(pod('p2', 'b-1')).confirm();
    emit({ type: 'add', obj: fresh('r2', { scheduled: true, nodeName: 'c-1' }), at: 5050 });
    emit({ type: 'update', obj: fresh('r2', { scheduled: true, ready: true, nodeName: 'c-1' }), at: 7000 });
    expect(tracker.timings().map((x) => [x.pod, x.replacement, x.rescheduleMs, x.readyMs])).toEqual([
      ['p1', 'r1', 95, 2000],
      ['p2', 'r2', 50, 2000],
    ]);
  });
});
