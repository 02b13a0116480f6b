// The shared target lock and the mirrored journal on a real control plane (infra-fixtures/kubernetes):
// every gameday process here has its own TMPDIR — its own lock directory and report directory — so the
// only thing two of them share is the cluster, as two CI runners or two pods would. The Lease in the
// target namespace makes the second run refuse; the ConfigMap next to it lets another process undo a
// run killed with SIGKILL in the middle of a zone outage, after the killed run's files are gone.

import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, runCli, startCli } from '../helpers/cli.js';
import { NAMESPACE, clusterState, nodes, settled, startFixture, type Fixture, type KubeObject } from './cluster.js';

let fixture: Fixture;
let nodeCount: number;
const dirs: string[] = [];

beforeAll(async () => {
  fixture = await startFixture();
  nodeCount = (await nodes(fixture.admin)).length;
}, 15 * 60_000);

afterAll(async () => {
  await fixture?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}, 60_000);

/** A machine of its own: a fresh TMPDIR (so its own lock files) and report dir; only the cluster is shared. */
function machine(): { env: Record<string, string | undefined>; reports: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-k8s-machine-'));
  dirs.push(dir);
  return {
    dir,
    reports: join(dir, 'reports'),
    env: { TMPDIR: dir, GAMEDAY_LOCK_DIR: undefined, KUBECONFIG: fixture.kubeconfig },
  };
}

async function gamedayObjects(): Promise<{ leases: KubeObject[]; journals: KubeObject[] }> {
  const leases = await fixture.admin.get(
    `/apis/coordination.k8s.io/v1/namespaces/${NAMESPACE}/leases?labelSelector=gameday.dev%2Flock%3Dtrue`,
  );
  const journals = await fixture.admin.get(
    `/api/v1/namespaces/${NAMESPACE}/configmaps?labelSelector=gameday.dev%2Fjournal%3Dtrue`,
  );
  return { leases: leases.items, journals: journals.items };
}

/** Start a run and wait until its zone outage is in place; its run id. */
async function runUntilFault(
  file: string,
  m: ReturnType<typeof machine>,
): Promise<{ runId: string; child: ReturnType<typeof startCli>['child']; done: ReturnType<typeof startCli>['done'] }> {
  const { child, done } = startCli(['run', file, '--report-dir', m.reports], m.env);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await eventually(() => (/fault zone-outage injected/.test(stderr) ? true : undefined), 90_000, 'the fault');
  const scenario = readdirSync(m.reports)[0] as string;
  const runId = readdirSync(join(m.reports, scenario))[0] as string;
  return { runId, child, done };
}

const zoneBCordoned = async (): Promise<boolean> =>
  (await nodes(fixture.admin)).filter((n) => n.labels['topology.kubernetes.io/zone'] === 'b').every((n) => n.cordoned);

describe('a Lease per target namespace', () => {
  it('a second run from another process (its own lock dir) refuses with exit 3, naming the holder and since when', async () => {
    await settled(fixture.admin, nodeCount);
    const a = machine();
    const b = machine();
    const first = await runUntilFault('test/k8s/fixtures/zone-hold.yaml', a);
    try {
      const held = await gamedayObjects();
      expect(held.leases).toHaveLength(1);
      const lease = held.leases[0] as KubeObject & { spec?: { holderIdentity?: string } };
      expect(lease.spec?.holderIdentity).toBe(`${first.runId}@${hostname()}`);
      // The journal is mirrored before the mutation: the zone outage's intent is in the ConfigMap.
      expect(held.journals.map((j) => j.metadata.name)).toEqual([`gameday-journal-${first.runId.toLowerCase()}`]);
      const mirrored = (held.journals[0] as KubeObject & { data?: Record<string, string> }).data?.['journal.ndjson'];
      expect(mirrored).toMatch(/"type":"intent"[^\n]*"op":"restore-zone"/);

      const second = await runCli(['run', 'test/k8s/fixtures/zone-hold.yaml', '--report-dir', b.reports], b.env);
      const out = second.stdout + second.stderr;
      expect(second.code, out).toBe(3);
      expect(out).toMatch(
        new RegExp(
          `is locked by run ${first.runId} \\(pid ${first.child.pid} on ${hostname()}, since \\d{4}-\\d\\d-\\d\\dT`,
        ),
      );
      expect(out).toMatch(/Lease production\/gameday-lock-[0-9a-f]{16}/);
      // The refused run changed nothing: zone b is still down by the first run alone, which goes on.
      expect(await zoneBCordoned()).toBe(true);
      expect(first.child.exitCode).toBeNull();
    } finally {
      first.child.kill('SIGINT');
    }
    const end = await first.done;
    expect(end.code, end.stdout + end.stderr).toBe(3);
    await settled(fixture.admin, nodeCount);
    // Released at the end with its journal copy: nothing of gameday's is left in the namespace.
    expect(await gamedayObjects()).toEqual({ leases: [], journals: [] });
  }, 240_000);
});

describe('a run killed with SIGKILL, rolled back from another machine through the mirrored journal', () => {
  it('gameday rollback --orphans: nodes uncordoned, taints removed, deployment ready', async () => {
    await settled(fixture.admin, nodeCount);
    const a = machine();
    const killed = await runUntilFault('test/k8s/fixtures/zone-hold.yaml', a);
    killed.child.kill('SIGKILL');
    await killed.done;
    expect(await zoneBCordoned()).toBe(true);
    // The machine is gone, and its journal and lock files with it.
    rmSync(a.dir, { recursive: true, force: true });

    const b = machine();
    const res = await runCli(
      ['rollback', '--orphans', 'test/k8s/fixtures/zone-hold.yaml', '--report-dir', b.reports],
      b.env,
    );
    const out = res.stdout + res.stderr;
    expect(res.code, out).toBe(0);
    expect(out).toContain(`held by run ${killed.runId} (pid ${killed.child.pid} on ${hostname()}`);
    expect(out).toMatch(/target confirmed: Kubernetes API server https:\/\/127\.0\.0\.1:\d+ \(CA sha256 /);
    expect(out).toMatch(/zone b restored/);
    expect(out).toMatch(/rollback complete: \d+ mutation\(s\) undone/);
    await settled(fixture.admin, nodeCount);
    expect(await clusterState(fixture.admin, nodeCount)).toBe('as it was');
    expect(await gamedayObjects()).toEqual({ leases: [], journals: [] });
    // The journal it undid was copied from the ConfigMap into this machine's report dir, with the undos.
    const copy = join(b.reports, 'it-k8s-zone-hold', killed.runId, 'journal.ndjson');
    expect(readFileSync(copy, 'utf8')).toMatch(/"type":"undone"/);
    const again = await runCli(['rollback', '--orphans', 'test/k8s/fixtures/zone-hold.yaml'], b.env);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('nothing to roll back: no run holds a lock in Lease namespace production');
  }, 240_000);

  it('guards.deadman: the next run rolls back what the killed run left, then runs', async () => {
    await settled(fixture.admin, nodeCount);
    const a = machine();
    const killed = await runUntilFault('test/k8s/fixtures/zone-hold-deadman.yaml', a);
    killed.child.kill('SIGKILL');
    await killed.done;
    expect(await zoneBCordoned()).toBe(true);
    rmSync(a.dir, { recursive: true, force: true });

    const b = machine();
    const next = await runCli(['run', 'test/k8s/fixtures/zone-hold-deadman.yaml', '--report-dir', b.reports], b.env);
    const out = next.stdout + next.stderr;
    expect(next.code, out).toBe(0);
    expect(out).toMatch(/guards\.deadman: rolling it back first/);
    expect(out).toContain(`rolled back run ${killed.runId}`);
    await settled(fixture.admin, nodeCount);
    expect(await clusterState(fixture.admin, nodeCount)).toBe('as it was');
    expect(await gamedayObjects()).toEqual({ leases: [], journals: [] });
  }, 300_000);
});
