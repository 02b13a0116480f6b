// The Kubernetes fixture stops by itself when the process it belongs to dies: `up` with `ownerPid` in a
// child node process that is then SIGKILLed — once the fixture is up, and halfway through `up` — leaves
// no process (control plane, kwok, the watchdog), no listening port and no state dir behind.

import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { down, type K8sFixtureState } from '../../infra-fixtures/kubernetes/lib/cluster.mjs';
import { portOpen } from '../../infra-fixtures/shared/net.mjs';
import { eventually } from '../helpers/cli.js';
import { isRunning, processesMentioning, startOwnerChild, type OwnerChild } from '../helpers/owner.js';
import { INSTALL_HINT } from './cluster.js';

const CLUSTER = new URL('../../infra-fixtures/kubernetes/lib/cluster.mjs', import.meta.url).href;

/** The owner: starts the fixture as test files do (library `up`, owned by itself), then idles. */
const OWNER = `
const { up } = await import(process.argv[1]);
const log = (line) => process.stderr.write(line + '\\n');
const state = await up({ stateDir: process.argv[2], ownerPid: process.pid, timeoutMs: 180000, log });
console.log('READY ' + JSON.stringify(state));
setInterval(() => {}, 60000);
`;

/** Bounds the wait for the teardown; no timing goal (each process gets SIGTERM, then SIGKILL after 10 s). */
const GONE_WITHIN_MS = 60_000;

let stateDir = '';
let owner: OwnerChild | undefined;

afterEach(async () => {
  owner?.child.kill('SIGKILL');
  owner = undefined;
  if (stateDir && existsSync(stateDir)) {
    await down({ stateDir, log: () => undefined }).catch(() => undefined);
    rmSync(stateDir, { recursive: true, force: true });
  }
}, 60_000);

/** What the fixture left: live pids, processes naming its state dir, open ports, the dir itself ('' when nothing). */
async function leftovers(pids: number[], ports: number[]): Promise<string> {
  const left: string[] = [];
  const live = pids.filter(isRunning);
  if (live.length > 0) left.push(`pids ${live.join(', ')}`);
  for (const p of processesMentioning(stateDir)) left.push(`process ${p.pid} (${p.cmdline.slice(0, 120)})`);
  const open: number[] = [];
  for (const port of ports) if (await portOpen(port)) open.push(port);
  if (open.length > 0) left.push(`ports ${open.join(', ')}`);
  if (existsSync(stateDir)) left.push(`state dir ${stateDir}`);
  return left.join('; ');
}

/** Wait (bounded) until nothing is left; returns how long it took. */
async function allGone(pids: number[], ports: number[]): Promise<number> {
  const t0 = Date.now();
  let last = '';
  await eventually(
    async () => {
      last = await leftovers(pids, ports);
      return last === '' ? true : undefined;
    },
    GONE_WITHIN_MS,
    'the fixture to stop after its owner was killed',
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}; left: ${last}`);
  });
  return Date.now() - t0;
}

/** Loopback ports in the command lines of the processes started so far (the first line of each log). */
function startedPorts(dir: string): number[] {
  const logs = join(dir, 'logs');
  const ports = new Set<number>();
  for (const f of readdirSync(logs)) {
    const first = readFileSync(join(logs, f), 'utf8').split('\n')[0] ?? '';
    for (const m of first.matchAll(/127\.0\.0\.1:(\d+)|--secure-port=(\d+)/g)) ports.add(Number(m[1] ?? m[2]));
  }
  return [...ports];
}

describe('the Kubernetes fixture with an owner', () => {
  it('stops every process and closes every port once its owner is SIGKILLed', async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'gameday-k8s-test-'));
    owner = startOwnerChild(OWNER, [CLUSTER, stateDir]);
    const state = (await owner.ready(300_000).catch((error: unknown) => {
      throw new Error(`${INSTALL_HINT}\n${String(error)}`);
    })) as K8sFixtureState;
    expect(Object.keys(state.pids).sort()).toEqual([
      'etcd',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
      'kwok',
    ]);
    expect(state.watchdogPid).toBeGreaterThan(0);
    const pids = [...Object.values(state.pids), state.watchdogPid as number];
    const ports = Object.values(state.ports);
    expect(pids.filter(isRunning)).toEqual(pids);

    owner.child.kill('SIGKILL');
    const ms = await allGone(pids, ports);
    console.log(`k8s fixture gone ${ms} ms after its owner was killed`);
  }, 420_000);

  it('leaves nothing behind when its owner is SIGKILLed halfway through up', async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'gameday-k8s-test-'));
    owner = startOwnerChild(OWNER, [CLUSTER, stateDir]);
    const child = owner.child;
    // The API server has just been started: etcd runs, the controllers and nodes are still to come.
    await eventually(
      () => {
        if (child.exitCode !== null) throw new Error(`the owner exited early:\n${owner?.stderr()}`);
        return existsSync(join(stateDir, 'pids', 'kube-apiserver.pid')) ? true : undefined;
      },
      300_000,
      'up to start kube-apiserver',
    );
    const ports = startedPorts(stateDir);
    const pids = processesMentioning(stateDir).map((p) => p.pid);
    expect(ports.length).toBeGreaterThanOrEqual(3); // etcd client and peer, kube-apiserver
    expect(pids.length).toBeGreaterThanOrEqual(3); // etcd, kube-apiserver, the watchdog

    child.kill('SIGKILL');
    await allGone(pids, ports);
    expect(owner.stderr()).not.toContain('READY');
  }, 420_000);
});
