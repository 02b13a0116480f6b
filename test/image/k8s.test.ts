// The image tier, part 2: the gameday image against the Kubernetes fixture's real control plane
// (infra-fixtures/kubernetes, published on 127.0.0.1; containers use the host's network).
// - A ConnectKit scenario runs from inside a container with the fixture's kubeconfig mounted.
// - A zone outage run in a container (a host name of its own) is killed with SIGKILL; once its Lease
//   expired, `gameday rollback --target` on the host, with no journal of that run, restores the cluster
//   through the journal the run mirrored to a ConfigMap.
// - `gameday schedule --apply` applies its manifests as a restricted installer (a service account that may
//   create just those objects in those namespaces); the real CronJob controller of the fixture's
//   kube-controller-manager (all default controllers) creates a Job on a one-minute schedule.
// - The fixture's nodes are kwok's fake nodes: no kubelet runs the Job's pod. What the kubelet would give
//   it is given to the image under podman instead, exactly: KUBERNETES_SERVICE_HOST/PORT, a real token
//   from the TokenRequest API for the generated ServiceAccount, the cluster's CA and namespace mounted at
//   /var/run/secrets/kubernetes.io/serviceaccount, the ConfigMap's files where the CronJob mounts them, the
//   CronJob's args, user, read-only root filesystem and dropped capabilities. The scenario then passes
//   with the generated RBAC, and a verb outside it is refused (by gameday's preflight and by the API).

import {
  copyFileSync,
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Agent, request } from 'undici';
import { getContainerRuntimeClient, Wait } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import type { Report } from '../../src/report/types.js';
import { ROOT, eventually, runCli } from '../helpers/cli.js';
import {
  clusterState,
  expectZoneBRolledBack,
  gamedayObjects,
  leaseExpired,
  nodes,
  settled,
  startFixture,
  type Fixture,
} from '../k8s/cluster.js';
import { GamedayContainer, IMAGE, runToExit, startPodmanService, type PodmanService } from './podman.js';

const SCHEDULED = join(ROOT, 'test/image/fixtures/pod-kill-in-cluster.yaml');
const NAME = 'gameday-connectkit-pod-kill-scheduled';
const NS = 'gameday';

let podman: PodmanService;
let fixture: Fixture;
let nodeCount: number;
let work: string;
let ca: string;

beforeAll(async () => {
  podman = await startPodmanService();
  fixture = await startFixture();
  nodeCount = (await nodes(fixture.admin)).length;
  work = mkdtempSync(join(tmpdir(), 'gameday-image-k8s-'));
  chmodSync(work, 0o755);
  const kubeconfig = parse(readFileSync(fixture.kubeconfig, 'utf8')) as {
    clusters: Array<{ cluster: Record<string, string> }>;
  };
  ca = Buffer.from(kubeconfig.clusters[0]?.cluster['certificate-authority-data'] ?? '', 'base64').toString();
}, 15 * 60_000);

afterAll(async () => {
  await fixture?.stop();
  await podman?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}, 120_000);

/** A directory the image's user (uid 10001) can write, for its reports. */
function reportsDir(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { mode: 0o777 });
  chmodSync(dir, 0o777);
  return dir;
}

function onlyReport(dir: string, scenario: string): { report: Report; journal: string } {
  const runs = readdirSync(join(dir, scenario));
  expect(runs).toHaveLength(1);
  const runDir = join(dir, scenario, runs[0] as string);
  return {
    report: JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report,
    journal: readFileSync(join(runDir, 'journal.ndjson'), 'utf8'),
  };
}

/** A service account's token from the TokenRequest API (as the kubelet asks for a pod's). */
async function serviceAccountToken(namespace: string, name: string): Promise<string> {
  const res = (await fixture.admin.request('POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
  })) as unknown as { status: { token: string } };
  return res.status.token;
}

describe('the image against the Kubernetes fixture', () => {
  it('runs the ConnectKit pod-kill scenario from inside a container, with the kubeconfig mounted', async () => {
    await settled(fixture.admin, nodeCount);
    // Readable by the image's user; the fixture's own file is root's, mode 0600.
    const kubeconfig = join(work, 'kubeconfig');
    copyFileSync(fixture.kubeconfig, kubeconfig);
    chmodSync(kubeconfig, 0o644);
    const reports = reportsDir('kubeconfig-run');
    const run = await runToExit(
      new GamedayContainer()
        .withNetworkMode('host')
        .withReadOnlyRoot()
        .withTmpFs({ '/tmp': 'rw' })
        .withBindMounts([
          { source: kubeconfig, target: '/kube/config', mode: 'ro' },
          { source: join(ROOT, 'scenarios/connectkit/pod-kill.yaml'), target: '/scenarios/pod-kill.yaml', mode: 'ro' },
          { source: reports, target: '/reports', mode: 'rw' },
        ])
        .withEnvironment({ KUBECONFIG: '/kube/config' })
        .withCommand(['run', '/scenarios/pod-kill.yaml', '--report-dir', '/reports']),
      300_000,
    );
    expect(run.exitCode, run.output).toBe(0);
    const { report } = onlyReport(reports, 'connectkit-pod-kill');
    expect(report.verdict).toBe('pass');
    expect(report.measurements.rto?.status).toBe('recovered');
    expect(report.rollback.complete).toBe(true);
    expect(await clusterState(fixture.admin, nodeCount)).toBe('as it was');
  }, 400_000);
});

describe('a run in a container killed with SIGKILL mid zone outage, rolled back from another process', () => {
  it('gameday rollback --target on the host, with no journal of its own, restores the cluster through the mirrored journal', async () => {
    await settled(fixture.admin, nodeCount);
    const kubeconfig = join(work, 'kubeconfig');
    copyFileSync(fixture.kubeconfig, kubeconfig);
    chmodSync(kubeconfig, 0o644);
    const reports = reportsDir('killed-run');
    const t0 = Date.now();
    // A pod's host name: the run's holder record names it, and nothing on this host can see its process.
    const started = await new GamedayContainer()
      .withHostname('gameday-runner-pod')
      .withNetworkMode('host')
      .withReadOnlyRoot()
      .withTmpFs({ '/tmp': 'rw' })
      .withBindMounts([
        { source: kubeconfig, target: '/kube/config', mode: 'ro' },
        { source: join(ROOT, 'test/k8s/fixtures/zone-hold-deadman.yaml'), target: '/scenarios/zone.yaml', mode: 'ro' },
        { source: reports, target: '/reports', mode: 'rw' },
      ])
      .withEnvironment({ KUBECONFIG: '/kube/config' })
      .withCommand(['run', '/scenarios/zone.yaml', '--report-dir', '/reports'])
      .withWaitStrategy(Wait.forLogMessage(/fault zone-outage injected/))
      .withStartupTimeout(120_000)
      .withAutoRemove(false)
      .start();
    const faultAt = Date.now();
    const runId = readdirSync(join(reports, 'it-k8s-zone-hold-deadman'))[0] as string;
    try {
      const client = await getContainerRuntimeClient();
      await client.container.getById(started.getId()).kill({ signal: 'KILL' });
      await eventually(
        async () =>
          (await client.container.inspect(client.container.getById(started.getId()))).State.Running ? undefined : true,
        30_000,
        'the killed container to stop',
      );
    } finally {
      await started.stop({ remove: true, timeout: 0 });
    }
    const killedAt = Date.now();
    expect(await clusterState(fixture.admin, nodeCount)).not.toBe('as it was');
    expect((await gamedayObjects(fixture.admin)).leases).toHaveLength(1);

    // Another process: its own TMPDIR and report dir, the cluster's kubeconfig, no journal of that run.
    const other = mkdtempSync(join(tmpdir(), 'gameday-image-rollback-'));
    try {
      const env = { TMPDIR: other, GAMEDAY_LOCK_DIR: undefined, KUBECONFIG: fixture.kubeconfig };
      const args = [
        'rollback',
        '--target',
        'test/k8s/fixtures/zone-hold-deadman.yaml',
        '--report-dir',
        join(other, 'r'),
      ];
      // While its lease (guards.deadman 30s) runs, the run counts as alive: refused (exit 2), nothing undone.
      const early = await runCli(args, env);
      expect(early.code, early.stdout + early.stderr).toBe(2);
      expect(early.stdout + early.stderr).toMatch(new RegExp(`held by run ${runId} \\(pid \\d+ on gameday-runner-pod`));
      await leaseExpired(fixture.admin);
      const rollbackAt = Date.now();
      await expectZoneBRolledBack(fixture.admin, nodeCount, await runCli(args, env));
      console.log(
        `kill test (in a container): fault in place ${Math.round((faultAt - t0) / 1000)}s after start, SIGKILL; ` +
          `lease expired ${Math.round((rollbackAt - killedAt) / 1000)}s later; rollback --target and the cluster as it was ` +
          `${((Date.now() - rollbackAt) / 1000).toFixed(1)}s after that`,
      );
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  }, 400_000);
});

describe('gameday schedule on the real control plane', () => {
  let installerKubeconfig: string;

  beforeAll(async () => {
    // The restricted installer: a service account that may create (and server-side apply) the
    // schedule's objects in its namespace, and Roles with their bindings in the target namespace, nothing else.
    const rbac = readFileSync(join(ROOT, 'test/image/fixtures/installer-rbac.yaml'), 'utf8');
    for (const doc of parseAllDocuments(rbac)) await fixture.admin.apply(doc.toJS());
    const token = await serviceAccountToken(NS, 'gameday-installer');
    installerKubeconfig = join(work, 'installer.kubeconfig');
    writeFileSync(
      installerKubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'fixture',
            cluster: { server: fixture.state.server, 'certificate-authority-data': Buffer.from(ca).toString('base64') },
          },
        ],
        users: [{ name: 'installer', user: { token } }],
        contexts: [{ name: 'installer', context: { cluster: 'fixture', user: 'installer', namespace: NS } }],
        'current-context': 'installer',
      }),
      { mode: 0o600 },
    );
  }, 120_000);

  afterAll(async () => {
    // Stop the schedule and its jobs (their pods never run on kwok's nodes).
    await fixture?.admin
      .request('DELETE', `/apis/batch/v1/namespaces/${NS}/cronjobs/${NAME}?propagationPolicy=Background`, {
        allow: [404],
      })
      .catch(() => undefined);
  }, 60_000);

  /** `gameday schedule --apply` of the test's scenario every minute, as the restricted installer. */
  const applySchedule = (...more: string[]) =>
    runCli(
      [
        'schedule',
        SCHEDULED,
        '--cron',
        '* * * * *',
        '--namespace',
        NS,
        '--image',
        IMAGE,
        '--apply',
        '--kubeconfig',
        installerKubeconfig,
        ...more,
      ],
      { KUBECONFIG: undefined },
    );

  it('applies the manifests as the restricted installer, and the CronJob controller creates a Job on schedule', async () => {
    const res = await applySchedule();
    expect(res.code, res.stderr + res.stdout).toBe(0);
    expect(res.stdout.split('\n').filter((l) => l.startsWith('applied '))).toEqual([
      `applied ServiceAccount ${NS}/${NAME}`,
      `applied Role production/${NAME}`,
      `applied RoleBinding production/${NAME}`,
      `applied ConfigMap ${NS}/${NAME}`,
      `applied CronJob ${NS}/${NAME}`,
    ]);
    // Applying again changes nothing and succeeds (server-side apply, same field manager).
    const again = await applySchedule('--quiet');
    expect(again.code, again.stderr).toBe(0);

    // The controller runs the schedule: a Job within the next minute (bounded wait on the condition).
    const job = await eventually(
      async () => {
        const list = await fixture.admin.get(
          `/apis/batch/v1/namespaces/${NS}/jobs?labelSelector=app.kubernetes.io%2Finstance%3D${NAME}`,
        );
        return list.items[0];
      },
      150_000,
      `a Job of CronJob ${NAME}`,
    );
    const j = job as unknown as {
      metadata: { ownerReferences?: Array<{ kind: string; name: string }> };
      spec: {
        activeDeadlineSeconds: number;
        backoffLimit: number;
        template: { spec: { serviceAccountName: string; containers: Array<{ image: string; args: string[] }> } };
      };
    };
    expect(j.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: NAME });
    expect(j.spec.backoffLimit).toBe(0);
    expect(j.spec.activeDeadlineSeconds).toBeGreaterThan(300);
    expect(j.spec.template.spec.serviceAccountName).toBe(NAME);
    expect(j.spec.template.spec.containers[0]?.image).toBe(IMAGE);
  }, 300_000);

  it("runs the scheduled scenario in the image with exactly a pod's environment and the generated RBAC", async () => {
    await settled(fixture.admin, nodeCount);
    const pod = await podEnvironment('scheduled-run');
    const cron = (await fixture.admin.get(`/apis/batch/v1/namespaces/${NS}/cronjobs/${NAME}`)) as unknown as {
      spec: { jobTemplate: { spec: { template: { spec: { containers: Array<{ args: string[] }> } } } } };
    };
    const args = cron.spec.jobTemplate.spec.template.spec.containers[0]?.args ?? [];
    const run = await runToExit(pod.container.withCommand(args), 300_000);
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).toContain('preflight ok');
    const { report, journal } = onlyReport(pod.reports, 'connectkit-pod-kill-scheduled');
    expect(report.verdict).toBe('pass');
    expect(report.rollback.complete).toBe(true);
    // Journaled as in-cluster access: a rollback connects through the service account again.
    const lines = journal
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; identity?: { inCluster?: boolean } });
    expect(lines.find((l) => l.type === 'target')?.identity?.inCluster).toBe(true);
    expect(journal).not.toMatch(/eyJ|BEGIN/); // no token, no certificate
    expect(await clusterState(fixture.admin, nodeCount)).toBe('as it was');
  }, 400_000);

  it('refuses what the generated RBAC does not grant: gameday preflight (exit 2) and the API itself (403)', async () => {
    // The same scenario deleting pods instead of evicting them needs "delete pods", which it was not given.
    const deleting = readFileSync(SCHEDULED, 'utf8').replace('mode: evict', 'mode: delete');
    expect(deleting).toContain('mode: delete');
    const pod = await podEnvironment('refused-run', deleting);
    const run = await runToExit(
      pod.container.withCommand(['run', '/etc/gameday/scenarios/pod-kill-in-cluster.yaml', '--report-dir', '/reports']),
      180_000,
    );
    expect(run.exitCode, run.output).toBe(2);
    expect(run.output).toContain('lacks permissions');
    expect(run.output).toMatch(/delete on pods in production/);
    expect(await clusterState(fixture.admin, nodeCount)).toBe('as it was');

    // The API server refuses the service account a verb outside its Role.
    const token = await serviceAccountToken(NS, NAME);
    const target = (await fixture.admin.get('/api/v1/namespaces/production/pods?labelSelector=app%3Dconnectkit'))
      .items[0];
    const dispatcher = new Agent({ connect: { ca } });
    try {
      const res = await request(`${fixture.state.server}/api/v1/namespaces/production/pods/${target?.metadata.name}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
        dispatcher,
      });
      expect(res.statusCode).toBe(403);
      expect(await res.body.text()).toContain(`system:serviceaccount:${NS}:${NAME}`);
    } finally {
      await dispatcher.close();
    }
    expect(await clusterState(fixture.admin, nodeCount)).toBe('as it was');
  }, 300_000);
});

/**
 * The image as the kubelet would start the CronJob's pod: service account files, API server address,
 * the ConfigMap's files at the CronJob's mount (from the API, as applied; `replace` swaps the entry's text),
 * read-only root, /tmp and /reports volumes, no capabilities. Host network: the API server is on loopback.
 */
async function podEnvironment(
  name: string,
  replace?: string,
): Promise<{ container: GamedayContainer; reports: string }> {
  const sa = join(work, `${name}-serviceaccount`);
  mkdirSync(sa, { mode: 0o755 });
  writeFileSync(join(sa, 'token'), await serviceAccountToken(NS, NAME), { mode: 0o644 });
  writeFileSync(join(sa, 'ca.crt'), ca, { mode: 0o644 });
  writeFileSync(join(sa, 'namespace'), NS, { mode: 0o644 });
  const cm = (await fixture.admin.get(`/api/v1/namespaces/${NS}/configmaps/${NAME}`)) as unknown as {
    data: Record<string, string>;
  };
  const cron = (await fixture.admin.get(`/apis/batch/v1/namespaces/${NS}/cronjobs/${NAME}`)) as unknown as {
    spec: {
      jobTemplate: {
        spec: {
          template: {
            spec: { volumes: Array<{ name: string; configMap?: { items: Array<{ key: string; path: string }> } }> };
          };
        };
      };
    };
  };
  const items =
    cron.spec.jobTemplate.spec.template.spec.volumes.find((v) => v.name === 'scenarios')?.configMap?.items ?? [];
  expect(items.length).toBeGreaterThan(0);
  const scenarios = join(work, `${name}-scenarios`);
  for (const item of items) {
    const file = join(scenarios, item.path);
    mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
    writeFileSync(file, replace ?? cm.data[item.key] ?? '', { mode: 0o644 });
  }
  chmodSync(scenarios, 0o755);
  const reports = reportsDir(`${name}-reports`);
  const port = new URL(fixture.state.server).port;
  const container = new GamedayContainer()
    .withNetworkMode('host')
    .withReadOnlyRoot()
    .withDroppedCapabilities('ALL')
    .withSecurityOpt('no-new-privileges')
    .withTmpFs({ '/tmp': 'rw' })
    .withBindMounts([
      { source: sa, target: '/var/run/secrets/kubernetes.io/serviceaccount', mode: 'ro' },
      { source: scenarios, target: '/etc/gameday/scenarios', mode: 'ro' },
      { source: reports, target: '/reports', mode: 'rw' },
    ])
    .withEnvironment({
      KUBERNETES_SERVICE_HOST: '127.0.0.1',
      KUBERNETES_SERVICE_PORT: port,
      POD_NAME: `${NAME}-podman`,
      POD_NAMESPACE: NS,
      TMPDIR: '/tmp',
    });
  return { container, reports };
}
