import { describe, expect, it } from 'vitest';
import type { InformerChange } from '../../drivers/kubernetes/informer.js';
import type { NodeInfo, PodInfo } from '../../drivers/kubernetes/objects.js';
import { PodTimingTracker } from '../../drivers/kubernetes/tracker.js';
import { planRun } from '../../runner/plan.js';
import { loadScenarioText } from '../../scenario/load.js';
import type { Scenario } from '../../scenario/types.js';
import { instanceIdsOf } from '../aws/spot-kubernetes.js';
import { instanceIdOf, nodesOfInstances } from './interrupted-nodes.js';
import { describePermission, kubernetesNeeds } from './needs.js';

const node = (name: string, providerID?: string): NodeInfo => ({
  name,
  labels: {},
  ready: true,
  unschedulable: false,
  taints: [],
  annotations: {},
  ...(providerID === undefined ? {} : { providerID }),
});

const pod = (name: string, uid = `uid-${name}`): PodInfo => ({
  uid,
  name,
  namespace: 'production',
  labels: { app: 'connectkit' },
  nodeName: 'spot-a',
  phase: 'Running',
  scheduled: true,
  ready: true,
  createdAt: 0,
  terminating: false,
  owner: { kind: 'ReplicaSet', name: 'connectkit-app-abc' },
  workload: 'Deployment/connectkit-app',
  restarts: 0,
  mirror: false,
});

/** The FIS spot interruption on aws with a kubernetes target; `side` is the step's `kubernetes:` block. */
function scenario(side = ''): Scenario {
  const text = [
    'apiVersion: gameday/v1',
    'kind: Scenario',
    'metadata: { name: spot-fis }',
    'targets:',
    "  aws: { region: us-west-2, accounts: ['123456789012'], fisRoleArn: 'arn:aws:iam::123456789012:role/fis' }",
    '  kubernetes: { context: prod, namespace: production }',
    'steps:',
    '  - fault: spot-interruption',
    '    target: aws',
    "    tags: { 'eks.amazonaws.com/capacityType': SPOT }",
    '    select: { count: 2 }',
    "    fis: { stopConditions: ['arn:aws:cloudwatch:us-west-2:123456789012:alarm:errors'] }",
    ...(side ? [`    kubernetes: ${side}`] : []),
  ].join('\n');
  const { scenario: s, diagnostics } = loadScenarioText(text, 'spot-fis.yaml');
  if (!s) throw new Error(JSON.stringify(diagnostics));
  return s;
}

describe('instances to nodes', () => {
  it('reads the EC2 instance id from an EKS providerID and nothing else', () => {
    expect(instanceIdOf('aws:///us-west-2a/i-0123456789abcdef0')).toBe('i-0123456789abcdef0');
    expect(instanceIdOf('aws:///us-west-2b/i-12345678')).toBe('i-12345678');
    expect(instanceIdOf('kwok://us-east-1a/kwok-a-spot-0')).toBeUndefined();
    expect(instanceIdOf('aws:///us-west-2a/0f1e2d3c/fargate-ip-10-0-1-2.us-west-2.compute.internal')).toBeUndefined();
    expect(instanceIdOf('aws:///us-west-2a/i-XYZ')).toBeUndefined();
    expect(instanceIdOf(undefined)).toBeUndefined();
  });

  it('maps interrupted instances to their nodes and names the ones without a node', () => {
    const nodes = [
      node('spot-a', 'aws:///us-west-2a/i-0aaaaaaaaaaaaaaa1'),
      node('spot-b', 'aws:///us-west-2b/i-0bbbbbbbbbbbbbbb2'),
      node('on-demand', 'aws:///us-west-2c/i-0ccccccccccccccc3'),
      node('kwok', 'kwok://us-east-1a/kwok'),
      node('no-provider'),
    ];
    expect(
      nodesOfInstances(
        ['i-0bbbbbbbbbbbbbbb2', 'i-0ddddddddddddddd4', 'i-0aaaaaaaaaaaaaaa1', 'i-0bbbbbbbbbbbbbbb2'],
        nodes,
      ),
    ).toEqual({
      hit: [
        { instanceId: 'i-0bbbbbbbbbbbbbbb2', node: 'spot-b' },
        { instanceId: 'i-0aaaaaaaaaaaaaaa1', node: 'spot-a' },
      ],
      missing: ['i-0ddddddddddddddd4'],
    });
    expect(nodesOfInstances([], nodes)).toEqual({ hit: [], missing: [] });
  });

  it('reads instance ids from FIS resolved targets', () => {
    expect(
      instanceIdsOf([
        {
          targetName: 'SpotInstances',
          resourceType: 'aws:ec2:spot-instance',
          info: { arn: 'arn:aws:ec2:us-west-2:123456789012:instance/i-0aaaaaaaaaaaaaaa1' },
        },
        { targetName: 'SpotInstances', resourceType: 'aws:ec2:spot-instance', info: { id: 'i-0bbbbbbbbbbbbbbb2' } },
        { targetName: 'Db', resourceType: 'aws:rds:db', info: { arn: 'arn:aws:rds:us-west-2:123456789012:db:ck' } },
        {
          targetName: 'Again',
          resourceType: 'aws:ec2:spot-instance',
          info: { arn: 'arn:aws:ec2:us-west-2:123456789012:instance/i-0aaaaaaaaaaaaaaa1' },
        },
      ]),
    ).toEqual(['i-0aaaaaaaaaaaaaaa1', 'i-0bbbbbbbbbbbbbbb2']);
  });
});

describe('pods disrupted by someone else', () => {
  it('are timed from when the watch saw them, once, and not twice when gameday evicted them', () => {
    const now = 1000;
    const tracker = new PodTimingTracker(() => now);
    const listeners: Array<(c: InformerChange<PodInfo>) => void> = [];
    tracker.attach({ on: (l: (c: InformerChange<PodInfo>) => void) => (listeners.push(l), () => undefined) } as never);
    const emit = (c: InformerChange<PodInfo>): void => listeners.forEach((l) => l(c));
    // gameday's own eviction, then the watch sees it terminating: one entry, timed from the call.
    tracker.expect(pod('evicted')).confirm();
    expect(tracker.observed(pod('evicted'), 1050)).toBe(false);
    // A termination handler's eviction, seen at 1100; seen again at 1200 (deleted): still one entry.
    expect(tracker.observed(pod('drained'), 1100)).toBe(true);
    expect(tracker.observed(pod('drained'), 1200)).toBe(false);
    // An eviction a budget refused, later deleted with its node: recorded then.
    tracker.expect(pod('refused')).cancel();
    expect(tracker.observed(pod('refused'), 1300)).toBe(true);
    const fresh = (name: string, extra: Partial<PodInfo>): PodInfo => ({
      ...pod(name),
      scheduled: false,
      ready: false,
      ...extra,
    });
    emit({ type: 'add', obj: fresh('r1', { scheduled: true, nodeName: 'b' }), at: 1400 });
    emit({ type: 'add', obj: fresh('r2', { scheduled: true, nodeName: 'c' }), at: 1500 });
    emit({ type: 'update', obj: fresh('r2', { scheduled: true, ready: true, nodeName: 'c' }), at: 4100 });
    expect(tracker.timings().map((t) => [t.pod, t.deletedAt, t.replacement, t.rescheduleMs, t.readyMs])).toEqual([
      ['evicted', 1000, 'r1', 400, undefined],
      ['drained', 1100, 'r2', 400, 3000],
      ['refused', 1300, undefined, undefined, undefined],
    ]);
  });
});

describe('spot-interruption on aws with a kubernetes target', () => {
  it('tracks by default and needs only to watch nodes and pods', () => {
    const s = scenario();
    const step = s.steps[0];
    expect(step?.kind === 'fault' && step.fault.type === 'spot-interruption' && step.fault.aws?.kubernetes).toEqual({
      drain: false,
      evictionTimeoutMs: 60_000,
    });
    const needs = kubernetesNeeds(s);
    expect(needs.permissions.map(describePermission)).toEqual([
      'needs list on nodes cluster-wide',
      'needs watch on nodes cluster-wide',
      'needs get on configmaps in production',
      'needs create on configmaps in production',
      'needs update on configmaps in production',
      'needs delete on configmaps in production',
      'needs list on pods in production',
      'needs watch on pods in production',
      'needs get on leases.coordination.k8s.io in production',
      'needs list on leases.coordination.k8s.io in production',
      'needs create on leases.coordination.k8s.io in production',
      'needs update on leases.coordination.k8s.io in production',
      'needs delete on leases.coordination.k8s.io in production',
    ]);
    expect(needs).toMatchObject({ nodes: true, podNamespaces: ['production'], drainNamespaces: ['production'] });
  });

  it('with drain: true also patches nodes and evicts pods', () => {
    const needs = kubernetesNeeds(scenario('{ drain: true, evictionTimeout: 30s }'));
    expect(needs.permissions.map(describePermission)).toEqual([
      'needs get on nodes cluster-wide',
      'needs list on nodes cluster-wide',
      'needs watch on nodes cluster-wide',
      'needs patch on nodes cluster-wide',
      'needs get on configmaps in production',
      'needs create on configmaps in production',
      'needs update on configmaps in production',
      'needs delete on configmaps in production',
      'needs list on pods in production',
      'needs watch on pods in production',
      'needs create on pods/eviction in production',
      'needs get on leases.coordination.k8s.io in production',
      'needs list on leases.coordination.k8s.io in production',
      'needs create on leases.coordination.k8s.io in production',
      'needs update on leases.coordination.k8s.io in production',
      'needs delete on leases.coordination.k8s.io in production',
    ]);
  });

  it('says in the plan that the nodes are tracked, and drained when asked', () => {
    const aws = { region: 'us-west-2', databases: [], fisRoleArn: 'arn:aws:iam::123456789012:role/fis' };
    const describe = (s: Scenario): string => {
      const step = planRun(s, { aws }, 1).steps[0];
      return step?.kind === 'fault' ? step.planned.description : '';
    };
    expect(describe(scenario())).toMatch(
      /; Kubernetes: the instances' nodes \(by spec\.providerID\) are tracked .*; draining them is left to the cluster's termination handler$/,
    );
    expect(describe(scenario('{ drain: true }'))).toMatch(/; gameday drains them itself on the notice/);
  });
});
