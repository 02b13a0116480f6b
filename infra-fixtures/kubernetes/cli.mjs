#!/usr/bin/env node
// The Kubernetes fixture by hand:
//   npm run fixture:k8s -- up [--state-dir D] [--nodes-per-zone N] [--spot-per-zone N]
//                             [--scale NODES] [--bench-pods PODS] [--timeout SECONDS] [--keep-on-failure] [--verbose]
//                             [--owner-pid PID]
//   npm run fixture:k8s -- down [--state-dir D]
//   npm run fixture:k8s -- status [--state-dir D] [--json]
//   npm run fixture:k8s -- build
// `up` prints progress, a summary and, as its last stdout line, KUBECONFIG=<path>.
// The kubeconfig has two contexts: `gameday` (current; the restricted chaos user) and `admin`.
// With --owner-pid the fixture stops by itself once that process is gone (a bench that started it);
// without it, it runs until `down`.

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { UsageError, parseFixtureArgs } from '../shared/cli-args.mjs';
import { DEFAULT_STATE_DIR, FIXTURE_DIR, clusterSummary, down, status, up } from './lib/cluster.mjs';
import { KubeClient } from './lib/kube.mjs';

function parseArgs(argv) {
  const opts = parseFixtureArgs(argv, {
    commands: ['up', 'down', 'status', 'build'],
    defaults: { stateDir: DEFAULT_STATE_DIR, json: false },
    flags: {
      '--state-dir': (o, { value }) => (o.stateDir = path.resolve(value())),
      '--nodes-per-zone': (o, { int }) => (o.nodesPerZone = int(1)),
      '--spot-per-zone': (o, { int }) => (o.spotPerZone = int(0)),
      '--scale': (o, { int }) => (o.scale = int(3)),
      '--bench-pods': (o, { int }) => (o.benchPods = int(1)),
      '--timeout': (o, { int }) => (o.timeoutMs = int(1) * 1000),
      '--keep-on-failure': (o) => (o.keepOnFailure = true),
      '--verbose': (o) => (o.verbose = true),
      '--json': (o) => (o.json = true),
      '--owner-pid': (o, { int }) => (o.ownerPid = int(1)),
    },
  });
  if (opts.spotPerZone !== undefined && opts.spotPerZone > (opts.nodesPerZone ?? 3)) {
    throw new UsageError('--spot-per-zone cannot exceed --nodes-per-zone');
  }
  return opts;
}

function printSummary(state, summary) {
  const v = state.versions;
  console.log(`gameday Kubernetes fixture (${state.stateDir})`);
  console.log(
    `  versions: kube-apiserver ${v['kube-apiserver']}, kube-controller-manager ${v['kube-controller-manager']}, ` +
      `kube-scheduler ${v['kube-scheduler']}, etcd ${v.etcd}, kwok ${v.kwok}`,
  );
  console.log(
    `  ports:    apiserver ${state.ports.apiserver} (${state.server}), etcd ${state.ports.etcd}/${state.ports.etcdPeer}, ` +
      `controller-manager ${state.ports.controllerManager}, scheduler ${state.ports.scheduler} — all on 127.0.0.1`,
  );
  console.log(
    `  pids:     ${Object.entries(state.pids)
      .map(([n, p]) => `${n} ${p}`)
      .join(', ')}`,
  );
  if (summary) {
    const zones = Object.entries(summary.nodes.zones)
      .map(([z, g]) => `${z}: on-demand ${g.ON_DEMAND[0]}/${g.ON_DEMAND[1]}, spot ${g.SPOT[0]}/${g.SPOT[1]}`)
      .join('; ');
    console.log(`  nodes:    ${summary.nodes.ready}/${summary.nodes.total} Ready (ready/total per zone — ${zones})`);
    if (summary.deployment) {
      const perZone = Object.entries(summary.readyPodsPerZone)
        .sort()
        .map(([z, n]) => `${z}=${n}`)
        .join(' ');
      console.log(
        `  workload: ${state.namespace}/${state.deployment} ${summary.deployment.ready}/${summary.deployment.replicas} ready (per zone ${perZone})`,
      );
    }
    if (summary.pdb) {
      console.log(
        `  pdb:      minAvailable ${summary.pdb.minAvailable}, disruptionsAllowed ${summary.pdb.disruptionsAllowed}`,
      );
    }
  }
  if (state.benchPods) console.log(`  bench:    ${state.namespace}/connectkit-bench ${state.benchPods} pods`);
  console.log(`  contexts: gameday (current; restricted chaos user), admin (system:masters)`);
  console.log(`  logs:     ${path.join(state.stateDir, 'logs')}`);
}

async function summaryFor(state) {
  const client = KubeClient.fromKubeconfig(state.kubeconfig, 'admin');
  try {
    return await clusterSummary(client);
  } finally {
    await client.close();
  }
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`fixture:k8s: ${err.message}`);
    console.error(
      'usage: npm run fixture:k8s -- up|down|status|build [options]  (see infra-fixtures/kubernetes/README.md)',
    );
    return 2;
  }

  if (opts.command === 'build') {
    const r = spawnSync('bash', [path.join(FIXTURE_DIR, 'build.sh')], { stdio: 'inherit' });
    return r.status ?? 1;
  }

  if (opts.command === 'down') {
    const r = await down({ stateDir: opts.stateDir });
    return r.survivors.length || r.listening.length ? 1 : 0;
  }

  if (opts.command === 'status') {
    const s = await status({ stateDir: opts.stateDir });
    if (opts.json) {
      console.log(JSON.stringify(s, null, 2));
    } else if (!s.state) {
      console.log(`not running (no fixture state in ${s.stateDir})`);
    } else {
      printSummary(s.state, s.cluster);
      const dead = Object.entries(s.processes)
        .filter(([, pr]) => !pr.alive)
        .map(([n]) => n);
      console.log(`  health:   readyz ${s.readyz ?? s.error}${dead.length ? `; NOT RUNNING: ${dead.join(', ')}` : ''}`);
      if (s.running) console.log(`KUBECONFIG=${s.state.kubeconfig}`);
    }
    return s.running ? 0 : 3;
  }

  const t0 = performance.now();
  try {
    const state = await up(opts);
    const summary = await summaryFor(state);
    printSummary(state, summary);
    const total = ((performance.now() - t0) / 1000).toFixed(1);
    if (state.alreadyUp) console.log(`  started:  earlier (${state.startedAt}); reused`);
    else
      console.log(
        `  started:  in ${Number(state.startSeconds).toFixed(1)}s (control plane + nodes + workload ready); ${total}s in all`,
      );
    if (state.watchdogPid) {
      console.log(`  owner:    pid ${opts.ownerPid}; stopped by watchdog pid ${state.watchdogPid} once it is gone`);
    }
    console.log(`KUBECONFIG=${state.kubeconfig}`);
    return 0;
  } catch (err) {
    console.error(`fixture:k8s up failed: ${err.message}`);
    return err.interrupted ? 130 : 1;
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
