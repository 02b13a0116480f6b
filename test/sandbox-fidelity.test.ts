// The sandbox behaves like the system it stands for, run after run: zones that come back are refilled
// to an even spread (as a ReplicaSet with topology spread constraints), a region that comes back is
// spread over its zones, replication links close with the standby they served, marker cleanup leaves
// the database as it found it, and the fixture CLI's pointer is per user and temp dir. Real sandboxes,
// real PostgreSQL, the real CLI.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarkerWriter, dropMarkers } from '../src/drivers/postgres/markers.js';
import {
  SandboxClient,
  readGroundTruth,
  startSandbox,
  type SandboxHandle,
  type SandboxStatus,
} from '../src/drivers/sandbox/index.js';
import { stopSandboxFromState } from '../src/drivers/sandbox/teardown.js';
import type { Report } from '../src/report/types.js';
import { systemClock } from '../src/util/clock.js';
import { ROOT, eventually, runCli } from './helpers/cli.js';
import { query } from './helpers/postgres.js';
import { listeningPorts } from './helpers/procs.js';

const perZone = (s: SandboxStatus, region?: string): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const zone of Object.keys(s.zones)) if (!region || zone.startsWith(`${region}-`)) counts[zone] = 0;
  for (const r of s.replicas) {
    if (r.state !== 'ready' && r.state !== 'starting') continue;
    if (r.zone in counts) counts[r.zone] = (counts[r.zone] ?? 0) + 1;
  }
  return counts;
};

/** Whole, every zone up, nothing being moved: the state a run may start from. */
async function settled(client: SandboxClient, what: string): Promise<SandboxStatus> {
  return eventually(
    async () => {
      const s = await client.status();
      const steady = s.ready === s.desired && !s.rebalancing && Object.values(s.zones).every((z) => z.up);
      return steady ? s : undefined;
    },
    60_000,
    what,
  );
}

describe('zones that come back are refilled', () => {
  let sb: SandboxHandle;
  const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gameday-fidelity-reports-'));
  beforeAll(async () => {
    sb = await startSandbox({ replicas: 6, zones: ['a', 'b', 'c'], startupDelayMs: 200, database: false });
  });
  afterAll(async () => {
    await sb?.stop();
    fs.rmSync(reportDir, { recursive: true, force: true });
  });

  it('after zone a is back, replicas are moved to it one at a time (never below 6 ready) until 2/2/2', async () => {
    await sb.client.zoneDown('a');
    const down = await eventually(
      async () => {
        const s = await sb.client.status();
        return s.ready === 6 ? s : undefined;
      },
      30_000,
      'six replicas in zones b and c',
    );
    expect(perZone(down)).toEqual({ a: 0, b: 3, c: 3 });
    const upAt = Date.now();
    await sb.client.zoneUp('a');
    const even = await settled(sb.client, 'zone a to be refilled');
    expect(perZone(even)).toEqual({ a: 2, b: 2, c: 2 });
    const after = readGroundTruth(sb.stateDir).filter((e) => e.at >= upAt);
    // Moved, not restarted: two surge moves into a, and the fleet was whole all along.
    expect(after.filter((e) => e.event === 'zones-rebalancing').map((e) => e['to'])).toEqual(['a', 'a']);
    expect(after.filter((e) => e.event === 'fleet-degraded')).toEqual([]);
  });

  it('a second zone-outage run finds zone a populated again and measures its impact', async () => {
    const env = { GAMEDAY_SANDBOX_URL: sb.controlUrl };
    const file = 'test/fixtures/runs/zone-outage-short.yaml';
    for (const round of [1, 2]) {
      await settled(sb.client, `the sandbox to settle before run ${round}`);
      const res = await runCli(['run', file, '--report-dir', reportDir], env);
      expect(res.code, `run ${round}: ${res.stdout}\n${res.stderr}`).toBe(0);
    }
    const runs = fs.readdirSync(path.join(reportDir, 'it-zone-outage-short')).sort();
    expect(runs).toHaveLength(2);
    for (const run of runs) {
      const report = JSON.parse(
        fs.readFileSync(path.join(reportDir, 'it-zone-outage-short', run, 'report.json'), 'utf8'),
      ) as Report;
      // Zone a held two replicas both times: the outage had an impact the fleet recovered from.
      expect(report.measurements.rto?.status).toBe('recovered');
      expect(report.timeline.some((e) => /take zone a down .*: 2 replica\(s\) stop/.test(e.message))).toBe(true);
    }
  }, 120_000);
});

describe('a region that comes back', () => {
  let sb: SandboxHandle;
  beforeAll(async () => {
    sb = await startSandbox({
      replicas: 3,
      zones: ['a', 'b', 'c'],
      startupDelayMs: 200,
      database: false,
      regions: [{ name: 'west' }, { name: 'east', replicas: 0 }],
    });
  });
  afterAll(async () => sb?.stop());

  it('is spread over its zones again (1/1/1, not 3/0/0), without a rebalance', async () => {
    expect(perZone(await sb.client.status(), 'west')).toEqual({ 'west-a': 1, 'west-b': 1, 'west-c': 1 });
    await sb.client.regionDown('west', 'none');
    const upAt = Date.now();
    await sb.client.regionUp('west');
    const back = await eventually(
      async () => {
        const s = await sb.client.status();
        return s.regions['west']?.ready === 3 ? s : undefined;
      },
      30_000,
      'west to be whole again',
    );
    expect(perZone(back, 'west')).toEqual({ 'west-a': 1, 'west-b': 1, 'west-c': 1 });
    const after = readGroundTruth(sb.stateDir).filter((e) => e.at >= upAt);
    expect(after.filter((e) => e.event === 'replica-started').map((e) => e['zone'])).toEqual([
      'west-a',
      'west-b',
      'west-c',
    ]);
    expect(after.filter((e) => e.event === 'zones-rebalancing')).toEqual([]);
  });
});

describe('the sandbox database across failovers', () => {
  let sb: SandboxHandle;
  beforeAll(async () => {
    sb = await startSandbox({
      replicas: 1,
      zones: ['a'],
      startupDelayMs: 0,
      database: true,
      regions: [{ name: 'west' }, { name: 'east', replicas: 0 }],
      replicationLagMs: 20,
    });
  });
  afterAll(async () => sb?.stop());

  it('replication links close with the standby they served: the supervisor listens on as many ports after failovers', async () => {
    const before = listeningPorts(sb.pid);
    // balancer, control API, writer, reader, one replication link
    expect(before).toHaveLength(5);
    for (let i = 0; i < 3; i++) {
      await sb.client.stopPrimary('fast');
      await sb.client.promoteStandby();
      await sb.client.restoreDatabase();
      expect((await sb.client.status()).db?.standby).not.toBeNull();
      expect(listeningPorts(sb.pid), `after failover ${i + 1}`).toHaveLength(before.length);
    }
    expect((await sb.client.status()).db?.replicationLinks).toBe(1);
  }, 180_000);

  it('marker cleanup drops the gameday schema it created, and only that', async () => {
    const url = sb.databaseUrl as string;
    const schemas = async (): Promise<string[]> =>
      (await query<{ n: string }>(url, `SELECT nspname AS n FROM pg_namespace WHERE nspname = 'gameday'`)).map(
        (r) => r.n,
      );
    const mark = async (runId: string): Promise<void> => {
      const w = new MarkerWriter({ url, table: 'markers', runId, intervalMs: 50, clock: systemClock });
      await w.start();
      await eventually(() => (w.acknowledged.length > 0 ? true : undefined), 10_000, 'a marker');
      await w.close();
    };
    expect(await schemas()).toEqual([]);
    await mark('fidelity-1');
    expect(await schemas()).toEqual(['gameday']);
    expect(await dropMarkers({ url, table: 'markers', runId: 'fidelity-1' })).toBe(
      'marker table dropped; schema gameday dropped',
    );
    expect(await schemas()).toEqual([]);
    // Idempotent: a second rollback finds nothing and changes nothing.
    expect(await dropMarkers({ url, table: 'markers', runId: 'fidelity-1' })).toBe('marker table already gone');

    // A schema someone else made stays, with what else lives in it.
    await query(url, `CREATE SCHEMA gameday; CREATE TABLE gameday.keep (x int)`);
    await mark('fidelity-2');
    expect(await dropMarkers({ url, table: 'markers', runId: 'fidelity-2' })).toBe(
      'marker table dropped; schema gameday kept (gameday did not create it)',
    );
    expect(await schemas()).toEqual(['gameday']);
    await query(url, `DROP SCHEMA gameday CASCADE`);

    // A schema gameday made but someone put a table in: kept, since dropping it would drop their table.
    await mark('fidelity-3');
    await query(url, `CREATE TABLE gameday.theirs (x int)`);
    expect(await dropMarkers({ url, table: 'markers', runId: 'fidelity-3' })).toBe(
      'marker table dropped; schema gameday kept (other objects live in it)',
    );
    await query(url, `DROP TABLE gameday.theirs`);
    expect(await dropMarkers({ url, table: 'markers', runId: 'fidelity-3' })).toBe(
      'marker table already gone; schema gameday dropped',
    );
    expect(await schemas()).toEqual([]);
  }, 60_000);
});

describe('the fixture CLI pointer', () => {
  /** `npm run fixture:sandbox -- <args>` with TMPDIR = `tmp`, as a person with that temp dir runs it. */
  const fixture = (args: string[], tmp: string): Promise<{ code: number | null; out: string }> =>
    new Promise((resolve) => {
      const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp };
      delete env['GAMEDAY_SANDBOX_POINTER'];
      const child = spawn(process.execPath, [path.join(ROOT, 'infra-fixtures/sandbox/cli.mjs'), ...args], { env });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', (code) => resolve({ code, out }));
    });

  it('lives in the user’s temp dir: another temp dir’s plain `down` cannot stop the sandbox; ours removes it', async () => {
    const mine = fs.mkdtempSync(path.join(os.tmpdir(), 'gameday-pointer-mine-'));
    const theirs = fs.mkdtempSync(path.join(os.tmpdir(), 'gameday-pointer-theirs-'));
    let stateDir = '';
    try {
      const up = await fixture(['up', '--replicas', '1', '--no-database', '--startup-delay', '0'], mine);
      expect(up.code, up.out).toBe(0);
      stateDir = /sandbox up in (\S+)/.exec(up.out)?.[1] ?? '';
      // The state dir and the pointer are both in this user's temp dir.
      expect(path.dirname(stateDir)).toBe(mine);
      const pointer = path.join(mine, `gameday-sandbox-current-${os.userInfo().uid}`);
      expect(fs.readFileSync(pointer, 'utf8').trim()).toBe(stateDir);
      const client = new SandboxClient((/SANDBOX_URL=(\S+)/.exec(up.out)?.[1] ?? '').trim());

      const other = await fixture(['down'], theirs);
      expect(other.code).toBe(2);
      expect(other.out).toContain('no --state-dir given and no current sandbox');
      expect((await client.status()).ready).toBe(1);

      // A pointer naming a dir that is no sandbox is refused, and that dir is left alone.
      const bogus = fs.mkdtempSync(path.join(theirs, 'not-a-sandbox-'));
      fs.writeFileSync(path.join(theirs, `gameday-sandbox-current-${os.userInfo().uid}`), `${bogus}\n`);
      const refused = await fixture(['down'], theirs);
      expect(refused.code).toBe(2);
      expect(refused.out).toContain('is not a sandbox state dir');
      expect(fs.existsSync(bogus)).toBe(true);

      const down = await fixture(['down'], mine);
      expect(down.code, down.out).toBe(0);
      expect(fs.existsSync(stateDir)).toBe(false);
      expect(fs.existsSync(pointer)).toBe(false);
      expect(fs.readdirSync(mine)).toEqual([]);
    } finally {
      if (stateDir && fs.existsSync(stateDir)) await stopSandboxFromState(stateDir).catch(() => undefined);
      fs.rmSync(mine, { recursive: true, force: true });
      fs.rmSync(theirs, { recursive: true, force: true });
    }
  }, 60_000);
});
