// Every sandbox fault, run end to end through the real CLI as `gameday demo --all` runs it (the bundled
// scenarios), against one shared sandbox, and its undo checked against what the sandbox itself reports
// afterwards — not only `rollback.complete`: the fleet and its zone and capacity spread as before, every
// zone up, the database a primary with a streaming standby and no marker table left, every intent undone.
// (Runs that are killed part-way are the crash matrix's business; these runs end normally.)

import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle, type SandboxStatus } from '../src/drivers/sandbox/index.js';
import type { Report } from '../src/report/types.js';
import { readJournal } from '../src/runner/journal.js';
import { eventually, runCli } from './helpers/cli.js';
import { query } from './helpers/postgres.js';
import { expectEndedNormally } from './helpers/verdict.js';

let sandbox: SandboxHandle;
const reportDir = mkdtempSync(join(tmpdir(), 'gameday-faults-'));

beforeAll(async () => {
  sandbox = await startSandbox({ replicas: 6, zones: ['a', 'b', 'c'], startupDelayMs: 300, database: true });
});

afterAll(async () => {
  await sandbox?.stop();
  rmSync(reportDir, { recursive: true, force: true });
});

/** What a fault's undo must give back: counts per zone and capacity, every zone up, the database's shape. */
interface Shape {
  desired: number;
  perZone: Record<string, number>;
  perCapacity: Record<string, number>;
  zonesUp: boolean;
  db: { primary: boolean; standby: boolean };
}

function shapeOf(s: SandboxStatus): Shape {
  const ready = s.replicas.filter((r) => r.state === 'ready');
  // Keys sorted, so that two shapes compare equal as JSON text whatever order the replicas came in.
  const count = (key: (r: (typeof ready)[number]) => string): Record<string, number> => {
    const counts = ready.reduce<Record<string, number>>((acc, r) => ({ ...acc, [key(r)]: (acc[key(r)] ?? 0) + 1 }), {});
    return Object.fromEntries(Object.entries(counts).sort(([x], [y]) => x.localeCompare(y)));
  };
  return {
    desired: s.desired,
    perZone: count((r) => r.zone),
    perCapacity: count((r) => r.capacity),
    zonesUp: Object.values(s.zones).every((z) => z.up),
    db: { primary: s.db?.primary != null, standby: s.db?.standby != null },
  };
}

/** The sandbox back in `shape`, waited for (replacements take their start-up time). */
async function settledTo(shape: Shape): Promise<SandboxStatus> {
  let last: Shape | undefined;
  try {
    return await eventually(
      async () => {
        const s = await sandbox.client.status();
        last = shapeOf(s);
        return JSON.stringify(last) === JSON.stringify(shape) && s.ready === s.desired ? s : undefined;
      },
      60_000,
      'the sandbox to return to its shape',
    );
  } catch (error) {
    throw new Error(`${String(error)}\nexpected ${JSON.stringify(shape)}\nlast seen ${JSON.stringify(last)}`, {
      cause: error,
    });
  }
}

/** States of the primary's walsenders for standbys (pg_basebackup's own connections left out). */
async function walsenders(s: SandboxStatus): Promise<string[]> {
  const rows = await query<{ state: string }>(
    `postgres://postgres@127.0.0.1:${s.db?.primary?.port}/postgres`,
    "SELECT state FROM pg_stat_replication WHERE application_name <> 'pg_basebackup'",
  );
  return rows.map((r) => r.state);
}

/** Run a bundled scenario against the shared sandbox; it must end normally (pass or fail on its objectives). */
async function runBundled(name: string): Promise<{ report: Report; runDir: string }> {
  const dir = mkdtempSync(join(reportDir, `${name}-`));
  const res = await runCli(['run', `scenarios/sandbox/${name}.yaml`, '--quiet', '--report-dir', dir], {
    GAMEDAY_SANDBOX_URL: sandbox.controlUrl,
  });
  // The report dir also holds the history index (index.ndjson) next to the scenario's directory.
  const [scenarioDir] = readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [e.name] : []));
  const [run] = readdirSync(join(dir, scenarioDir as string));
  const runDir = join(dir, scenarioDir as string, run as string);
  const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
  expectEndedNormally(report, res.code, `${res.stdout}\n${res.stderr}`);
  expect(report.rollback).toEqual({ complete: true, undone: expect.any(Number), failed: [] });
  // Every mutation journaled was undone (or ended by the fault itself), per the journal on disk.
  const journal = readJournal(join(runDir, 'journal.ndjson'));
  const intents = journal.flatMap((e) => (e.type === 'intent' ? [e.id] : []));
  const undone = new Set(journal.flatMap((e) => (e.type === 'undone' ? [e.id] : [])));
  expect(intents.filter((id) => !undone.has(id))).toEqual([]);
  return { report, runDir };
}

let home: Shape;

describe('sandbox faults through the runner, undo checked against the sandbox', () => {
  it('the shared sandbox starts whole: 2 replicas per zone, half of them spot, primary + standby', async () => {
    const s = await eventually(
      async () => {
        const st = await sandbox.client.status();
        return st.ready === 6 ? st : undefined;
      },
      60_000,
      'six ready replicas',
    );
    home = shapeOf(s);
    expect(home).toEqual({
      desired: 6,
      perZone: { a: 2, b: 2, c: 2 },
      perCapacity: { 'on-demand': 3, spot: 3 },
      zonesUp: true,
      db: { primary: true, standby: true },
    });
  });

  it('pod-kill: the killed replicas are replaced, in the same zones', async () => {
    const before = await sandbox.client.status();
    const { report } = await runBundled('pod-kill');
    const killed = before.replicas.map((r) => r.id).filter((id) => report.timeline.some((e) => e.message.includes(id)));
    expect(killed).toHaveLength(2);
    const after = await settledTo(home);
    expect(after.replicas.map((r) => r.id)).not.toEqual(expect.arrayContaining(killed));
  }, 240_000);

  it('zone-outage: the zone is up again and takes replicas again', async () => {
    const inA = (await sandbox.client.status()).replicas.filter((r) => r.zone === 'a').map((r) => r.id);
    await runBundled('zone-outage');
    // Zone a's replicas went down with it (replaced in b and c meanwhile). The zone is really up again when
    // the sandbox spreads the fleet over it once more, one surge replica at a time, as topology spread
    // constraints would: back in its first shape, two new replicas in each zone, every zone up.
    const after = await settledTo(home);
    expect(Object.values(after.zones).every((z) => z.up)).toBe(true);
    const nowInA = after.replicas.filter((r) => r.zone === 'a' && r.state === 'ready').map((r) => r.id);
    expect(nowInA).toHaveLength(2);
    expect(inA).toHaveLength(2);
    expect(nowInA.filter((id) => inA.includes(id))).toEqual([]);
  }, 240_000);

  it('spot-interruption: the interrupted spot replicas are gone and spot capacity is whole again', async () => {
    const before = await sandbox.client.status();
    const spot = before.replicas.filter((r) => r.capacity === 'spot').map((r) => r.id);
    const { report } = await runBundled('spot-interruption');
    const interrupted = spot.filter((id) => report.timeline.some((e) => e.message.includes(id)));
    expect(interrupted).toHaveLength(2);
    const after = await settledTo(home);
    expect(after.replicas.map((r) => r.id)).not.toEqual(expect.arrayContaining(interrupted));
  }, 240_000);

  it('db-failover: a primary with a streaming standby again, the writer on the primary, no marker table', async () => {
    const before = await sandbox.client.status();
    const { report } = await runBundled('db-failover');
    const rpo = report.measurements.rpo;
    expect(rpo && 'acknowledged' in rpo ? rpo.acknowledged : 0).toBeGreaterThan(0);
    const after = await settledTo(home);
    // The promoted standby stays primary; the undo cloned a new standby from it.
    expect(after.db?.primary?.name).toBe(before.db?.standby?.name);
    expect(after.db?.standby?.name).not.toBe(after.db?.primary?.name);
    expect(await walsenders(after)).toEqual(['streaming']);
    const [writer] = await query<{ recovery: boolean; markers: string | null }>(
      sandbox.databaseUrl as string,
      "SELECT pg_is_in_recovery() AS recovery, to_regclass('gameday.gameday_markers')::text AS markers",
    );
    expect(writer).toEqual({ recovery: false, markers: null });
  }, 240_000);
});
