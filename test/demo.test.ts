// `gameday demo` as a newcomer runs it: a real experiment, reports, and nothing left running.

import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JournalEntry } from '../src/runner/journal.js';
import type { Report, RpoMeasurement } from '../src/report/types.js';
import { portOpen } from '../infra-fixtures/shared/net.mjs';
import { eventually, runCli, startCli } from './helpers/cli.js';

const reportDir = mkdtempSync(join(tmpdir(), 'gameday-demo-'));
afterAll(() => rmSync(reportDir, { recursive: true, force: true }));

/** Processes whose command line mentions `text`. */
function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(text)) found.push(`${pid}: ${cmd}`);
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** The sandbox a run started for itself (from its journal) is gone: state dir removed, no process, port closed. */
async function expectOwnSandboxGone(runDir: string): Promise<void> {
  const journal = readFileSync(join(runDir, 'journal.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JournalEntry);
  const start = journal.find((e) => e.type === 'intent' && e.undo.op === 'stop');
  const stateDir = start?.type === 'intent' ? String(start.undo.args['stateDir']) : '';
  expect(stateDir).not.toBe('');
  expect(existsSync(stateDir)).toBe(false);
  expect(processesMentioning(stateDir)).toEqual([]);
  const applied = journal.find((e) => e.type === 'applied' && start?.type === 'intent' && e.id === start.id);
  const port = Number(/:(\d+)/.exec(applied?.type === 'applied' ? (applied.detail ?? '') : '')?.[1]);
  expect(port).toBeGreaterThan(0);
  expect(await portOpen(port)).toBe(false);
}

function onlyRun(base: string): string {
  const runs = readdirSync(base);
  expect(runs).toHaveLength(1);
  return join(base, runs[0] as string);
}

describe('gameday demo', () => {
  it('runs pod-kill on the embedded sandbox, passes with a measured RTO, and leaves nothing running', async () => {
    const res = await runCli(['demo', '--report-dir', reportDir]);
    expect(res.code, res.stderr + res.stdout).toBe(0);
    expect(res.stdout).toMatch(/PASS/);
    expect(res.stdout).toMatch(/error budget api-availability \(99\.9% over 30d: 43m 12s\): this run burned \d/);
    const runDir = onlyRun(join(reportDir, 'sandbox-pod-kill'));
    expect(res.stdout).toContain(runDir);
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
    expect(report.verdict).toBe('pass');
    expect(report.measurements.rto?.status).toBe('recovered');
    expect(report.measurements.rto?.ms).toBeGreaterThan(0);
    for (const f of ['junit.xml', 'summary.md', 'journal.ndjson']) expect(existsSync(join(runDir, f)), f).toBe(true);
    await expectOwnSandboxGone(runDir);
  }, 240_000);

  it('db-failover on the embedded sandbox: SQL probe, RPO markers and lost writes in the report', async () => {
    const dir = mkdtempSync(join(reportDir, 'db-'));
    const res = await runCli(['run', 'scenarios/sandbox/db-failover.yaml', '--report-dir', dir]);
    expect(res.code, res.stderr + res.stdout).toBe(0);
    const runDir = onlyRun(join(dir, 'sandbox-db-failover'));
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
    expect(report.measurements.rto?.probe).toBe('db');
    expect(report.measurements.rto?.status).toBe('recovered');
    const rpo = report.measurements.rpo as RpoMeasurement | null;
    expect(rpo).not.toBeNull();
    expect(rpo?.acknowledged).toBeGreaterThan(10);
    expect(rpo?.surviving).toBe((rpo?.acknowledged ?? 0) - (rpo?.lostWrites ?? 0));
    // The marker table is removed at rollback, like everything else the run created.
    expect(report.rollback.complete).toBe(true);
    await expectOwnSandboxGone(runDir);
  }, 240_000);

  it('Ctrl-C during a run with its own sandbox rolls back and stops the sandbox', async () => {
    const dir = mkdtempSync(join(reportDir, 'sigint-'));
    const { child, done } = startCli(['run', 'test/fixtures/runs/zone-hold.yaml', '--report-dir', dir]);
    await eventually(
      () => {
        const base = join(dir, 'it-zone-hold');
        if (!existsSync(base)) return undefined;
        const run = readdirSync(base)[0];
        const journal = run ? join(base, run, 'journal.ndjson') : '';
        return run && existsSync(journal) && /zone a down/.test(readFileSync(journal, 'utf8')) ? true : undefined;
      },
      60_000,
      'the zone outage to be journaled',
    );
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGINT');
    const res = await done;
    expect(res.code, res.stderr).toBe(3);
    const runDir = onlyRun(join(dir, 'it-zone-hold'));
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
    expect(report.verdict).toBe('aborted');
    expect(report.rollback.complete).toBe(true);
    await expectOwnSandboxGone(runDir);
  }, 120_000);

  it('gameday drill restores a pg_dump of the sandbox into a scratch server: restore time, RPO, validations', async () => {
    const dir = mkdtempSync(join(reportDir, 'drill-'));
    const res = await runCli(['drill', 'scenarios/sandbox/backup-restore.yaml', '--report-dir', dir]);
    expect(res.code, res.stderr + res.stdout).toBe(0);
    const runDir = onlyRun(join(dir, 'sandbox-backup-restore'));
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
    expect(report.verdict).toBe('pass');
    expect(report.measurements.restore?.durationMs).toBeGreaterThan(0);
    expect(report.measurements.restore?.databaseBytes).toBeGreaterThan(0);
    expect(report.measurements.rpo?.seconds).toBeGreaterThanOrEqual(0);
    expect(report.measurements.validations?.map((v) => [v.kind, v.pass])).toEqual([
      ['rowCounts', true],
      ['checksum', true],
      ['schema', true],
      ['query', true],
      ['marker', true],
    ]);
    expect(report.measurements.validations?.[0]?.actual).toBe(5000);
    expect(report.objectives.map((o) => o.name)).toEqual(['restoreTime', 'rpo', 'validations']);
    expect(readFileSync(join(runDir, 'summary.md'), 'utf8')).toMatch(/Restore drill/);
    await expectOwnSandboxGone(runDir);
  }, 240_000);

  it('region failover: the runbook moves service to the DR region; lost writes and step timings in the report', async () => {
    const dir = mkdtempSync(join(reportDir, 'region-'));
    const res = await runCli(['run', 'scenarios/sandbox/region-failover.yaml', '--report-dir', dir]);
    expect(res.code, res.stderr + res.stdout).toBe(0);
    const runDir = onlyRun(join(dir, 'sandbox-region-failover'));
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
    expect(report.measurements.rto?.status).toBe('recovered');
    const rpo = report.measurements.rpo as RpoMeasurement | null;
    expect(rpo?.lostWrites).toBeGreaterThanOrEqual(0);
    expect(rpo?.surviving).toBe((rpo?.acknowledged ?? 0) - (rpo?.lostWrites ?? 0));
    expect(report.measurements.runbook?.map((s) => [s.step, s.status])).toEqual([
      ['switch-traffic', 'ok'],
      ['promote-database', 'ok'],
      ['scale-dr', 'ok'],
      ['verify-healthy', 'ok'],
    ]);
    expect(report.rollback.complete).toBe(true);
    await expectOwnSandboxGone(runDir);
  }, 240_000);
});
