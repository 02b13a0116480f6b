import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadScenarioFile, loadScenarioText } from '../../scenario/load.js';
import type { Scenario } from '../../scenario/types.js';
import { describePermission, kubernetesNeeds, runbookKubernetesNeeds } from './needs.js';
import { rbacYaml } from './rbac.js';

const fromRoot = (file: string): string => resolve(fileURLToPath(import.meta.url), '../../../..', file);

/** ConnectKit's region failover: no kubernetes target, its scale-up step in the DR context. */
async function regionFailover(): Promise<Scenario> {
  const env = {
    AWS_ACCOUNT_ID: '123456789012',
    ROUTE53_ZONE_ID: 'Z0123456789',
    DATABASE_URL: 'postgres://gameday@db.example.com/connectkit',
    DR_DATABASE_URL: 'postgres://gameday@dr-db.example.com/connectkit',
    DR_KUBE_CONTEXT: 'dr-cluster',
  };
  const { scenario, diagnostics } = await loadScenarioFile(fromRoot('scenarios/connectkit/region-failover.yaml'), {
    env,
  });
  if (!scenario) throw new Error(JSON.stringify(diagnostics));
  return scenario;
}

/** A sandbox failover whose runbook scales Deployments through the target's context and a DR context. */
function mixed(): Scenario {
  const scale = (name: string, args: string): string[] => [
    `      - name: ${name}`,
    '        action: kubernetes-scale',
    `        args: { ${args} }`,
  ];
  const text = [
    'apiVersion: gameday/v1',
    'kind: Scenario',
    'metadata: { name: mixed-failover }',
    'targets:',
    '  sandbox: { replicas: 1, zones: [a], regions: [{ name: west }, { name: east, replicas: 0 }] }',
    '  kubernetes: { context: prod, namespace: production }',
    'steps:',
    '  - fault: region-failover',
    '    target: sandbox',
    '    runbook:',
    ...scale('scale-prod-down', 'context: prod, namespace: production, deployment: connectkit-app, replicas: 2'),
    ...scale(
      'scale-dr-up',
      'kubeconfig: /etc/gameday/dr.kubeconfig, context: dr, namespace: standby, deployment: connectkit-app, replicas: 5',
    ),
    ...scale(
      'scale-dr-more',
      'kubeconfig: /etc/gameday/dr.kubeconfig, context: dr, namespace: standby, deployment: connectkit-app, replicas: 8',
    ),
  ].join('\n');
  const { scenario, diagnostics } = loadScenarioText(text, 'mixed.yaml');
  if (!scenario) throw new Error(JSON.stringify(diagnostics));
  return scenario;
}

interface Doc {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: unknown[];
}

const docs = (yaml: string): Doc[] => parseAllDocuments(yaml).map((d) => d.toJS() as Doc);

describe('runbook kubernetes-scale permissions', () => {
  it('region-failover: get and patch on the Deployment in the DR context, nothing on a kubernetes target', async () => {
    const s = await regionFailover();
    expect(kubernetesNeeds(s).permissions).toEqual([]);
    const [dr, ...rest] = runbookKubernetesNeeds(s);
    expect(rest).toEqual([]);
    expect(dr?.context).toBe('dr-cluster');
    expect(dr?.kubeconfig).toBeUndefined();
    expect(dr?.steps).toEqual(['k8s-scale-up']);
    // Only the Deployment the step names (RBAC resourceNames).
    expect(dr?.permissions.map(describePermission)).toEqual([
      'needs get on deployments.apps (connectkit-app) in production',
      'needs patch on deployments/scale.apps (connectkit-app) in production',
    ]);
    expect(dr?.reasons).toEqual([
      'runbook step k8s-scale-up (kubernetes-scale) reads and scales deployment production/connectkit-app; its rollback scales it back',
    ]);
  });

  it('gameday rbac prints the Role for the DR context, labelled with it', async () => {
    const yaml = rbacYaml(await regionFailover(), { kind: 'User', name: 'gameday' });
    expect(yaml).toContain('# Kubernetes context dr-cluster: runbook step(s) k8s-scale-up.\n');
    expect(yaml).toContain('kubectl --context dr-cluster apply -f -');
    expect(docs(yaml)).toEqual([
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: {
          name: 'gameday-connectkit-region-failover',
          namespace: 'production',
          labels: { 'app.kubernetes.io/managed-by': 'gameday' },
        },
        rules: [
          { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['connectkit-app'], verbs: ['get'] },
          {
            apiGroups: ['apps'],
            resources: ['deployments/scale'],
            resourceNames: ['connectkit-app'],
            verbs: ['patch'],
          },
        ],
      },
      expect.objectContaining({ kind: 'RoleBinding', metadata: expect.objectContaining({ namespace: 'production' }) }),
    ]);
  });

  it("a step on the target's context joins the target's Role and preflight; another context is its own section", () => {
    const s = mixed();
    const target = kubernetesNeeds(s);
    expect(target.permissions.map(describePermission)).toEqual([
      'needs get on configmaps in production',
      'needs create on configmaps in production',
      'needs update on configmaps in production',
      'needs delete on configmaps in production',
      'needs get on deployments.apps (connectkit-app) in production',
      'needs patch on deployments/scale.apps (connectkit-app) in production',
      'needs get on leases.coordination.k8s.io in production',
      'needs list on leases.coordination.k8s.io in production',
      'needs create on leases.coordination.k8s.io in production',
      'needs update on leases.coordination.k8s.io in production',
      'needs delete on leases.coordination.k8s.io in production',
    ]);
    expect(target.reasons).toEqual([
      'runbook step scale-prod-down (kubernetes-scale) reads and scales deployment production/connectkit-app; its rollback scales it back',
      'the shared target lock (a Lease) and the journal mirrored next to it (a ConfigMap)',
    ]);
    // The informers are the faults' and probes': a runbook step adds none.
    expect(target.workloads).toEqual([]);

    const others = runbookKubernetesNeeds(s);
    expect(others).toHaveLength(1);
    expect(others[0]).toMatchObject({
      context: 'dr',
      kubeconfig: '/etc/gameday/dr.kubeconfig',
      steps: ['scale-dr-up', 'scale-dr-more'],
    });
    // Two steps on one Deployment: each permission once, both reasons.
    expect(others[0]?.permissions.map(describePermission)).toEqual([
      'needs get on deployments.apps (connectkit-app) in standby',
      'needs patch on deployments/scale.apps (connectkit-app) in standby',
    ]);
    expect(others[0]?.reasons).toHaveLength(2);

    const yaml = rbacYaml(s);
    const sections = yaml.split(/^---\n(?=# Kubernetes context)/m);
    expect(sections).toHaveLength(2);
    expect(sections[0]).toContain('# Kubernetes target (context prod).');
    expect(docs(sections[0] ?? '').map((d) => `${d.kind} ${d.metadata.namespace}`)).toEqual(['Role production']);
    expect(sections[1]).toMatch(
      /^# Kubernetes context dr of kubeconfig \/etc\/gameday\/dr\.kubeconfig: runbook step\(s\) scale-dr-up, scale-dr-more, not the kubernetes target\.$/m,
    );
    expect(docs(sections[1] ?? '').map((d) => `${d.kind} ${d.metadata.namespace}`)).toEqual(['Role standby']);
  });

  it('a scenario without runbook Kubernetes steps prints what it always did', async () => {
    const { scenario } = await loadScenarioFile(fromRoot('scenarios/connectkit/pod-kill.yaml'));
    if (!scenario) throw new Error('pod-kill.yaml does not load');
    expect(runbookKubernetesNeeds(scenario)).toEqual([]);
    const yaml = rbacYaml(scenario);
    expect(yaml).not.toMatch(/# Kubernetes (target|context)/);
    expect(docs(yaml).map((d) => d.kind)).toEqual(['Role']);
  });
});
