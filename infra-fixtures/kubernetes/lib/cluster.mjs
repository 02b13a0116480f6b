// The Kubernetes fixture: a real control plane on loopback (etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler built from their Go modules) plus kwok playing
// the kubelets of fake nodes, with the ConnectKit workload applied.

import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startOwnerWatchdog } from '../../shared/watchdog.mjs';
import { KubeClient, componentKubeconfigYaml, kubeconfigYaml, readManifests } from './kube.mjs';
import { LABELS, ZONES, nodeObject, planNodes } from './nodes.mjs';
import { applyCrds } from './crds.mjs';
import { generatePki } from './pki.mjs';
import { readPids, startProcess, stopAll } from './procs.mjs';
import { freePorts, isAlive, isListening, since, sleep, tail, waitFor } from './util.mjs';

const execFileAsync = promisify(execFile);

export const FIXTURE_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const DEFAULT_STATE_DIR = path.join(os.tmpdir(), 'gameday-k8s');
const MARKER = '.gameday-k8s-fixture';
const BUILD_SH = path.join(FIXTURE_DIR, 'build.sh');

export const NAMESPACE = 'production';
export const DEPLOYMENT = 'connectkit-app';
export const PDB = 'connectkit-app';
const BENCH_DEPLOYMENT = 'connectkit-bench';
const SERVICE_CIDR = '10.96.0.0/16';
const POD_CIDR = '10.0.0.0/16';
const SA_ISSUER = 'https://kubernetes.default.svc.cluster.local';

const COMPONENTS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'];

class FixtureError extends Error {}

// ---------------------------------------------------------------- binaries

/** Build the binaries if the cache is cold; return { binDir, versions }. */
export async function ensureBinaries(log) {
  const { stdout } = await execFileAsync('bash', [BUILD_SH, '--print-bin-dir']);
  const binDir = stdout.trim();
  const warm = await execFileAsync('bash', [BUILD_SH, '--check']).then(
    () => true,
    () => false,
  );
  if (!warm) {
    log(`binaries not cached in ${binDir}: building (this takes a while on a cold cache)`);
    const code = await new Promise((resolve) => {
      const child = spawn('bash', [BUILD_SH], { stdio: ['ignore', 'inherit', 'inherit'] });
      child.on('exit', (c) => resolve(c));
    });
    if (code !== 0) throw new FixtureError(`build.sh failed (exit ${code}); see its output above`);
  }
  return { binDir };
}

/** `--version` of every binary, in parallel: name -> version string. */
async function binaryVersions(binDir) {
  const versions = {};
  await Promise.all(
    COMPONENTS.map(async (name) => {
      try {
        const { stdout } = await execFileAsync(path.join(binDir, name), ['--version'], { timeout: 10_000 });
        const text = stdout.trim();
        const m =
          name === 'etcd' ? text.match(/etcd Version: (\S+)/) : name === 'kwok' ? text.match(/version (\S+)/) : null;
        versions[name] = m ? m[1] : text.replace(/^Kubernetes /, '');
      } catch (err) {
        versions[name] = `unknown (${err.message.split('\n')[0]})`;
      }
    }),
  );
  return versions;
}

// ---------------------------------------------------------------- state

function statePaths(stateDir) {
  return {
    marker: path.join(stateDir, MARKER),
    state: path.join(stateDir, 'state.json'),
    kubeconfig: path.join(stateDir, 'kubeconfig'),
    pki: path.join(stateDir, 'pki'),
    etcdData: path.join(stateDir, 'etcd-data'),
    kwokConfig: path.join(stateDir, 'kwok.yaml'),
    logs: path.join(stateDir, 'logs'),
  };
}

export function readState(stateDir) {
  try {
    return JSON.parse(fs.readFileSync(statePaths(stateDir).state, 'utf8'));
  } catch {
    return null;
  }
}

function assertFixtureDir(stateDir) {
  if (!fs.existsSync(stateDir)) return false;
  if (fs.existsSync(path.join(stateDir, MARKER))) return true;
  if (fs.readdirSync(stateDir).length === 0) return false;
  throw new FixtureError(
    `${stateDir} exists and is not a gameday Kubernetes fixture dir; refusing to use or remove it`,
  );
}

// ---------------------------------------------------------------- up

/**
 * Start the fixture. Options: stateDir, nodesPerZone, spotPerZone, scale (total nodes),
 * benchPods, timeoutMs, log (line printer), keepOnFailure, verbose (kwok logs every stage),
 * ownerPid (the fixture stops by itself when that process is gone; see watchOwner).
 * Returns the state object (kubeconfig path, ports, versions, summary).
 */
export async function up(opts = {}) {
  const t0 = performance.now();
  const log = opts.log ?? ((line) => console.log(line));
  const say = (msg) => log(`[k8s-fixture +${since(t0)}] ${msg}`);
  const stateDir = path.resolve(opts.stateDir ?? DEFAULT_STATE_DIR);
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const p = statePaths(stateDir);

  if (assertFixtureDir(stateDir)) {
    const existing = readState(stateDir);
    if (existing && (await isHealthy(stateDir, existing))) {
      say(`already up in ${stateDir}`);
      return {
        ...existing,
        watchdogPid: watchOwner(stateDir, opts.ownerPid) ?? existing.watchdogPid ?? null,
        alreadyUp: true,
      };
    }
    say(`clearing a stale fixture in ${stateDir}`);
    await down({ stateDir, log });
  }

  const { binDir } = await ensureBinaries(say);
  const tStart = performance.now();
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(p.marker, 'gameday Kubernetes fixture state; removed by `npm run fixture:k8s -- down`\n');
  // Before any process starts: an owner killed halfway through `up` leaves nothing behind either.
  const watchdogPid = watchOwner(stateDir, opts.ownerPid);

  const procs = {};
  const checkAlive = () => {
    for (const proc of Object.values(procs)) {
      if (proc.exit) {
        throw new FixtureError(
          `${proc.name} exited (${proc.exit.signal ?? `code ${proc.exit.code}`}); last log lines:\n${tail(proc.logFile)}`,
        );
      }
    }
  };
  let admin;
  let onSignal;
  try {
    let aborted = null;
    onSignal = (sig) => {
      aborted = sig;
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const checkAbort = () => {
      if (aborted) throw Object.assign(new FixtureError(`interrupted by ${aborted}`), { interrupted: aborted });
      // Started for another process (the CLI for a bench) and it is gone: start nothing more.
      if (opts.ownerPid && !isAlive(opts.ownerPid)) {
        throw Object.assign(new FixtureError(`owner pid ${opts.ownerPid} is gone`), { interrupted: 'owner gone' });
      }
      checkAlive();
    };

    const [etcdPort, etcdPeerPort, apiPort, kcmPort, schedPort] = await freePorts(5);
    const ports = {
      etcd: etcdPort,
      etcdPeer: etcdPeerPort,
      apiserver: apiPort,
      controllerManager: kcmPort,
      scheduler: schedPort,
    };
    const server = `https://127.0.0.1:${apiPort}`;

    // etcd first: it needs nothing else, and the PKI is generated while it starts.
    procs.etcd = startProcess(stateDir, 'etcd', path.join(binDir, 'etcd'), [
      '--name=gameday',
      `--data-dir=${p.etcdData}`,
      `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-cluster=gameday=http://127.0.0.1:${etcdPeerPort}`,
      '--initial-cluster-state=new',
      '--unsafe-no-fsync', // a throw-away test bed: durability is not needed, speed is
      '--quota-backend-bytes=4294967296',
      '--auto-compaction-mode=periodic',
      '--auto-compaction-retention=5m',
      '--log-level=warn',
    ]);
    const [pki, versions] = await Promise.all([generatePki(p.pki), binaryVersions(binDir)]);
    say(`certificates generated; etcd starting on 127.0.0.1:${etcdPort}`);

    const kubeconfigFor = (name) => {
      const file = path.join(stateDir, `${name}.kubeconfig`);
      const c = pki.clients[name];
      fs.writeFileSync(
        file,
        componentKubeconfigYaml({ server, caFile: pki.ca.cert, certFile: c.cert, keyFile: c.key, name }),
        { mode: 0o600 },
      );
      return file;
    };
    const kcmKubeconfig = kubeconfigFor('kube-controller-manager');
    const schedKubeconfig = kubeconfigFor('kube-scheduler');
    const kwokKubeconfig = kubeconfigFor('kwok');
    const pem = (f) => fs.readFileSync(f, 'utf8');
    fs.writeFileSync(
      p.kubeconfig,
      kubeconfigYaml({
        server,
        caPem: pem(pki.ca.cert),
        namespace: NAMESPACE,
        currentContext: 'gameday',
        users: ['admin', 'gameday'].map((name) => ({
          name,
          cert: pem(pki.clients[name].cert),
          key: pem(pki.clients[name].key),
        })),
      }),
      { mode: 0o600 },
    );

    await waitFor(
      'etcd /health',
      async () => {
        const res = await fetch(`http://127.0.0.1:${etcdPort}/health`, { signal: AbortSignal.timeout(1000) });
        return res.ok && (await res.json()).health === 'true';
      },
      { timeoutMs: 30_000, intervalMs: 100, check: checkAbort },
    );
    say('etcd healthy');

    const scale = (opts.scale ?? 0) > 50 || (opts.benchPods ?? 0) > 500;
    procs['kube-apiserver'] = startProcess(
      stateDir,
      'kube-apiserver',
      path.join(binDir, 'kube-apiserver'),
      [
        `--etcd-servers=http://127.0.0.1:${etcdPort}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${apiPort}`,
        `--tls-cert-file=${pki.apiserver.cert}`,
        `--tls-private-key-file=${pki.apiserver.key}`,
        `--client-ca-file=${pki.ca.cert}`,
        `--requestheader-client-ca-file=${pki.frontProxyCa.cert}`,
        '--requestheader-allowed-names=front-proxy-client',
        '--requestheader-username-headers=X-Remote-User',
        '--requestheader-group-headers=X-Remote-Group',
        '--requestheader-extra-headers-prefix=X-Remote-Extra-',
        `--proxy-client-cert-file=${pki.frontProxyClient.cert}`,
        `--proxy-client-key-file=${pki.frontProxyClient.key}`,
        `--service-account-issuer=${SA_ISSUER}`,
        `--service-account-key-file=${pki.sa.pub}`,
        `--service-account-signing-key-file=${pki.sa.key}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        '--authorization-mode=Node,RBAC',
        '--allow-privileged=false',
        '--endpoint-reconciler-type=none', // the advertise address is loopback, which endpoints reject
        '--profiling=false',
        '--event-ttl=1h',
        `--max-requests-inflight=${scale ? 1600 : 400}`,
        `--max-mutating-requests-inflight=${scale ? 800 : 200}`,
      ],
      // At scale the API server caches thousands of pods, and with Go's default GOGC=100 a burst of
      // faults spends an eighth of its CPU in garbage collection; collecting half as often trades
      // memory, which this machine has, for the CPU it lacks.
      scale ? { env: { GOGC: '200' } } : {},
    );
    admin = new KubeClient({
      server,
      ca: pem(pki.ca.cert),
      cert: pem(pki.clients.admin.cert),
      key: pem(pki.clients.admin.key),
      connections: 32,
    });
    await waitFor(
      'kube-apiserver /readyz',
      async () => (await admin.request('GET', '/readyz', { allow: [500, 503], timeoutMs: 2000 })) === 'ok',
      { timeoutMs: 60_000, intervalMs: 150, check: checkAbort },
    );
    say(`kube-apiserver ready on ${server}`);

    // RBAC for kwok and the gameday user; the namespace the gameday Role lives in.
    const rbacDir = path.join(FIXTURE_DIR, 'rbac');
    const ckDir = path.join(FIXTURE_DIR, 'connectkit');
    const ckFiles = fs
      .readdirSync(ckDir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
    const ckObjects = ckFiles.flatMap((f) => readManifests(path.join(ckDir, f)));
    const namespaces = ckObjects.filter((o) => o.kind === 'Namespace');
    await Promise.all([
      ...readManifests(path.join(rbacDir, 'kwok.yaml')).map((o) => admin.apply(o)),
      ...namespaces.map((o) => admin.apply(o)),
    ]);
    await Promise.all(readManifests(path.join(rbacDir, 'gameday.yaml')).map((o) => admin.apply(o)));
    const crds = await applyCrds(admin, checkAbort);
    say(`CustomResourceDefinitions established (${crds.join(', ')})`);

    const qps = (n) => [`--kube-api-qps=${n}`, `--kube-api-burst=${2 * n}`];
    const delegated = (kubeconfig) => [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      '--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics',
      '--bind-address=127.0.0.1',
      '--leader-elect=false',
    ];
    checkAbort();
    procs['kube-controller-manager'] = startProcess(
      stateDir,
      'kube-controller-manager',
      path.join(binDir, 'kube-controller-manager'),
      [
        ...delegated(kcmKubeconfig),
        // 100 requests/s per controller (upstream's default is 20) also at scale: with more, the
        // ReplicaSet controller answers a burst of hundreds of evictions with as many pod creations at
        // once, and they compete with the fault itself for the API server's two shared cores.
        ...qps(100),
        `--secure-port=${kcmPort}`,
        `--cert-dir=${path.join(stateDir, 'kube-controller-manager')}`,
        '--use-service-account-credentials=true',
        `--service-account-private-key-file=${pki.sa.key}`,
        `--root-ca-file=${pki.ca.cert}`,
        '--cluster-name=gameday',
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        ...(scale ? ['--concurrent-replicaset-syncs=20', '--concurrent-deployment-syncs=20'] : []),
      ],
    );
    // At scale kwok (the kubelets of hundreds of machines, which on a real cluster never use the control
    // plane's CPU) and the scheduler (placing replacements, at a cost that grows with every pod of a
    // topology-spread workload) run below normal CPU priority: on two shared cores a burst of faults is
    // then answered by the API server first, and the replacements follow on the cycles it leaves. The
    // controller manager keeps normal priority: the Deployment status it writes is what probes measure.
    const belowApiServer = scale ? { nice: 10 } : {};
    procs['kube-scheduler'] = startProcess(
      stateDir,
      'kube-scheduler',
      path.join(binDir, 'kube-scheduler'),
      [
        ...delegated(schedKubeconfig),
        ...qps(scale ? 1000 : 100),
        `--secure-port=${schedPort}`,
        `--cert-dir=${path.join(stateDir, 'kube-scheduler')}`,
      ],
      belowApiServer,
    );

    fs.writeFileSync(p.kwokConfig, kwokConfigYaml({ scale }));
    fs.mkdirSync(path.join(stateDir, 'kwok'), { recursive: true });
    procs.kwok = startProcess(
      stateDir,
      'kwok',
      path.join(binDir, 'kwok'),
      [
        `--kubeconfig=${kwokKubeconfig}`,
        `--config=${p.kwokConfig}`,
        '--manage-all-nodes=false',
        '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
        // INFO logs every stage it plays (a line per pod transition): only with --verbose.
        `--v=${opts.verbose ? 'INFO' : 'WARN'}`,
      ],
      {
        // Keep kwok from also loading a user's ~/.kwok/kwok.yaml.
        env: { KWOK_WORKDIR: path.join(stateDir, 'kwok') },
        ...belowApiServer,
      },
    );
    say('kube-controller-manager, kube-scheduler and kwok started');

    // Fake nodes.
    const plan = opts.scale
      ? planNodes({ total: opts.scale })
      : planNodes({
          onDemandPerZone: (opts.nodesPerZone ?? 3) - (opts.spotPerZone ?? 1),
          spotPerZone: opts.spotPerZone ?? 1,
        });
    const nodeVersions = { kubeletVersion: versions['kube-apiserver'], kwokVersion: versions.kwok };
    await mapLimit(plan, 32, (n, i) => admin.create(nodeObject(n, i, nodeVersions)));
    say(`${plan.length} fake nodes created`);

    // The workload needs the namespace's default ServiceAccount (made by the controller manager).
    await waitFor(
      `ServiceAccount ${NAMESPACE}/default`,
      async () =>
        (await admin.get(`/api/v1/namespaces/${NAMESPACE}/serviceaccounts/default`, { allow: [404] })).status !== 404,
      { timeoutMs: 30_000, intervalMs: 100, check: checkAbort },
    );
    for (const obj of ckObjects.filter((o) => o.kind !== 'Namespace')) await admin.apply(obj);
    const deployment = ckObjects.find((o) => o.kind === 'Deployment' && o.metadata.name === DEPLOYMENT);
    const replicas = deployment?.spec?.replicas ?? 5;
    const pdb = ckObjects.find((o) => o.kind === 'PodDisruptionBudget');
    const expectedDisruptions = pdb ? replicas - pdb.spec.minAvailable : null;
    if (opts.benchPods) await admin.apply(benchDeployment(deployment, opts.benchPods));
    say(`ConnectKit manifests applied (${ckFiles.join(', ')})`);

    // Wait for the cluster to settle.
    await waitFor(
      `${plan.length} nodes Ready`,
      async () => {
        const nodes = await admin.get('/api/v1/nodes');
        return nodes.items.filter(isNodeReady).length >= plan.length;
      },
      { timeoutMs, intervalMs: 250, check: checkAbort },
    );
    say(`${plan.length} nodes Ready`);
    const depPath = `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${DEPLOYMENT}`;
    await waitFor(
      `Deployment ${DEPLOYMENT} ${replicas}/${replicas} ready`,
      async () => {
        const d = await admin.get(depPath);
        const s = d.status ?? {};
        return (
          s.observedGeneration >= d.metadata.generation &&
          s.readyReplicas === replicas &&
          s.updatedReplicas === replicas &&
          (s.replicas ?? 0) === replicas
        );
      },
      { timeoutMs, intervalMs: 200, check: checkAbort },
    );
    say(`Deployment ${DEPLOYMENT} ${replicas}/${replicas} ready`);
    if (pdb) {
      await waitFor(
        `PodDisruptionBudget ${pdb.metadata.name} disruptionsAllowed=${expectedDisruptions}`,
        async () => {
          const b = await admin.get(
            `/apis/policy/v1/namespaces/${NAMESPACE}/poddisruptionbudgets/${pdb.metadata.name}`,
          );
          return b.status?.disruptionsAllowed === expectedDisruptions;
        },
        { timeoutMs: 30_000, intervalMs: 200, check: checkAbort },
      );
      say(`PodDisruptionBudget ${pdb.metadata.name}: disruptionsAllowed=${expectedDisruptions}`);
    }
    if (opts.benchPods) {
      await waitFor(
        `Deployment ${BENCH_DEPLOYMENT} ${opts.benchPods} ready`,
        async () => {
          const d = await admin.get(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${BENCH_DEPLOYMENT}`);
          return d.status?.readyReplicas === opts.benchPods;
        },
        { timeoutMs: Math.max(timeoutMs, 600_000), intervalMs: 1000, check: checkAbort },
      );
      say(`Deployment ${BENCH_DEPLOYMENT} ${opts.benchPods}/${opts.benchPods} ready`);
    }

    const state = {
      stateDir,
      binDir,
      kubeconfig: p.kubeconfig,
      contexts: { admin: 'admin', gameday: 'gameday' },
      server,
      ports,
      pids: Object.fromEntries(Object.values(procs).map((pr) => [pr.name, pr.pid])),
      watchdogPid,
      versions,
      namespace: NAMESPACE,
      deployment: DEPLOYMENT,
      nodes: plan.length,
      benchPods: opts.benchPods ?? 0,
      startedAt: new Date().toISOString(),
      startSeconds: Number(((performance.now() - tStart) / 1000).toFixed(1)),
    };
    fs.writeFileSync(p.state, `${JSON.stringify(state, null, 2)}\n`);
    return state;
  } catch (err) {
    if (opts.keepOnFailure) {
      say(`failed; leaving processes and ${stateDir} for inspection (--keep-on-failure)`);
    } else {
      say(err.interrupted ? `${err.interrupted}: tearing down` : 'failed; tearing down');
      for (const name of err.interrupted ? [] : COMPONENTS) {
        const proc = procs[name];
        if (proc && !(err.message ?? '').includes(`${name} exited`)) {
          const t = tail(proc.logFile, 8);
          if (t) log(`--- ${name} log (last lines) ---\n${t}`);
        }
      }
      await down({ stateDir, log: () => {} }).catch(() => {});
    }
    throw err;
  } finally {
    if (onSignal) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    if (admin) await admin.close();
  }
}

/**
 * With an owner, start the watchdog that runs `down` for `stateDir` once that process is gone (a test
 * file or a bench killed before its own teardown); returns its pid, or null without an owner.
 */
function watchOwner(stateDir, ownerPid) {
  if (!ownerPid) return null;
  return startOwnerWatchdog({
    ownerPid,
    stateDir,
    marker: statePaths(stateDir).marker,
    module: fileURLToPath(import.meta.url),
    exportName: 'down',
    logFile: path.join(stateDir, 'watchdog.log'),
  });
}

function kwokConfigYaml({ scale }) {
  const stagesDir = path.join(FIXTURE_DIR, 'stages');
  const stages = fs
    .readdirSync(stagesDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => fs.readFileSync(path.join(stagesDir, f), 'utf8').trim());
  const config = [
    'apiVersion: config.kwok.x-k8s.io/v1alpha1',
    'kind: KwokConfiguration',
    'options:',
    `  cidr: ${POD_CIDR}`,
    '  nodeLeaseDurationSeconds: 40',
    `  podPlayStageParallelism: ${scale ? 32 : 8}`,
    `  nodePlayStageParallelism: ${scale ? 16 : 4}`,
    `  nodeLeaseParallelism: ${scale ? 16 : 4}`,
    `  podsOnNodeSyncParallelism: ${scale ? 8 : 1}`,
  ].join('\n');
  return `${[config, ...stages].join('\n---\n')}\n`;
}

/** A copy of the ConnectKit Deployment for the benchmark (more pods, own labels, no PDB). */
function benchDeployment(base, replicas) {
  const d = structuredClone(base);
  const labels = { app: BENCH_DEPLOYMENT };
  d.metadata = { name: BENCH_DEPLOYMENT, namespace: NAMESPACE, labels };
  d.spec.replicas = replicas;
  d.spec.selector = { matchLabels: labels };
  d.spec.template.metadata.labels = labels;
  d.spec.template.spec.topologySpreadConstraints = d.spec.template.spec.topologySpreadConstraints.map((c) => ({
    ...c,
    labelSelector: { matchLabels: labels },
  }));
  d.spec.template.spec.containers = d.spec.template.spec.containers.map((c) => ({
    ...c,
    resources: { requests: { cpu: '10m', memory: '16Mi' } },
  }));
  return d;
}

export function isNodeReady(node) {
  return (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

async function mapLimit(items, limit, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

// ---------------------------------------------------------------- status

async function isHealthy(stateDir, state) {
  const pids = readPids(stateDir);
  if (!COMPONENTS.every((n) => isAlive(pids[n]))) return false;
  try {
    const client = KubeClient.fromKubeconfig(state.kubeconfig, 'admin');
    try {
      return (await client.request('GET', '/readyz', { allow: [500, 503], timeoutMs: 2000 })) === 'ok';
    } finally {
      await client.close();
    }
  } catch {
    return false;
  }
}

/** A snapshot of the running fixture, or { running: false }. */
export async function status({ stateDir = DEFAULT_STATE_DIR } = {}) {
  stateDir = path.resolve(stateDir);
  const state = readState(stateDir);
  const pids = readPids(stateDir);
  const processes = Object.fromEntries(COMPONENTS.map((n) => [n, { pid: pids[n] ?? null, alive: isAlive(pids[n]) }]));
  if (!state) return { running: false, stateDir, processes };
  const result = { running: false, stateDir, state, processes };
  let client;
  try {
    client = KubeClient.fromKubeconfig(state.kubeconfig, 'admin');
    result.readyz = await client.request('GET', '/readyz', { allow: [500, 503], timeoutMs: 2000 });
    if (result.readyz === 'ok') result.cluster = await clusterSummary(client);
    result.running = result.readyz === 'ok' && Object.values(processes).every((pr) => pr.alive);
  } catch (err) {
    result.error = err.message;
  } finally {
    if (client) await client.close();
  }
  return result;
}

/** Nodes per zone/group (ready/total), the Deployment's and the PDB's status. */
export async function clusterSummary(client) {
  const [nodes, dep, pdb, pods] = await Promise.all([
    client.get('/api/v1/nodes'),
    client.get(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${DEPLOYMENT}`, { allow: [404] }),
    client.get(`/apis/policy/v1/namespaces/${NAMESPACE}/poddisruptionbudgets/${PDB}`, { allow: [404] }),
    client.get(`/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=app%3Dconnectkit`),
  ]);
  const zones = {};
  for (const zone of ZONES) zones[zone] = { ON_DEMAND: [0, 0], SPOT: [0, 0] };
  for (const n of nodes.items) {
    const z = n.metadata.labels?.[LABELS.zone];
    const ct = n.metadata.labels?.[LABELS.capacityType];
    if (!zones[z] || !zones[z][ct]) continue;
    zones[z][ct][1]++;
    if (isNodeReady(n)) zones[z][ct][0]++;
  }
  const nodeOf = Object.fromEntries(nodes.items.map((n) => [n.metadata.name, n.metadata.labels?.[LABELS.zone]]));
  const podsPerZone = {};
  for (const pod of pods.items) {
    const ready = (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
    if (!ready || pod.metadata.deletionTimestamp) continue;
    const z = nodeOf[pod.spec.nodeName] ?? '?';
    podsPerZone[z] = (podsPerZone[z] ?? 0) + 1;
  }
  return {
    nodes: { total: nodes.items.length, ready: nodes.items.filter(isNodeReady).length, zones },
    deployment: dep.status === 404 ? null : { replicas: dep.spec.replicas, ready: dep.status?.readyReplicas ?? 0 },
    pdb:
      pdb.status === 404
        ? null
        : { minAvailable: pdb.spec.minAvailable, disruptionsAllowed: pdb.status?.disruptionsAllowed ?? null },
    readyPodsPerZone: podsPerZone,
  };
}

// ---------------------------------------------------------------- down

/**
 * Stop every process (SIGTERM, then SIGKILL), check no port is left listening, and remove
 * the state dir. Returns { stopped, survivors, listening }.
 */
export async function down({ stateDir = DEFAULT_STATE_DIR, log = (line) => console.log(line) } = {}) {
  stateDir = path.resolve(stateDir);
  if (!assertFixtureDir(stateDir)) {
    log(`[k8s-fixture] nothing to stop: ${stateDir} does not exist`);
    return { stopped: [], survivors: [], listening: [] };
  }
  const state = readState(stateDir);
  const pids = readPids(stateDir);
  const survivors = await stopAll(stateDir, { binDir: state?.binDir, log: (m) => log(`[k8s-fixture] ${m}`) });
  const ports = Object.values(state?.ports ?? {});
  let listening = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    listening = (await Promise.all(ports.map(async (port) => ((await isListening(port)) ? port : null)))).filter(
      Boolean,
    );
    if (listening.length === 0) break;
    await sleep(100);
  }
  if (survivors.length === 0) fs.rmSync(stateDir, { recursive: true, force: true });
  const stopped = Object.keys(pids).filter((n) => !survivors.includes(n));
  log(
    `[k8s-fixture] down: stopped ${stopped.length ? stopped.join(', ') : 'nothing'}` +
      (survivors.length ? `; STILL RUNNING: ${survivors.join(', ')} (state dir kept)` : `; removed ${stateDir}`) +
      (listening.length ? `; ports still listening: ${listening.join(', ')}` : ''),
  );
  return { stopped, survivors, listening };
}
