// Integration tests of sandbox regions, the runbook engine and the region-failover fault: a real
// sandbox with a primary region (west) and a DR region (east), real PostgreSQL primary + standby.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarkerWriter } from '../src/drivers/postgres/markers.js';
import { computeRpo } from '../src/measure/rpo.js';
import {
  ensureDatabasePrimaryIn,
  readGroundTruth,
  startRetiredServer,
  startSandbox,
  type SandboxHandle,
  type SandboxStatus,
} from '../src/drivers/sandbox/index.js';
import { regionFailover } from '../src/faults/sandbox/region-failover.js';
import type { FaultRuntime, PlannedFault } from '../src/faults/types.js';
import { runRunbook, type RegionFailoverFault, type RunbookContext, type RunbookStep } from '../src/runbook/index.js';
import { Journal, pendingUndos, readJournal } from '../src/runner/journal.js';
import { rollback } from '../src/runner/rollback.js';
import { systemClock } from '../src/util/clock.js';
import { query } from './helpers/postgres.js';
import { runCli } from './helpers/cli.js';
import { expectEndedNormally } from './helpers/verdict.js';
import type { Report } from '../src/report/types.js';

const WEST_REPLICAS = 2;
let sb: SandboxHandle;
const dirs: string[] = [];

function tempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gameday-test-${label}-`));
  dirs.push(dir);
  return dir;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const status = (): Promise<SandboxStatus> => sb.client.status();

/** The topology the sandbox starts with; every test leaves it like this. */
async function expectHome(): Promise<void> {
  const s = await waitFor('west whole, east empty', async () => {
    const st = await status();
    const { west, east } = st.regions;
    return west?.ready === WEST_REPLICAS && east?.desired === 0 && east.ready === 0 ? st : undefined;
  });
  expect(s.servingRegion).toBe('west');
  expect(s.regions['west']).toMatchObject({ serving: true, down: false, database: 'primary' });
  expect(s.regions['east']).toMatchObject({ serving: false, down: false, database: 'standby' });
}

function journalIn(label: string): Journal {
  return new Journal(path.join(tempDir(label), 'journal.ndjson'));
}

function runbookCtx(journal: Journal): RunbookContext {
  return {
    journal,
    clock: systemClock,
    signal: AbortSignal.timeout(300_000),
    step: 'failover',
    log: () => undefined,
    sandbox: { client: sb.client, controlUrl: sb.controlUrl },
    pollMs: 100,
  };
}

function faultRuntime(journal: Journal): FaultRuntime {
  return {
    step: 'failover',
    journal,
    clock: systemClock,
    signal: AbortSignal.timeout(300_000),
    sandbox: { client: sb.client, controlUrl: sb.controlUrl },
    rng: Math.random,
    log: () => undefined,
  };
}

async function replayJournal(journal: Journal): Promise<void> {
  const pending = pendingUndos(readJournal(journal.path));
  const result = await rollback(journal, pending, { timeoutMs: 120_000 });
  expect(result.failed).toEqual([]);
  expect(result.complete).toBe(true);
}

async function getVia(url: string): Promise<{ status: number; replica: string | null; region: string | null }> {
  const res = await fetch(`${url}/contacts`);
  await res.arrayBuffer();
  return { status: res.status, replica: res.headers.get('x-replica'), region: res.headers.get('x-region') };
}

/** A sandbox server by port, bypassing the writer and reader endpoints. */
const serverUrl = (port: number, database = 'connectkit'): string =>
  `postgres://postgres@127.0.0.1:${port}/${database}`;

/** Which of `runId`'s marker seqs are in gameday.markers on the server at `url`. */
async function markerSeqs(url: string, runId: string): Promise<Set<number>> {
  const rows = await query<{ seq: string }>(url, 'SELECT seq FROM gameday.markers WHERE run_id = $1', [runId]);
  return new Set(rows.map((x) => Number(x.seq)));
}

/** A started marker writer on gameday.markers, through the sandbox's writer endpoint. */
async function startMarkers(runId: string, intervalMs: number): Promise<MarkerWriter> {
  const url = sb.databaseUrl as string;
  const writer = new MarkerWriter({ url, table: 'markers', runId, intervalMs, clock: systemClock });
  await writer.start();
  return writer;
}

beforeAll(async () => {
  sb = await startSandbox({
    replicas: WEST_REPLICAS,
    zones: ['a', 'b'],
    startupDelayMs: 200,
    database: true,
    stateDir: tempDir('regions'),
    regions: [{ name: 'west' }, { name: 'east', replicas: 0 }],
    // A cross-region link, as in the sandbox scenarios: an immediate failover loses what is on it.
    replicationLagMs: 50,
  });
});

afterAll(async () => {
  await sb?.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('sandbox regions', () => {
  it('comes up with a primary region serving and an empty DR region holding the standby', async () => {
    await expectHome();
    const s = await status();
    expect(s.regions['west']?.zones).toEqual(['west-a', 'west-b']);
    expect(s.db?.primary?.region).toBe('west');
    expect(s.db?.standby?.region).toBe('east');
    const r = await getVia(sb.apiUrl);
    expect(r).toMatchObject({ status: 200, region: 'west' });
    expect(r.replica).toMatch(/^api-west-/);
  });

  it('switches traffic to the DR region and scales it; refuses what the topology forbids', async () => {
    await sb.client.scaleRegion('east', 1);
    await waitFor('east ready', async () => ((await status()).regions['east']?.ready === 1 ? true : undefined));
    const switched = await sb.client.switchTraffic('east');
    expect(switched).toMatchObject({ servingRegion: 'east', previous: 'west', changed: true });
    expect((await sb.client.switchTraffic('east')).changed).toBe(false);
    // Ready is ground truth; the balancer learns it at its next health check.
    await waitFor('the balancer routes to east', async () => (await getVia(sb.apiUrl)).status === 200);
    for (let i = 0; i < 5; i++) {
      const r = await getVia(sb.apiUrl);
      expect(r.status).toBe(200);
      expect(r.replica).toMatch(/^api-east-/);
    }
    await expect(sb.client.switchTraffic('north')).rejects.toThrow(/HTTP 404.*unknown region "north"/);
    await expect(sb.client.scaleRegion('east', 99)).rejects.toThrow(/HTTP 400/);
    await sb.client.switchTraffic('west');
    await sb.client.scaleRegion('east', 0);
    const names = readGroundTruth(sb.stateDir).map((e) => e.event);
    expect(names).toContain('traffic-switched');
    expect(names).toContain('region-scaled');
    await expectHome();
  });

  it('refuses traffic to a region that is down unless forced', async () => {
    // East holds only the standby: its outage stops it (fast) and restarts it when the region is back.
    await sb.client.regionDown('east', 'fast');
    expect((await status()).regions['east']).toMatchObject({ down: true, database: null });
    await expect(sb.client.switchTraffic('east')).rejects.toThrow(/HTTP 409.*region east: it is down/);
    await expect(sb.client.scaleRegion('east', 1)).rejects.toThrow(/HTTP 409.*cannot scale region east/);
    const up = await sb.client.regionUp('east');
    expect(up.databaseStarted).toHaveLength(1);
    await expectHome();
  });
});

describe('region-failover runbook', () => {
  it('fails over west → east end to end, journals every step with its undo, and the journal replay undoes it', async () => {
    const journal = journalIn('failover');
    const fault: RegionFailoverFault = { type: 'region-failover', pollMs: 100 };
    const planned: PlannedFault = regionFailover.plan(fault, { sandbox: await status() });
    expect(planned.description).toContain('switch-traffic → promote-database → scale-dr → verify-healthy');
    // The runbook's own clock (run clock mapped to wall time), so the bounds below need no slack for clock skew.
    const wallNow = (): number => systemClock.wall(systemClock.now());
    const injectStart = wallNow();
    const exec = await regionFailover.inject(fault, planned, faultRuntime(journal));
    const injectEnd = wallNow();
    const timings = (
      exec as typeof exec & {
        runbook: Array<{ step: string; status: string; durationMs: number; startedAt: string | null }>;
      }
    ).runbook;
    expect(timings.map((t) => [t.step, t.status])).toEqual([
      ['switch-traffic', 'ok'],
      ['promote-database', 'ok'],
      ['scale-dr', 'ok'],
      ['verify-healthy', 'ok'],
    ]);
    // Each step is timed inside the fault's own span, one after the other.
    let previousEnd = injectStart;
    for (const t of timings) {
      const started = Date.parse(t.startedAt ?? '');
      expect(started, t.step).toBeGreaterThanOrEqual(previousEnd - 1);
      expect(started + t.durationMs, t.step).toBeLessThanOrEqual(injectEnd + 1);
      previousEnd = started + t.durationMs;
    }
    // Promoting a PostgreSQL standby and starting replicas take real time.
    expect(timings[1]?.durationMs).toBeGreaterThan(0);
    expect(timings[2]?.durationMs).toBeGreaterThan(0);
    expect(exec.detail).toMatch(/failed over west → east/);

    const s = await status();
    expect(s.servingRegion).toBe('east');
    expect(s.regions['east']).toMatchObject({ ready: WEST_REPLICAS, database: 'primary' });
    expect((await getVia(sb.apiUrl)).region).toBe('east');

    const entries = readJournal(journal.path);
    const ops = entries.flatMap((e) => (e.type === 'intent' ? [e.undo.op] : []));
    expect(ops).toEqual(['switch-traffic', 'database-primary-in', 'scale-region', 'none']);
    expect(entries.filter((e) => e.type === 'applied')).toHaveLength(4);

    await replayJournal(journal);
    await expectHome();
  });

  it('a verify that cannot pass rolls back the steps done, in reverse, and leaves the sandbox as it was', async () => {
    const journal = journalIn('verify-fails');
    const steps: RunbookStep[] = [
      { name: 'scale', action: 'sandbox-scale', args: { region: 'east', replicas: 1 }, timeoutMs: 60_000 },
      { name: 'switch', action: 'sandbox-switch-traffic', args: { to: 'east' }, timeoutMs: 10_000 },
      {
        name: 'impossible',
        action: 'sandbox-wait-healthy',
        args: { region: 'east', probe: { maxLatencyMs: 0 } },
        timeoutMs: 1500,
      },
    ];
    const result = await runRunbook(steps, runbookCtx(journal));
    expect(result.ok).toBe(false);
    expect(result.failed?.step).toBe('impossible');
    expect(result.failed?.reason).toMatch(/not verified within 1500ms: .*above 0ms/);
    expect(result.rollback).toEqual({ complete: true, errors: [] });
    expect(result.steps.map((s) => s.rollback?.status)).toEqual(['ok', 'ok', 'ok']);
    const entries = readJournal(journal.path);
    const intents = new Map(entries.flatMap((e) => (e.type === 'intent' ? [[e.id, e.action] as const] : [])));
    const undone = entries.flatMap((e) => (e.type === 'undone' ? [intents.get(e.id)] : []));
    expect(undone.map((a) => a?.split(':')[0])).toEqual(['runbook impossible', 'runbook switch', 'runbook scale']);
    expect(pendingUndos(entries)).toEqual([]);
    await expectHome();
  });

  it('scaling a region whose zones are all down fails its verify and is rolled back', async () => {
    const journal = journalIn('zones-down');
    for (const z of ['east-a', 'east-b']) await sb.client.zoneDown(z);
    try {
      const steps: RunbookStep[] = [
        { name: 'scale-east', action: 'sandbox-scale', args: { region: 'east', replicas: 2 }, timeoutMs: 1500 },
      ];
      const result = await runRunbook(steps, runbookCtx(journal));
      expect(result.failed).toMatchObject({ step: 'scale-east' });
      expect(result.failed?.reason).toMatch(/0\/2 ready/);
      expect(result.steps[0]?.rollback?.status).toBe('ok');
      expect((await status()).regions['east']?.desired).toBe(0);
    } finally {
      for (const z of ['east-a', 'east-b']) await sb.client.zoneUp(z);
    }
    await expectHome();
  });

  it('after a regional outage, gameday-rollback replay of the journal restores a half-done failover', async () => {
    const journal = journalIn('half-done');
    const fault: RegionFailoverFault = {
      type: 'region-failover',
      outage: { database: 'immediate' },
      // Only the first two steps run, as if the run had been killed after the promotion.
      runbook: [
        { name: 'switch-traffic', action: 'sandbox-switch-traffic', args: { to: 'east' }, timeoutMs: 30_000 },
        { name: 'promote', action: 'sandbox-promote-database', args: { region: 'east' }, timeoutMs: 120_000 },
      ],
    };
    const start = await status();
    const planned = regionFailover.plan(fault, { sandbox: start });
    expect(planned.unavailable).toBe(WEST_REPLICAS);
    const exec = await regionFailover.inject(fault, planned, faultRuntime(journal));
    expect(exec.detail).toMatch(/^region west down; failed over west → east/);
    let s = await status();
    expect(s.regions['west']).toMatchObject({ down: true, ready: 0, database: null });
    expect(s.db?.primary?.region).toBe('east');
    expect(readGroundTruth(sb.stateDir).some((e) => e.event === 'region-down' && e['database'] === 'immediate')).toBe(
      true,
    );

    const pending = pendingUndos(readJournal(journal.path));
    expect(pending.map((p) => p.undo.op)).toEqual(['region-up', 'switch-traffic', 'database-primary-in']);
    await replayJournal(journal);
    await expectHome();
    s = await status();
    // The old primary diverged: the primary in west is a fresh clone, promoted by a clean switchover.
    expect(s.db?.primary?.name).not.toBe(start.db?.primary?.name);
  });
});

describe('the bundled region-failover scenario through the CLI', () => {
  it('ends normally, and its rollback gives the sandbox back: west serving and primary, east a streaming standby, no marker table', async () => {
    const dir = tempDir('bundled');
    const res = await runCli(['run', 'scenarios/sandbox/region-failover.yaml', '--quiet', '--report-dir', dir], {
      GAMEDAY_SANDBOX_URL: sb.controlUrl,
    });
    const [run] = fs.readdirSync(path.join(dir, 'sandbox-region-failover'));
    const runDir = path.join(dir, 'sandbox-region-failover', run as string);
    const report = JSON.parse(fs.readFileSync(path.join(runDir, 'report.json'), 'utf8')) as Report;
    expectEndedNormally(report, res.code, `${res.stdout}\n${res.stderr}`);
    expect(report.measurements.runbook?.map((st) => [st.step, st.status])).toEqual([
      ['switch-traffic', 'ok'],
      ['promote-database', 'ok'],
      ['scale-dr', 'ok'],
      ['verify-healthy', 'ok'],
    ]);
    expect(report.rollback).toMatchObject({ complete: true, failed: [] });
    expect(pendingUndos(readJournal(path.join(runDir, 'journal.ndjson')))).toEqual([]);
    // What the sandbox itself says after the rollback.
    await expectHome();
    const s = await status();
    expect(s.db?.primary?.region).toBe('west');
    expect(s.db?.standby?.region).toBe('east');
    const walsenders = await query<{ state: string }>(
      serverUrl(s.db?.primary?.port as number, 'postgres'),
      "SELECT state FROM pg_stat_replication WHERE application_name <> 'pg_basebackup'",
    );
    expect(walsenders.map((w) => w.state)).toEqual(['streaming']);
    const [markers] = await query<{ t: string | null }>(
      serverUrl(s.db?.primary?.port as number),
      "SELECT to_regclass('gameday.gameday_markers')::text AS t",
    );
    expect(markers?.t).toBeNull();
  }, 300_000);
});

describe('marker writer across a primary switch', () => {
  /** Acknowledgements the writer has received for writes sent after `at` (epoch ms). */
  const ackedAfter = (writer: MarkerWriter, at: number): number =>
    writer.acknowledged.filter((a) => a.writtenAt > at).length;

  /**
   * Fail over under writes every 10 ms. The measured lost seqs are what gameday reports (computeRpo over the
   * writer's own read-back); the truth shares no code with it: the writer's acknowledgement log against the
   * new primary read directly on its own port, and the old primary's own data dir as a standalone server.
   */
  async function failoverUnderWrites(mode: 'fast' | 'immediate'): Promise<{
    measuredLost: number[];
    reportedLost: number;
    trueLost: number[];
    onNeither: number[];
  }> {
    const runId = `test-${mode}-${Date.now()}`;
    const writer = await startMarkers(runId, 10);
    try {
      await waitFor('20 acknowledged markers before the failover', async () => writer.acknowledged.length >= 20);
      const before = await status();
      const old = before.db?.primary?.name as string;
      const stopped = await sb.client.stopPrimary(mode);
      const promoted = await sb.client.promoteStandby();
      // Writing resumes by itself through the writer endpoint once the standby is promoted.
      await waitFor(
        '20 acknowledged markers after the promotion',
        async () => ackedAfter(writer, promoted.promotedAt) >= 20,
      );
      await writer.stop();
      const acked = writer.acknowledged.map((a) => a.seq);
      const surviving = await writer.surviving();
      const reported = computeRpo({ acknowledged: writer.acknowledged, surviving, faultAt: stopped.stoppedAt });
      const survived = new Set(surviving);
      const newPrimary = (await status()).db?.primary;
      expect(newPrimary?.name).not.toBe(old);
      const onNew = await markerSeqs(serverUrl(newPrimary?.port as number), runId);
      const server = await startRetiredServer(sb.stateDir, old);
      let onOld: Set<number>;
      try {
        onOld = await markerSeqs(server.url, runId);
      } finally {
        await server.stop();
      }
      const trueLost = acked.filter((q) => !onNew.has(q));
      return {
        measuredLost: acked.filter((q) => !survived.has(q)),
        reportedLost: reported.lostWrites,
        trueLost,
        onNeither: trueLost.filter((q) => !onOld.has(q)),
      };
    } finally {
      await writer.close();
      await ensureDatabasePrimaryIn(sb.client, 'west');
    }
  }

  it('immediate: exactly the acknowledged markers missing on the new primary are reported lost, and the old primary holds them', async () => {
    const r = await failoverUnderWrites('immediate');
    expect(r.measuredLost).toEqual(r.trueLost);
    expect(r.reportedLost).toBe(r.trueLost.length);
    // An acknowledged commit is durable where it was acknowledged: what the new primary lacks, the old one has.
    expect(r.onNeither).toEqual([]);
    await expectHome();
  });

  it('fast: no acknowledged marker is lost, and writing resumes after the switch', async () => {
    const r = await failoverUnderWrites('fast');
    expect(r).toMatchObject({ measuredLost: [], reportedLost: 0, trueLost: [], onNeither: [] });
    await expectHome();
  });

  it('switchTo moves writing to an endpoint named after the failover', async () => {
    const s = await status();
    const direct = serverUrl(s.db?.primary?.port as number);
    const runId = `test-switch-${Date.now()}`;
    const writer = await startMarkers(runId, 20);
    await waitFor('a first acknowledged marker', async () => writer.acknowledged.length >= 1);
    await writer.switchTo(direct);
    const switchedAt = Date.now();
    await waitFor('5 markers acknowledged after the switch', async () => ackedAfter(writer, switchedAt) >= 5);
    await writer.close();
    expect(writer.url).toBe(direct);
    expect(writer.switches).toHaveLength(1);
    expect(writer.failed).toBe(0);
    // Every acknowledged marker is on the server, read directly.
    const onServer = await markerSeqs(direct, runId);
    expect(writer.acknowledged.filter((a) => !onServer.has(a.seq))).toEqual([]);
  });
});

describe('planned failback over the 50 ms cross-region link', () => {
  /** States of the primary's walsenders for standbys (pg_basebackup's own connections left out). */
  async function walsenderStates(primaryPort: number): Promise<string[]> {
    const rows = await query<{ state: string }>(
      serverUrl(primaryPort, 'postgres'),
      "SELECT state FROM pg_stat_replication WHERE application_name <> 'pg_basebackup'",
    );
    return rows.map((x) => x.state);
  }

  /** Set-up: a planned failover west → east (the east primary has no standby afterwards). */
  async function failOverToEast(): Promise<void> {
    await sb.client.stopPrimary('fast');
    await sb.client.promoteStandby();
    expect((await status()).db).toMatchObject({ primary: { region: 'east' }, standby: null });
  }

  it('a rebuilt standby already streams when the rebuild returns', async () => {
    await failOverToEast();
    try {
      await sb.client.restoreDatabase();
      // Asked at once: the walsender must be past its handshake, not merely the walreceiver started.
      const db = (await status()).db;
      expect(db?.standby?.region).toBe('west');
      expect(await walsenderStates(db?.primary?.port as number)).toEqual(['streaming']);
    } finally {
      await ensureDatabasePrimaryIn(sb.client, 'west');
    }
    await expectHome();
  });

  it('loses no acknowledged write: rebuild in west, then promote it with a fast stop of the east primary', async () => {
    await failOverToEast();
    const runId = `test-failback-${Date.now()}`;
    const writer = await startMarkers(runId, 20);
    try {
      await waitFor('a first acknowledged marker', async () => writer.acknowledged.length >= 1);
      // The failback of scenarios/sandbox/failback.yaml, database steps back to back (no settling time).
      const steps: RunbookStep[] = [
        { name: 'rebuild-standby-in-west', action: 'sandbox-restore-database', args: {}, timeoutMs: 120_000 },
        {
          name: 'promote-west',
          action: 'sandbox-promote-database',
          args: { region: 'west', stopPrimary: 'fast' },
          timeoutMs: 120_000,
        },
      ];
      const runbookStartedAt = Date.now();
      const result = await runRunbook(steps, runbookCtx(journalIn('failback')));
      expect(result.failed).toBeUndefined();
      const promotedAt = Date.now();
      // Writing resumes after the promotion.
      await waitFor('10 markers acknowledged after the failback', async () =>
        writer.acknowledged.filter((a) => a.writtenAt > promotedAt).length >= 10 ? true : undefined,
      );
      await writer.stop();

      const db = (await status()).db;
      expect(db?.primary?.region).toBe('west');
      const acked = writer.acknowledged.map((a) => a.seq);
      const onNewPrimary = await markerSeqs(serverUrl(db?.primary?.port as number), runId);
      expect(acked.filter((q) => !onNewPrimary.has(q))).toEqual([]);
      // Writes were acknowledged while the runbook ran (the rebuild and the switch were under load).
      expect(writer.acknowledged.some((a) => a.writtenAt > runbookStartedAt && a.writtenAt < promotedAt)).toBe(true);

      const truth = readGroundTruth(sb.stateDir);
      const stop = truth.filter((e) => e.event === 'db-primary-stopped').at(-1);
      expect(stop).toMatchObject({ mode: 'fast', region: 'east' });
      expect(stop?.['lsn']).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    } finally {
      await writer.close();
      await ensureDatabasePrimaryIn(sb.client, 'west');
    }
    await expectHome();
  });
});
