import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, loadScenarioText } from './load.js';

const root = resolve(fileURLToPath(import.meta.url), '../../..');

describe('kubernetes scenarios', () => {
  it('resolves the kubernetes target, probes and fault settings with their defaults', async () => {
    const { scenario, diagnostics } = await loadScenarioFile(
      join(root, 'test/fixtures/scenarios/valid/kubernetes.yaml'),
    );
    expect(diagnostics).toEqual([]);
    expect(scenario?.targets.kubernetes).toEqual({
      kubeconfig: '/etc/gameday/kubeconfig',
      context: 'prod-usw2',
      namespace: 'production',
      inCluster: false,
    });
    expect(scenario?.probes['fleet']?.check).toEqual({
      kind: 'kubernetes',
      watch: 'workload',
      namespace: 'production',
      workload: { kind: 'Deployment', name: 'connectkit-app' },
      readyAtLeast: 5,
    });
    expect(scenario?.probes['db']?.check).toMatchObject({ namespace: 'payments', workload: { kind: 'StatefulSet' } });
    expect(scenario?.probes['nodes']?.check).toEqual({
      kind: 'kubernetes',
      watch: 'nodes-ready',
      zone: 'b',
      atLeast: 2,
    });
    const faults = scenario?.steps.flatMap((s) => (s.kind === 'fault' ? [{ target: s.target, fault: s.fault }] : []));
    expect(faults?.map((f) => f.target)).toEqual([
      'kubernetes',
      'kubernetes',
      'kubernetes',
      'kubernetes',
      'kubernetes',
    ]);
    expect(faults?.[0]?.fault).toMatchObject({
      type: 'pod-kill',
      select: { labels: { app: 'connectkit' }, percent: 40, order: 'oldest', namespace: 'production' },
      kubernetes: { mode: 'delete', graceSeconds: 5, evictionTimeoutMs: 60_000 },
      repeat: { everyMs: 10_000, times: 2 },
    });
    expect(faults?.[1]?.fault).toMatchObject({
      select: { namespace: 'payments', count: 1 },
      kubernetes: { mode: 'evict', evictionTimeoutMs: 30_000 },
    });
    expect(faults?.[2]?.fault).toMatchObject({ select: { nodes: ['ip-10-0-1-12'] }, noticeMs: 30_000 });
    // A spot interruption without a selection picks spot nodes, as EKS labels them.
    expect(faults?.[3]?.fault).toMatchObject({
      select: { labels: { 'eks.amazonaws.com/capacityType': 'SPOT' }, count: 1 },
      noticeMs: 120_000,
    });
    expect(faults?.[4]?.fault).toMatchObject({
      type: 'zone-outage',
      durationMs: 60_000,
      kubernetes: { podAction: 'delete', notReadyLabel: null },
    });
  });

  it('validates the ConnectKit catalog', async () => {
    for (const name of ['pod-kill', 'spot-interruption', 'az-loss']) {
      const { scenario, diagnostics } = await loadScenarioFile(join(root, `scenarios/connectkit/${name}.yaml`));
      expect(diagnostics, name).toEqual([]);
      expect(scenario?.targets.kubernetes).toEqual({ context: 'gameday', namespace: 'production', inCluster: false });
    }
  });

  it('defaults zone-outage to the kwok stage label and evictions', () => {
    const { scenario } = loadScenarioText(
      'apiVersion: gameday/v1\nkind: Scenario\nmetadata: { name: z }\ntargets: { kubernetes: { namespace: p } }\nsteps: [{ fault: zone-outage, zone: a }]\n',
      'z.yaml',
    );
    const step = scenario?.steps[0];
    expect(step?.kind === 'fault' && step.fault).toMatchObject({
      kubernetes: { podAction: 'evict', notReadyLabel: { key: 'node-not-ready.stage.kwok.x-k8s.io', value: 'true' } },
    });
  });

  it('zone-outage modes: the default, notReadyLabel false, each explicit mode, and keys a mode would ignore', () => {
    const zone = (extra: string) =>
      loadScenarioText(
        `apiVersion: gameday/v1\nkind: Scenario\nmetadata: { name: z }\ntargets: { kubernetes: { namespace: p } }\nsteps: [{ fault: zone-outage, zone: a${extra} }]\n`,
        'z.yaml',
      );
    const options = (extra: string) => {
      const step = zone(extra).scenario?.steps[0];
      return step?.kind === 'fault' ? (step.fault as { kubernetes?: unknown }).kubernetes : undefined;
    };
    expect(options('')).toMatchObject({ zoneMode: 'not-ready', notReadyLabel: { value: 'true' } });
    expect(options(', notReadyLabel: false')).toMatchObject({ zoneMode: 'cordon+drain', notReadyLabel: null });
    for (const mode of ['cordon', 'cordon+drain', 'taint-no-execute'])
      expect(options(`, mode: ${mode}`)).toMatchObject({ zoneMode: mode, notReadyLabel: null });
    expect(options(', mode: not-ready, notReadyLabel: "x/down=yes"')).toMatchObject({
      zoneMode: 'not-ready',
      notReadyLabel: { key: 'x/down', value: 'yes' },
    });
    const messages = (extra: string) => zone(extra).diagnostics.map((d) => d.message);
    expect(messages(', mode: cordon, podAction: delete')).toEqual([
      '"podAction" does not apply to mode cordon: cordon leaves the pods running',
    ]);
    expect(messages(', mode: taint-no-execute, notReadyLabel: "a=b"')).toEqual([
      '"notReadyLabel" applies to mode not-ready, not taint-no-execute',
    ]);
    expect(messages(', mode: power-off')[0]).toBe(
      'expected one of "cordon", "cordon+drain", "taint-no-execute", "not-ready", got the string "power-off"',
    );
  });
});
