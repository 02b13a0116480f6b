// The shared target lock and the mirrored journal on a real control plane (infra-fixtures/kubernetes):
// every gameday process here has its own TMPDIR — its own lock directory and report directory — so the
// only thing two of them share is the cluster, as two CI runners or two pods would. The Lease in the
// target namespace makes the second run refuse; the ConfigMap next to it lets another process undo a
// run killed with SIGKILL in the middle of a zone outage, after the killed run's files are gone. A run
// "on another host" runs in a UTS namespace of its own (unshare --uts, as root): its process is out of
// sight, and only its Lease's renewals say whether it still runs, as for a container or another runner.

import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { eventually, runCli, startCli } from '../helpers/cli.js';
import {
  clusterState,
  expectZoneBRolledBack,
  gamedayObjects as shared,
  leaseExpired,
  nodes,
  settled,
  startFixture,
  type Fixture,
  type KubeObject,
} from './cluster.js';

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

const gamedayObjects = (): ReturnType<typeof shared> => shared(fixture.admin);

/**
 * Start a run and wait until its zone outage is in place; its run id. `host`: the run gets a host name of
 * its own (a UTS namespace, as a container or another runner has), so no one here can see its process:
 * only its Lease's renewals tell whether it still runs.
 */
async function runUntilFault(
  file: string,
  m: ReturnType<typeof machine>,
  host?: string,
): Promise<{ runId: string; child: ReturnType<typeof startCli>['child']; done: ReturnType<typeof startCli>['done'] }> {
  const args = ['run', file, '--report-dir', m.reports];
  const { child, done } = startCli(args, m.env, host === undefined ? {} : { host });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await eventually(() => (/fault zone-outage injected/.test(stderr) ? true : undefined), 90_000, 'the fault').catch(
    (error: unknown) => {
      // unshare needs root (CAP_SYS_ADMIN): its refusal is in what the run printed.
      throw new Error(`${(error as Error).message}; the run printed: ${stderr.slice(-1000)}`);
    },
  );
  const scenario = readdirSync(m.reports)[0] as string;
  const runId = readdirSync(join(m.reports, scenario))[0] as string;
  return { runId, child, done };
}

/** A run killed with SIGKILL once its zone outage is in place, and its machine gone (journal and lock files too). */
async function killMidFault(file: string, host?: string): Promise<Awaited<ReturnType<typeof runUntilFault>>> {
  await settled(fixture.admin, nodeCount);
  const a = machine();
  const killed = await runUntilFault(file, a, host);
  killed.child.kill('SIGKILL');
  await killed.done;
  rmSync(a.dir, { recursive: true, force: true });
  return killed;
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
  it('gameday rollback --target from another process (own TMPDIR, no local journal): uncordoned, taints removed, nodes Ready, deployment ready', async () => {
    const t0 = Date.now();
    const killed = await killMidFault('test/k8s/fixtures/zone-hold.yaml');
    const killedAt = Date.now();
    expect(await zoneBCordoned()).toBe(true);

    const b = machine();
    const rollbackStart = Date.now();
    const res = await runCli(
      ['rollback', '--target', 'test/k8s/fixtures/zone-hold.yaml', '--report-dir', b.reports],
      b.env,
    );
    const rollbackMs = Date.now() - rollbackStart;
    const out = res.stdout + res.stderr;
    expect(out).toContain(`held by run ${killed.runId} (pid ${killed.child.pid} on ${hostname()}`);
    expect(out).toMatch(/target confirmed: Kubernetes API server https:\/\/127\.0\.0\.1:\d+ \(CA sha256 /);
    await expectZoneBRolledBack(fixture.admin, nodeCount, res);
    const restoredMs = Date.now() - rollbackStart;
    // The journal it undid was copied from the ConfigMap into this machine's report dir, with the undos.
    const copy = join(b.reports, 'it-k8s-zone-hold', killed.runId, 'journal.ndjson');
    expect(readFileSync(copy, 'utf8')).toMatch(/"type":"undone"/);
    const again = await runCli(['rollback', '--target', 'test/k8s/fixtures/zone-hold.yaml'], b.env);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('nothing to roll back: no run holds a lock in Lease namespace production');
    console.log(
      `kill test (host process): fault in place and SIGKILL ${Math.round((killedAt - t0) / 1000)}s after start; ` +
        `rollback --target took ${(rollbackMs / 1000).toFixed(1)}s, cluster as it was ${(restoredMs / 1000).toFixed(1)}s after it began`,
    );
  }, 240_000);

  it('a run on another host, killed: refused while its lease runs, left by the watcher (no guards.deadman), repaired by the next run once the lease expired', async () => {
    const killed = await killMidFault('test/k8s/fixtures/zone-hold.yaml', 'runner-a');
    const killedAt = Date.now();
    const b = machine();

    // Within its lease nothing here can tell it from a live run: a second run refuses (exit 3), naming it.
    const early = await runCli(['run', 'test/k8s/fixtures/zone-hold-deadman.yaml', '--report-dir', b.reports], b.env);
    expect(early.code, early.stdout + early.stderr).toBe(3);
    expect(early.stdout + early.stderr).toMatch(
      new RegExp(`is locked by run ${killed.runId} \\(pid ${killed.child.pid} on runner-a, since \\d{4}-`),
    );
    expect(await zoneBCordoned()).toBe(true);

    await leaseExpired(fixture.admin);
    // The watcher leaves an expired run that set no guards.deadman to whoever wants the target.
    const watcher = await runCli(['rollback', '--orphans', 'test/k8s/fixtures/zone-hold.yaml'], b.env);
    expect(watcher.code, watcher.stdout + watcher.stderr).toBe(0);
    expect(watcher.stdout).toMatch(/stopped renewing, and set no guards\.deadman: left to the next run on the target/);
    expect(await zoneBCordoned()).toBe(true);

    const next = await runCli(['run', 'test/k8s/fixtures/zone-hold-deadman.yaml', '--report-dir', b.reports], b.env);
    const out = next.stdout + next.stderr;
    expect(next.code, out).toBe(0);
    expect(out).toMatch(/rolling back what it left before taking the lock/);
    expect(out).toMatch(new RegExp(`repaired kubernetes:\\S+: rolled back run ${killed.runId} \\(on runner-a`));
    await settled(fixture.admin, nodeCount);
    expect(await clusterState(fixture.admin, nodeCount)).toBe('as it was');
    expect(await gamedayObjects()).toEqual({ leases: [], journals: [] });
    // The repair is in the next run's report (with the timeline entry) and its journal.
    // The refused run above has a run directory too; run ids sort by time.
    const runDir = join(
      b.reports,
      'it-k8s-zone-hold-deadman',
      readdirSync(join(b.reports, 'it-k8s-zone-hold-deadman')).sort().at(-1) as string,
    );
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
    expect(report.verdict).toBe('pass');
    expect(report.repairs).toEqual([
      expect.objectContaining({ runId: killed.runId, host: 'runner-a', complete: true, failed: [] }),
    ]);
    expect(report.repairs?.[0]?.undone).toBeGreaterThan(0);
    expect(report.timeline.some((e) => e.kind === 'repair' && e.message.includes(killed.runId))).toBe(true);
    expect(readFileSync(join(runDir, 'journal.ndjson'), 'utf8')).toMatch(
      new RegExp(`"type":"repair"[^\\n]*"runId":"${killed.runId}"[^\\n]*"complete":true`),
    );
    console.log(
      `kill test (another host): the next run repaired and ran ${Math.round((Date.now() - killedAt) / 1000)}s after the SIGKILL (lease 60s)`,
    );
  }, 420_000);

  it('guards.deadman, a run on another host killed: the watcher (gameday rollback --orphans) rolls it back with no run wanting the target', async () => {
    const killed = await killMidFault('test/k8s/fixtures/zone-hold-deadman.yaml', 'runner-a');
    const b = machine();
    // Within its dead-man time the watcher leaves it alone.
    const early = await runCli(['rollback', '--orphans', 'test/k8s/fixtures/zone-hold-deadman.yaml'], b.env);
    expect(early.code, early.stdout + early.stderr).toBe(0);
    expect(early.stdout).toMatch(
      new RegExp(`held by run ${killed.runId} \\(pid \\d+ on runner-a, .*: still running, left alone`),
    );
    expect(await zoneBCordoned()).toBe(true);

    await leaseExpired(fixture.admin);
    const res = await runCli(
      ['rollback', '--orphans', 'test/k8s/fixtures/zone-hold-deadman.yaml', '--report-dir', b.reports],
      b.env,
    );
    await expectZoneBRolledBack(fixture.admin, nodeCount, res);
  }, 300_000);
});
