// The Kubernetes tier: the three ConnectKit scenarios, run through the real CLI as the restricted
// `gameday` user against a real control plane (infra-fixtures/kubernetes), with measured RTO and
// per-pod times; each undo leaves the cluster as it was. Also: an eviction the PodDisruptionBudget
// refuses, a missing permission caught in preflight, `gameday rbac`, and rollback of a killed run.

import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import type { Report } from '../../src/report/types.js';
import { eventually, runCli, startCli } from '../helpers/cli.js';
import {
  NAMESPACE,
  clusterState,
  type KubeObject,
  gamedayRbac,
  nodes,
  connectkitPodsOn,
  podOnNodes,
  podsOnSpot,
  settled,
  startFixture,
  DEPLOYMENT,
  type Fixture,
} from './cluster.js';

let fixture: Fixture;
let reportDir: string;
let nodeCount: number;
const measured: Record<string, unknown> = {};

beforeAll(async () => {
  reportDir = mkdtempSync(join(tmpdir(), 'gameday-k8s-reports-'));
  fixture = await startFixture();
  nodeCount = (await nodes(fixture.admin)).length;
}, 15 * 60_000);

afterAll(async () => {
  console.log(`k8s measurements: ${JSON.stringify(measured, null, 1)}`);
  await fixture?.stop();
  rmSync(reportDir, { recursive: true, force: true });
}, 60_000);

/** The CLI as the restricted user: the fixture's kubeconfig, whose `gameday` context the scenarios name. */
const env = (): Record<string, string> => ({ KUBECONFIG: fixture.kubeconfig });

function onlyRunDir(scenario: string): string {
  const runs = readdirSync(join(reportDir, scenario));
  expect(runs).toHaveLength(1);
  return join(reportDir, scenario, runs[0] as string);
}

function readReport(scenario: string): Report {
  return JSON.parse(readFileSync(join(onlyRunDir(scenario), 'report.json'), 'utf8')) as Report;
}

function journal(
  runDir: string,
): Array<{ type: string; undo?: { driver: string; op: string; args: Record<string, unknown> } }> {
  return readFileSync(join(runDir, 'journal.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

/** Run a ConnectKit scenario; it passes, measures RTO and per-pod times, and rolls back completely. */
async function runConnectKit(file: string, name: string): Promise<Report> {
  await settled(fixture.admin, nodeCount);
  const res = await runCli(['run', file, '--report-dir', reportDir], env());
  expect(res.stderr).not.toMatch(/internal error/);
  expect(res.code, res.stderr + res.stdout).toBe(0);
  const report = readReport(name);
  expect(report.verdict).toBe('pass');
  expect(report.rollback.complete).toBe(true);
  const pods = report.measurements.pods;
  expect(report.measurements.rto?.status).toBe('recovered');
  // kwok's stages make a replacement Ready 2.5–6.5 s after it is scheduled: recovery takes measurable time.
  expect(report.measurements.rto?.ms).toBeGreaterThan(1000);
  expect(pods?.disrupted).toBeGreaterThan(0);
  // Every disrupted pod's replacement was seen Ready.
  expect(
    pods?.readiness?.count,
    JSON.stringify({ pods, timeline: report.timeline.filter((e) => /pod|node|drain/.test(e.kind + e.message)) }),
  ).toBe(pods?.disrupted);
  // A replacement is Ready only after it was scheduled.
  expect(pods?.readiness?.min).toBeGreaterThanOrEqual(pods?.rescheduling?.min as number);
  const j = journal(onlyRunDir(name));
  const intents = j.filter((e) => e.type === 'intent');
  expect(intents.length).toBeGreaterThan(0);
  expect(j.filter((e) => e.type === 'undone')).toHaveLength(intents.length);
  // Plain data only in the journal: the kubeconfig path and context, never a credential.
  const text = readFileSync(join(onlyRunDir(name), 'journal.ndjson'), 'utf8');
  expect(text).not.toMatch(/BEGIN|client-key|token/i);
  expect(intents[0]?.undo?.args).toMatchObject({ context: 'gameday' });
  // The undo left the cluster as it was.
  expect(await clusterState(fixture.admin, nodeCount)).toBe('as it was');
  measured[name] = {
    rtoMs: report.measurements.rto?.ms,
    rescheduling: pods?.rescheduling,
    readiness: pods?.readiness,
  };
  return report;
}

describe('ConnectKit scenarios on Kubernetes, as the gameday user', () => {
  it('pod-kill: evicts 2 of 5, keeps >= 3 ready, 5/5 again within the bound', async () => {
    const report = await runConnectKit('scenarios/connectkit/pod-kill.yaml', 'connectkit-pod-kill');
    expect(report.measurements.pods?.disrupted).toBe(2);
    expect(report.objectives.find((o) => o.name === 'availability(minimum, run)')?.pass).toBe(true);
    expect(readFileSync(join(onlyRunDir('connectkit-pod-kill'), 'summary.md'), 'utf8')).toMatch(
      /### Pods \(2 disrupted\)/,
    );
  });

  it('spot-interruption: notice, drain, node removed; undo re-creates the nodes', async () => {
    // Three pods on the spot nodes, more than the budget lets go at once: one eviction is refused (429)
    // and retried while the others' replacements start — every one of the three is measured to Ready.
    await podsOnSpot(fixture.admin, 3, nodeCount);
    const report = await runConnectKit('scenarios/connectkit/spot-interruption.yaml', 'connectkit-spot-interruption');
    expect(report.measurements.pods?.disrupted).toBe(3);
    expect(report.measurements.pods?.readiness?.count).toBe(3);
    expect(report.timeline.some((e) => /refused by a PodDisruptionBudget \(429\) and retried/.test(e.message))).toBe(
      true,
    );
    expect(report.timeline.some((e) => /interruption notice on/.test(e.message))).toBe(true);
    expect(report.timeline.some((e) => /re-created/.test(e.message))).toBe(true);
  });

  it('az-loss: zone a cordoned and NotReady, pods re-spread; rollback restores the zone', async () => {
    const report = await runConnectKit('scenarios/connectkit/az-loss.yaml', 'connectkit-az-loss');
    expect(report.timeline.some((e) => /zone a restored/.test(e.message))).toBe(true);
  });
});

describe('zone-outage modes, with the same measurements', () => {
  /** A zone-outage in `mode` that holds until the test opens its gate (a command probe on a file). */
  function zoneScenario(mode: string, gate: string): string {
    const file = join(reportDir, `zone-${mode.replace('+', '-')}.yaml`);
    writeFileSync(
      file,
      `apiVersion: gameday/v1
kind: Scenario
metadata: { name: it-k8s-zone-${mode.replace('+', '-')} }
targets: { kubernetes: { context: gameday, namespace: production } }
guards: { allowedNamespaces: [production], allowedZones: [a], maxUnavailable: 60%, timeout: 5m }
steadyState: [fleet]
probes:
  fleet: { kubernetes: { deployment: connectkit-app, readyAtLeast: 5 }, interval: 100ms }
  gate: { command: { run: [test, -e, '${gate}'] }, interval: 200ms }
steps:
  - fault: zone-outage
    zone: a
    mode: ${mode}
  - wait: { for: gate, timeout: 4m }
objectives:
  rto: { probe: fleet, max: 2m, stableFor: 2s }
`,
    );
    return file;
  }

  /**
   * Run zone-outage in `mode` with a ConnectKit pod in zone a; while the fault holds, `during` must hold of
   * the cluster as admin sees it; then the run ends normally and rolls back.
   */
  async function runMode(
    mode: string,
    during: (zoneNodes: Array<Awaited<ReturnType<typeof nodes>>[number]>, podsThere: string[]) => boolean,
  ): Promise<{ report: Report; before: string[] }> {
    await settled(fixture.admin, nodeCount);
    await podOnNodes(fixture.admin, nodeCount, (n) => n.labels['topology.kubernetes.io/zone'] === 'a', 'zone a');
    const zoneA = new Set(
      (await nodes(fixture.admin)).filter((n) => n.labels['topology.kubernetes.io/zone'] === 'a').map((n) => n.name),
    );
    const before = await connectkitPodsOn(fixture.admin, zoneA);
    expect(before.length).toBeGreaterThan(0);
    const gate = join(reportDir, `gate-${mode.replace('+', '-')}`);
    const { done } = startCli(['run', zoneScenario(mode, gate), '--report-dir', reportDir], env());
    let exited = false;
    void done.then(() => (exited = true));
    try {
      await eventually(
        async () => {
          if (exited) throw new Error(`the run ended before the zone was down in mode ${mode}`);
          const zoneNodes = (await nodes(fixture.admin)).filter((n) => zoneA.has(n.name));
          return during(zoneNodes, await connectkitPodsOn(fixture.admin, zoneA)) ? true : undefined;
        },
        120_000,
        `zone a down in mode ${mode}`,
      );
    } finally {
      writeFileSync(gate, '');
    }
    const res = await done;
    expect(res.code, res.stderr + res.stdout).toBe(0);
    const report = readReport(`it-k8s-zone-${mode.replace('+', '-')}`);
    expect(report.rollback).toMatchObject({ complete: true, failed: [] });
    expect(await clusterState(fixture.admin, nodeCount)).toBe('as it was');
    return { report, before };
  }

  it('cordon: the zone takes no new pods, its pods keep running, no impact', async () => {
    let still: string[] = [];
    const { report, before } = await runMode('cordon', (zone, pods) => {
      still = pods;
      return zone.every((n) => n.cordoned && n.ready) && pods.length > 0;
    });
    expect(still).toEqual(before);
    expect(report.measurements.rto?.status).toBe('no-impact');
    expect(report.measurements.pods?.disrupted ?? 0).toBe(0);
  });

  it('cordon+drain: cordoned, the pods evicted, the nodes Ready; RTO and per-pod times measured', async () => {
    const { report, before } = await runMode(
      'cordon+drain',
      (zone, pods) =>
        zone.every(
          (n) => n.cordoned && n.ready && !Object.keys(n.labels).some((k) => k.startsWith('node-not-ready.')),
        ) && pods.length === 0,
    );
    expect(report.measurements.rto?.status).toBe('recovered');
    expect(report.measurements.pods?.disrupted).toBe(before.length);
    expect(report.measurements.pods?.readiness?.count).toBe(before.length);
  });

  it('taint-no-execute: tainted, not cordoned, the pods removed by the taint eviction controller; the same measurements', async () => {
    const { report, before } = await runMode(
      'taint-no-execute',
      (zone, pods) =>
        zone.every((n) => n.taints.includes('gameday.io/zone-outage') && !n.cordoned && n.ready) && pods.length === 0,
    );
    expect(report.measurements.rto?.status).toBe('recovered');
    expect(report.measurements.pods?.disrupted).toBe(before.length);
    expect(report.measurements.pods?.readiness?.count).toBe(before.length);
    // gameday evicted nothing itself: every pod went through the taint, as the timeline says.
    const evicted = report.timeline.filter((e) => /evicted by the NoExecute taint/.test(e.message));
    expect(evicted).toHaveLength(before.length);
  });
});

describe('PodDisruptionBudget', () => {
  it('an eviction refused with 429 is retried, then reported and never forced', async () => {
    await settled(fixture.admin, nodeCount);
    const before = await fixture.admin.get(`/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=app%3Dconnectkit`);
    const res = await runCli(['run', 'test/k8s/fixtures/pdb-blocked.yaml', '--report-dir', reportDir], env());
    expect(res.code, res.stderr + res.stdout).toBe(0);
    const report = readReport('it-k8s-pdb-blocked');
    const findings = report.timeline.filter((e) => e.kind === 'finding').map((e) => e.message);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatch(
      /^eviction of production\/\S+ blocked by a PodDisruptionBudget for 2\.00s \(\d+ attempts, HTTP 429\); not forced: /,
    );
    expect(Number(/\((\d+) attempts/.exec(findings[0] ?? '')?.[1])).toBeGreaterThan(1);
    expect(report.measurements.pods?.disrupted).toBe(2);
    // Never forced: the pod the budget protected is still there and was never deleted.
    const blocked = /eviction of production\/(\S+) blocked/.exec(findings[0] ?? '')?.[1];
    expect(before.items.map((p) => p.metadata.name)).toContain(blocked);
    const pod = await fixture.admin.request('GET', `/api/v1/namespaces/${NAMESPACE}/pods/${blocked}`, { allow: [404] });
    expect(pod.metadata?.deletionTimestamp).toBeUndefined();
    measured['pdb-blocked'] = { finding: findings[0] };
  });

  it('an eviction retried until the budget allows it goes through and is reported', async () => {
    await settled(fixture.admin, nodeCount);
    const res = await runCli(['run', 'test/k8s/fixtures/pdb-retried.yaml', '--report-dir', reportDir], env());
    expect(res.code, res.stderr + res.stdout).toBe(0);
    const report = readReport('it-k8s-pdb-retried');
    const findings = report.timeline.filter((e) => e.kind === 'finding').map((e) => e.message);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatch(
      /^eviction of production\/\S+ was refused by a PodDisruptionBudget \(429\) and retried: it went through after \d/,
    );
    expect(report.measurements.pods?.disrupted).toBe(3);
    expect(report.objectives.find((o) => o.name === 'availability(minimum, run)')?.pass).toBe(true);
    measured['pdb-retried'] = { finding: findings[0] };
  });
});

describe('preflight and RBAC', () => {
  it('a missing permission is found before any fault: exit 2, nothing changed', async () => {
    await settled(fixture.admin, nodeCount);
    const docs = parseAllDocuments(gamedayRbac()).map((d) => d.toJS() as KubeObject);
    const role = docs.find((d) => d.kind === 'Role') as KubeObject;
    const withoutEviction = { ...role, rules: role.rules?.filter((r) => !r.resources.includes('pods/eviction')) };
    const before = await fixture.admin.get(`/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=app%3Dconnectkit`);
    await fixture.admin.apply(withoutEviction);
    let res;
    try {
      await eventually(
        async () => {
          const r = await fixture.admin.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
            body: {
              apiVersion: 'authorization.k8s.io/v1',
              kind: 'SubjectAccessReview',
              spec: {
                user: 'gameday',
                resourceAttributes: { namespace: NAMESPACE, verb: 'create', resource: 'pods', subresource: 'eviction' },
              },
            },
          });
          return r.status?.allowed === true ? undefined : true;
        },
        10_000,
        'the Role change to take effect',
      );
      res = await runCli(['run', 'scenarios/connectkit/pod-kill.yaml', '--report-dir', reportDir], env());
    } finally {
      await fixture.admin.apply(role);
    }
    expect(res.code, res.stderr + res.stdout).toBe(2);
    const out = res.stdout + res.stderr;
    expect(out).toContain(
      'the Kubernetes user of context gameday lacks permissions this scenario needs: needs create on pods/eviction in production',
    );
    expect(out).toContain('gameday rbac');
    const runs = readdirSync(join(reportDir, 'connectkit-pod-kill')).sort();
    const runDir = join(reportDir, 'connectkit-pod-kill', runs[runs.length - 1] as string);
    expect(journal(runDir).filter((e) => e.type === 'intent')).toHaveLength(0);
    const after = await fixture.admin.get(`/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=app%3Dconnectkit`);
    // Live pods only: a pod the previous test evicted may still be terminating when `before` is taken.
    const uids = (l: KubeObject): string[] =>
      l.items
        .filter((p) => !p.metadata.deletionTimestamp)
        .map((p) => String(p.metadata.uid))
        .sort();
    expect(uids(after)).toEqual(uids(before));
  });

  it('gameday rbac prints the least-privilege Role and ClusterRole', async () => {
    const res = await runCli(['rbac', 'scenarios/connectkit/pod-kill.yaml', '--user', 'gameday']);
    expect(res.code, res.stderr).toBe(0);
    const docs = parseAllDocuments(res.stdout).map((d) => d.toJS() as KubeObject);
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'Role/gameday-connectkit-pod-kill',
      'RoleBinding/gameday-connectkit-pod-kill',
    ]);
    expect(docs[0]).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: {
        name: 'gameday-connectkit-pod-kill',
        namespace: 'production',
        labels: { 'app.kubernetes.io/managed-by': 'gameday' },
      },
      rules: [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'create', 'update', 'delete'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
        { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
        { apiGroups: ['apps'], resources: ['deployments'], verbs: ['list', 'watch'] },
        {
          apiGroups: ['coordination.k8s.io'],
          resources: ['leases'],
          verbs: ['get', 'list', 'create', 'update', 'delete'],
        },
        { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['list', 'watch'] },
      ],
    });
    const spot = await runCli(['rbac', 'scenarios/connectkit/spot-interruption.yaml']);
    const cluster = parseAllDocuments(spot.stdout)
      .map((d) => d.toJS() as KubeObject)
      .find((d) => d.kind === 'ClusterRole');
    expect(cluster?.rules).toEqual([
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
    ]);
    // What the generated Role grants is enough: applied to a fresh user, it passes preflight (the runs
    // above passed preflight as `gameday`, whose fixture Role grants a superset).
  });
});

describe("the fixture's restricted user", () => {
  it('is refused every verb outside the generated Role: no Deployment image patch, no ReplicaSet, no pod create', async () => {
    const gameday = fixture.asGameday();
    try {
      const denied = async (method: string, path: string, body: unknown, contentType?: string): Promise<number> => {
        const r = (await gameday.request(method, path, {
          body,
          ...(contentType ? { contentType } : {}),
          allow: [403],
        })) as unknown as { status?: unknown };
        // A refusal comes back as { status: 403 }; anything else is the object itself.
        return typeof r.status === 'number' ? r.status : 200;
      };
      const merge = 'application/merge-patch+json';
      const deployment = `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${DEPLOYMENT}`;
      // What the fixture's old Role allowed and no shipped scenario needs: 403 Forbidden now.
      const image = { spec: { template: { spec: { containers: [{ name: 'api', image: 'evil:latest' }] } } } };
      expect(await denied('PATCH', deployment, image, merge)).toBe(403);
      expect(await denied('PATCH', deployment, { spec: { replicas: 0 } }, merge)).toBe(403);
      expect(await denied('GET', `/apis/apps/v1/namespaces/${NAMESPACE}/replicasets`, undefined)).toBe(403);
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'x' },
        spec: { containers: [{ name: 'x', image: 'x' }] },
      };
      expect(await denied('POST', `/api/v1/namespaces/${NAMESPACE}/pods`, pod)).toBe(403);
      expect(await denied('GET', '/api/v1/namespaces/default/pods', undefined)).toBe(403);
      // What it holds instead: reading the named Deployment (the region failover's scale-up reads it).
      expect(await denied('GET', deployment, undefined)).toBe(200);
    } finally {
      await gameday.close();
    }
  });
});

describe('gameday plan', () => {
  it('lists the pods pod-kill would evict from the live cluster, after the preflight, and changes nothing', async () => {
    await settled(fixture.admin, nodeCount);
    const res = await runCli(['plan', 'scenarios/connectkit/pod-kill.yaml'], env());
    expect(res.code, res.stderr + res.stdout).toBe(0);
    expect(res.stdout).toMatch(/connectkit-app-/);
    expect(await clusterState(fixture.admin, nodeCount)).toBe('as it was');
  });
});

describe('gameday rollback', () => {
  it('undoes a run killed with SIGKILL in the middle of a zone outage', async () => {
    await settled(fixture.admin, nodeCount);
    const { child, done } = startCli(['run', 'test/k8s/fixtures/zone-hold.yaml', '--report-dir', reportDir], env());
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    await eventually(() => (/fault zone-outage injected/.test(stderr) ? true : undefined), 60_000, 'the fault');
    child.kill('SIGKILL');
    await done;
    const runDir = onlyRunDir('it-k8s-zone-hold');
    // The fault is still in place: zone b cordoned and labelled NotReady.
    const zoneB = (await nodes(fixture.admin)).filter((n) => n.labels['topology.kubernetes.io/zone'] === 'b');
    expect(zoneB.every((n) => n.cordoned)).toBe(true);
    const res = await runCli(['rollback', runDir], env());
    expect(res.code, res.stderr + res.stdout).toBe(0);
    expect(res.stdout).toMatch(/zone b restored/);
    await settled(fixture.admin, nodeCount);
    expect(await clusterState(fixture.admin, nodeCount)).toBe('as it was');
    expect(existsSync(join(runDir, 'journal.ndjson'))).toBe(true);
    const again = await runCli(['rollback', runDir], env());
    expect(again.stdout).toMatch(/nothing to roll back/);
  });
});

/** A loopback HTTPS server with its own self-signed CA, recording every request it receives. */
async function otherCluster(
  dir: string,
): Promise<{ url: string; ca: string; requests: string[]; close(): Promise<void> }> {
  const key = join(dir, 'other.key');
  const cert = join(dir, 'other.crt');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=other-cluster',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const requests: string[] = [];
  const server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ca: readFileSync(cert).toString('base64'),
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('rollback acts only on the cluster the run touched', () => {
  it('refuses (exit 2, nothing changed) a kubeconfig whose context reaches another server; uses the journaled one first', async () => {
    await settled(fixture.admin, nodeCount);
    const dir = mkdtempSync(join(tmpdir(), 'gameday-k8s-identity-'));
    const other = await otherCluster(dir);
    try {
      // The run's kubeconfig: a copy of the fixture's, at a path the journal records.
      const runKubeconfig = join(dir, 'run.kubeconfig');
      copyFileSync(fixture.kubeconfig, runKubeconfig);
      // Another kubeconfig whose `gameday` context names another server with another CA.
      const otherKubeconfig = join(dir, 'other.kubeconfig');
      writeFileSync(
        otherKubeconfig,
        stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [{ name: 'other', cluster: { server: other.url, 'certificate-authority-data': other.ca } }],
          users: [{ name: 'someone', user: { token: 'not-a-secret' } }],
          contexts: [{ name: 'gameday', context: { cluster: 'other', user: 'someone', namespace: NAMESPACE } }],
          'current-context': 'gameday',
        }),
        { mode: 0o600 },
      );
      const lockDir = join(dir, 'locks');
      const reports = join(dir, 'reports');
      const { child, done } = startCli(['run', 'test/k8s/fixtures/zone-hold.yaml', '--report-dir', reports], {
        KUBECONFIG: runKubeconfig,
        GAMEDAY_LOCK_DIR: lockDir,
      });
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      await eventually(() => (/fault zone-outage injected/.test(stderr) ? true : undefined), 60_000, 'the fault');
      child.kill('SIGKILL');
      await done;
      const runDir = join(reports, 'it-k8s-zone-hold', readdirSync(join(reports, 'it-k8s-zone-hold'))[0] as string);
      const cordoned = async (): Promise<boolean> =>
        (await nodes(fixture.admin))
          .filter((n) => n.labels['topology.kubernetes.io/zone'] === 'b')
          .every((n) => n.cordoned);
      expect(await cordoned()).toBe(true);

      // (A new run on the cluster would roll the killed run back before it takes the Lease: that is
      // test/k8s/shared-lock.test.ts. Here the rollback itself must reach the cluster the run acted on.)

      // The run's kubeconfig is gone and KUBECONFIG names the other cluster: refused, nothing sent there.
      renameSync(runKubeconfig, `${runKubeconfig}.away`);
      const refused = await runCli(['rollback', runDir], { KUBECONFIG: otherKubeconfig, GAMEDAY_LOCK_DIR: lockDir });
      expect(refused.code, refused.stdout + refused.stderr).toBe(2);
      expect(refused.stderr).toContain(`refusing to act on ${other.url} (CA sha256 `);
      expect(refused.stderr).toContain(`the run acted on ${fixture.state.server} (CA sha256 `);
      expect(other.requests).toEqual([]);
      expect(await cordoned()).toBe(true);

      // No kubeconfig at all: the message says so (not a "loaded-context" on localhost:8080).
      const none = await runCli(['rollback', runDir], {
        KUBECONFIG: undefined,
        HOME: dir,
        GAMEDAY_LOCK_DIR: lockDir,
      });
      expect(none.code, none.stdout + none.stderr).toBe(2);
      expect(none.stderr).toContain(
        `the run used kubeconfig ${runKubeconfig} (context gameday), which no longer exists`,
      );
      expect(none.stderr).toContain('no kubeconfig: KUBECONFIG is not set and ~/.kube/config does not exist');
      expect(none.stderr).not.toContain('loaded-context');

      // The journaled kubeconfig is back: rollback uses it, whatever KUBECONFIG says now.
      renameSync(`${runKubeconfig}.away`, runKubeconfig);
      const res = await runCli(['rollback', runDir], { KUBECONFIG: otherKubeconfig, GAMEDAY_LOCK_DIR: lockDir });
      expect(res.code, res.stdout + res.stderr).toBe(0);
      expect(res.stdout).toMatch(/target confirmed: Kubernetes API server https:\/\/127\.0\.0\.1:\d+ \(CA sha256 /);
      expect(res.stdout).toMatch(/zone b restored/);
      expect(other.requests).toEqual([]);
      await settled(fixture.admin, nodeCount);
      expect(await clusterState(fixture.admin, nodeCount)).toBe('as it was');
      expect(readdirSync(lockDir).filter((f) => f.endsWith('.lock'))).toEqual([]);
    } finally {
      await other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
