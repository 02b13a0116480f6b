// `gameday rbac` for the shipped scenarios, and the Kubernetes fixture's restricted user: it holds exactly
// what `gameday rbac` prints for them (infra-fixtures/kubernetes/rbac/gameday.yaml, written by
// scripts/fixture-rbac.js), so the fixture can never grant more than the scenarios need.

import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadScenarioWithPlaceholders } from '../../scenario/placeholders.js';
import type { Scenario } from '../../scenario/types.js';
import { fixtureRbacFile, fixtureRbacText } from './fixture-rbac.js';
import { rbacYaml } from './rbac.js';

interface Rule {
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
  verbs: string[];
}

async function scenario(file: string): Promise<Scenario> {
  const { scenario: s } = await loadScenarioWithPlaceholders(`scenarios/connectkit/${file}`, {});
  return s as Scenario;
}

const rulesOf = (yaml: string, kind: string): Rule[] =>
  parseAllDocuments(yaml)
    .map((d) => d.toJS() as { kind: string; rules?: Rule[] })
    .filter((d) => d.kind === kind)
    .flatMap((d) => d.rules ?? []);

describe('gameday rbac', () => {
  it('grants a Deployment the scenario names by name only (resourceNames), with why it may write', async () => {
    const yaml = rbacYaml(await scenario('region-failover.yaml'));
    expect(rulesOf(yaml, 'Role')).toEqual([
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['connectkit-app'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['deployments/scale'], resourceNames: ['connectkit-app'], verbs: ['patch'] },
    ]);
    expect(yaml).toContain(
      '  # patch deployments/scale: runbook step k8s-scale-up (kubernetes-scale) reads and scales deployment production/connectkit-app; its rollback scales it back\n  - apiGroups:',
    );
  });

  it('grants cluster-wide node create only where the undo needs it, and says so above the rule', async () => {
    const spot = rbacYaml(await scenario('spot-interruption.yaml'));
    expect(rulesOf(spot, 'ClusterRole')[0]?.verbs).toContain('create');
    expect(spot).toContain(
      "# create nodes: rollback re-creates the Node the interruption deleted (the fault's undo needs it)",
    );
    for (const file of ['pod-kill.yaml', 'az-loss.yaml', 'spot-interruption-fis.yaml']) {
      const rules = rulesOf(rbacYaml(await scenario(file)), 'ClusterRole');
      expect(
        rules.flatMap((r) => r.verbs),
        file,
      ).not.toContain('create');
    }
  });
});

describe('the Kubernetes fixture', () => {
  it('its restricted user holds exactly what gameday rbac prints for the shipped scenarios', async () => {
    const committed = readFileSync(fixtureRbacFile, 'utf8');
    // When this fails: npm run build && node scripts/fixture-rbac.js, and review the diff.
    expect(committed).toBe(await fixtureRbacText('.'));
    // What it no longer grants: no shipped scenario patches a Deployment (its image, its spec) or a
    // ReplicaSet; the region failover scales the one it names, through the scale subresource only.
    const role = rulesOf(committed, 'Role');
    expect(role.some((r) => r.resources.includes('replicasets'))).toBe(false);
    // Besides: the shared target lock's Lease and the journal's ConfigMap, which only gameday writes.
    expect(role.filter((r) => r.verbs.includes('patch') || r.verbs.includes('update'))).toEqual([
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'create', 'update', 'delete'] },
      { apiGroups: ['apps'], resources: ['deployments/scale'], resourceNames: ['connectkit-app'], verbs: ['patch'] },
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        verbs: ['get', 'list', 'create', 'update', 'delete'],
      },
    ]);
  });
});
