// The run lifecycle end to end, through the real CLI, against a real sandbox.

import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../src/drivers/sandbox/index.js';
import type { Report } from '../src/report/types.js';
import { eventually, runCli, startCli } from './helpers/cli.js';
import { fleetWhole as waitFleetWhole } from './helpers/sandbox.js';

let sandbox: SandboxHandle;
let reportDir: string;

beforeAll(async () => {
  reportDir = mkdtempSync(join(tmpdir(), 'gameday-it-reports-'));
  sandbox = await startSandbox({ replicas: 6, zones: ['a', 'b', 'c'], startupDelayMs: 500, database: false });
});

afterAll(async () => {
  await sandbox?.stop();
  rmSync(reportDir, { recursive: true, force: true });
});

const env = (): Record<string, string> => ({ GAMEDAY_SANDBOX_URL: sandbox.controlUrl });

/** The single run directory a scenario produced under the report dir. */
function onlyRunDir(scenario: string): string {
  const dir = join(reportDir, scenario);
  const runs = readdirSync(dir);
  expect(runs).toHaveLength(1);
  return join(dir, runs[0] as string);
}

const fleetWhole = (): Promise<void> => waitFleetWhole(sandbox.client, 30_000);

describe('gameday run', () => {
  it('runs pod-kill: measures RTO, passes, writes every report and rolls back', async () => {
    await fleetWhole();
    const res = await runCli(['run', 'test/fixtures/runs/pod-kill.yaml', '--report-dir', reportDir], env());
    expect(res.stderr).not.toMatch(/internal error/);
    expect(res.code, res.stderr + res.stdout).toBe(0);
    const runDir = onlyRunDir('it-pod-kill');
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
    expect(report.verdict).toBe('pass');
    expect(report.measurements.rto?.status).toBe('recovered');
    // The supervisor needs its start-up delay (500ms) to bring replacements up: the measured RTO cannot be shorter.
    expect(report.measurements.rto?.ms).toBeGreaterThanOrEqual(400);
    // The RTO is the midpoint between the last failing and the first healthy sample, ± half their gap.
    const rto = report.measurements.rto;
    const [failing, healthy] = [rto?.lastFailingMs ?? NaN, rto?.firstHealthyMs ?? NaN];
    expect(healthy).toBeGreaterThan(failing);
    expect(rto?.ms).toBeCloseTo((failing + healthy) / 2, 2);
    expect(rto?.errorBoundMs).toBeCloseTo((healthy - failing) / 2, 2);
    expect(report.load?.completed).toBeGreaterThan(50);
    expect(report.objectives.map((o) => o.name)).toEqual(expect.arrayContaining(['rto']));
    expect(report.rollback.complete).toBe(true);
    expect(readFileSync(join(runDir, 'junit.xml'), 'utf8')).toMatch(/<testsuite[^>]+failures="0"/);
    expect(readFileSync(join(runDir, 'summary.md'), 'utf8')).toMatch(/PASS/);
    const journal = readFileSync(join(runDir, 'journal.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    const intents = journal.filter((e) => e.type === 'intent').length;
    expect(intents).toBeGreaterThan(0);
    expect(journal.filter((e) => e.type === 'undone')).toHaveLength(intents);
    expect(res.stdout).toMatch(/it-pod-kill: PASS/);
  });

  it('fails (exit 1) with a junit failure when an objective does not hold', async () => {
    await fleetWhole();
    const res = await runCli(['run', 'test/fixtures/runs/strict-rto.yaml', '--report-dir', reportDir], env());
    expect(res.code, res.stderr).toBe(1);
    const runDir = onlyRunDir('it-strict-rto');
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
    expect(report.verdict).toBe('fail');
    expect(report.objectives.find((o) => o.name === 'rto')?.pass).toBe(false);
    expect(readFileSync(join(runDir, 'junit.xml'), 'utf8')).toMatch(/<failure/);
  });

  it('refuses (exit 2) a fault above the blast-radius cap, before touching anything', async () => {
    await fleetWhole();
    const before = await sandbox.client.status();
    const res = await runCli(['run', 'test/fixtures/runs/blast-radius.yaml', '--report-dir', reportDir], env());
    expect(res.code, res.stderr).toBe(2);
    expect(res.stderr + res.stdout).toMatch(/maxUnavailable/);
    const after = await sandbox.client.status();
    expect(after.replicas.map((r) => r.id).sort()).toEqual(before.replicas.map((r) => r.id).sort());
  });

  it('aborts (exit 3) without any fault when the steady state does not hold', async () => {
    await fleetWhole();
    const before = await sandbox.client.status();
    const res = await runCli(['run', 'test/fixtures/runs/unsteady.yaml', '--report-dir', reportDir], env());
    expect(res.code, res.stderr).toBe(3);
    const report = JSON.parse(readFileSync(join(onlyRunDir('it-unsteady'), 'report.json'), 'utf8')) as Report;
    expect(report.verdict).toBe('aborted');
    expect(report.reason).toMatch(/steady state not met/);
    const after = await sandbox.client.status();
    expect(after.replicas.map((r) => r.id).sort()).toEqual(before.replicas.map((r) => r.id).sort());
  }, 90_000);

  it('a run killed with SIGKILL mid-fault is undone by gameday rollback', async () => {
    await fleetWhole();
    const dir = mkdtempSync(join(reportDir, 'killed-'));
    const { child, done } = startCli(['run', 'test/fixtures/runs/zone-hold.yaml', '--report-dir', dir], env());
    const runDir = await eventually(
      () => {
        const base = join(dir, 'it-zone-hold');
        if (!existsSync(base)) return undefined;
        const run = readdirSync(base)[0];
        if (!run) return undefined;
        const journal = join(base, run, 'journal.ndjson');
        return existsSync(journal) && /"type":"applied"/.test(readFileSync(journal, 'utf8'))
          ? join(base, run)
          : undefined;
      },
      60_000,
      'the zone-outage to be applied',
    );
    child.kill('SIGKILL');
    await done;
    const down = await sandbox.client.status();
    expect(down.zones['a']?.up).toBe(false);

    const res = await runCli(['rollback', runDir]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/rollback complete/);
    const up = await sandbox.client.status();
    expect(up.zones['a']?.up).toBe(true);
    await fleetWhole();

    const again = await runCli(['rollback', runDir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing to roll back/);
  }, 120_000);

  it('SIGINT stops the experiment, rolls back and exits 3', async () => {
    await fleetWhole();
    const dir = mkdtempSync(join(reportDir, 'interrupted-'));
    const { child, done } = startCli(['run', 'test/fixtures/runs/zone-hold.yaml', '--report-dir', dir], env());
    await eventually(
      async () => ((await sandbox.client.status()).zones['a']?.up === false ? true : undefined),
      60_000,
      'zone a to go down',
    );
    child.kill('SIGINT');
    const res = await done;
    expect(res.code, res.stderr).toBe(3);
    expect((await sandbox.client.status()).zones['a']?.up).toBe(true);
    const base = join(dir, 'it-zone-hold');
    const report = JSON.parse(
      readFileSync(join(base, readdirSync(base)[0] as string, 'report.json'), 'utf8'),
    ) as Report;
    expect(report.verdict).toBe('aborted');
    expect(report.reason).toMatch(/SIGINT/);
    expect(report.rollback.complete).toBe(true);
    await fleetWhole();
  }, 120_000);
});

describe('gameday plan', () => {
  it('prints the replicas a fault would act on and changes nothing', async () => {
    await fleetWhole();
    const before = await sandbox.client.status();
    const res = await runCli(['plan', 'test/fixtures/runs/pod-kill.yaml'], env());
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/kill 2 of 6 replicas with SIGKILL: api-/);
    const after = await sandbox.client.status();
    expect(after.replicas.map((r) => r.id).sort()).toEqual(before.replicas.map((r) => r.id).sort());
  });
});
