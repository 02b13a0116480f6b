#!/usr/bin/env node
// Smoke test of the Kubernetes fixture (no test framework):
//   node infra-fixtures/kubernetes/smoke.mjs [--keep]
// 1. `up` in a fresh state dir; 2. as the restricted `gameday` user: list the ConnectKit
// pods, delete one and time the Deployment's return to 5/5 ready; 3. check `gameday` is
// forbidden to delete the namespace (403) and to read another namespace; 4. evict pods
// until the PodDisruptionBudget answers 429; 5. `down`, and check nothing is left running
// or listening. Exits non-zero on any failure.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPids } from './lib/procs.mjs';
import { KubeClient } from './lib/kube.mjs';
import { isAlive, isListening, sleep } from './lib/util.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, 'cli.mjs');
const NS = 'production';
const keep = process.argv.includes('--keep');

const results = [];
function check(ok, what) {
  results.push({ ok, what });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) throw new Error(what);
}

function runCli(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      process.stdout.write(chunk);
    });
    child.on('exit', (code) => resolve({ code, out }));
  });
}

const isReady = (pod) => (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

async function main() {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gameday-k8s-smoke-'));
  let gameday;
  let ports = [];
  let pids = {};
  try {
    const t0 = performance.now();
    // Owned by this script unless kept: killed mid-way, it still leaves nothing running.
    const upRun = await runCli(['up', '--state-dir', stateDir, ...(keep ? [] : ['--owner-pid', String(process.pid)])]);
    const lines = upRun.out.trim().split('\n');
    const last = lines.at(-1) ?? '';
    check(upRun.code === 0, `up exited 0 (took ${((performance.now() - t0) / 1000).toFixed(1)}s)`);
    check(last.startsWith('KUBECONFIG='), `last stdout line is KUBECONFIG=… (${last})`);
    const kubeconfig = last.slice('KUBECONFIG='.length);
    const state = JSON.parse(fs.readFileSync(path.join(stateDir, 'state.json'), 'utf8'));
    ports = Object.values(state.ports);
    pids = readPids(stateDir);

    gameday = KubeClient.fromKubeconfig(kubeconfig, 'gameday');
    const podsPath = `/api/v1/namespaces/${NS}/pods?labelSelector=app%3Dconnectkit`;
    const depPath = `/apis/apps/v1/namespaces/${NS}/deployments/connectkit-app`;

    // List as gameday.
    const pods = (await gameday.get(podsPath)).items;
    check(pods.length === 5 && pods.every(isReady), `gameday lists ${pods.length} ConnectKit pods in ${NS}, all ready`);
    const zones = new Set(pods.map((p) => p.spec.nodeName.split('-')[1]));
    check(zones.size === 3, `pods are spread over zones ${[...zones].sort().join(', ')}`);

    // Delete one and time the recovery.
    const victim = pods[0];
    const tDelete = performance.now();
    await gameday.request('DELETE', `/api/v1/namespaces/${NS}/pods/${victim.metadata.name}`);
    let sawDrop = false;
    let replacement = null;
    const deadline = tDelete + 60_000;
    for (;;) {
      const d = await gameday.get(depPath);
      if ((d.status?.readyReplicas ?? 0) < 5) sawDrop = true;
      if (sawDrop && d.status?.readyReplicas === 5) {
        const now = (await gameday.get(podsPath)).items;
        replacement = now.find((p) => !pods.some((o) => o.metadata.uid === p.metadata.uid) && isReady(p));
        if (replacement) break;
      }
      if (performance.now() > deadline) break;
      await sleep(100);
    }
    const recoverySeconds = (performance.now() - tDelete) / 1000;
    check(sawDrop, 'readyReplicas dropped below 5 after the delete');
    check(
      !!replacement,
      `Deployment back to 5/5 ready after ${recoverySeconds.toFixed(1)}s (replacement ${replacement?.metadata.name})`,
    );
    check(
      recoverySeconds >= 1,
      `recovery took a measurable time (${recoverySeconds.toFixed(1)}s >= 1s, from kwok's stages)`,
    );

    // RBAC: what gameday must not do.
    const nsDelete = await gameday.request('DELETE', `/api/v1/namespaces/${NS}`, { allow: [200, 202, 403] });
    check(nsDelete.status === 403, `gameday deleting namespace ${NS} is forbidden (HTTP ${nsDelete.status})`);
    const other = await gameday.get('/api/v1/namespaces/kube-system/pods', { allow: [200, 403] });
    check(other.status === 403, `gameday listing pods in kube-system is forbidden (HTTP ${other.status})`);
    const ssar = await gameday.request('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { namespace: NS, verb: 'create', resource: 'pods', subresource: 'eviction' } },
      },
    });
    check(ssar.status?.allowed === true, 'SelfSubjectAccessReview: gameday may create pods/eviction');

    // PDB: with 5 ready and minAvailable 3, two evictions pass and the third gets 429.
    await sleep(500); // let the PDB controller observe the 5 ready pods
    const current = (await gameday.get(podsPath)).items.filter((p) => !p.metadata.deletionTimestamp);
    const codes = [];
    for (const pod of current.slice(0, 3)) {
      const r = await gameday.request('POST', `/api/v1/namespaces/${NS}/pods/${pod.metadata.name}/eviction`, {
        body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod.metadata.name, namespace: NS } },
        allow: [201, 429],
      });
      codes.push(r.status);
    }
    check(codes.join(',') === '201,201,429', `evictions answered ${codes.join(', ')} (PDB blocks the third)`);
  } finally {
    if (gameday) await gameday.close();
    if (keep) {
      console.log(`--keep: fixture left running in ${stateDir}`);
    } else {
      const downRun = await runCli(['down', '--state-dir', stateDir]);
      const alive = Object.entries(pids).filter(([, pid]) => isAlive(pid));
      const listening = [];
      for (const port of ports) if (await isListening(port)) listening.push(port);
      results.push({ ok: downRun.code === 0, what: 'down exited 0' });
      results.push({ ok: alive.length === 0, what: `no fixture process left (${alive.map(([n]) => n).join(', ')})` });
      results.push({ ok: listening.length === 0, what: `no port left listening (${listening.join(', ')})` });
      results.push({ ok: !fs.existsSync(stateDir), what: 'state dir removed' });
      for (const r of results.slice(-4)) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.what}`);
    }
  }
}

main()
  .catch((err) => {
    if (!results.some((r) => !r.ok)) console.error(err);
  })
  .finally(() => {
    const failed = results.filter((r) => !r.ok).length;
    const ok = failed === 0 && results.length > 0;
    console.log(
      ok ? `smoke: PASS (${results.length} checks)` : `smoke: FAIL (${failed} of ${results.length} checks failed)`,
    );
    process.exit(ok ? 0 : 1);
  });
