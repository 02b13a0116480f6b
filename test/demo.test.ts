// `gameday demo` as a newcomer runs it: a real experiment, reports, and nothing left running.

import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readJournal, type JournalEntry } from '../src/runner/journal.js';
import type { Report } from '../src/report/types.js';
import { portOpen } from '../infra-fixtures/shared/net.mjs';
import { eventually, runCli, startCli } from './helpers/cli.js';
import { expectEndedNormally } from './helpers/verdict.js';

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
  it('demo --quiet --seed: pod-kill on the embedded sandbox, one line on stdout, a measured RTO, nothing left running', async () => {
    const res = await runCli(['demo', '--quiet', '--seed', '41', '--report-dir', reportDir]);
    const runDir = onlyRun(join(reportDir, 'sandbox-pod-kill'));
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
    expectEndedNormally(report, res.code, res.stderr);
    expect(res.stdout).toBe(`sandbox-pod-kill: ${report.verdict.toUpperCase()} (${runDir})\n`);
    expect(res.stderr).toBe('');
    expect(report.measurements.rto?.status).toBe('recovered');
    // The replacements need the supervisor's start-up delay: the RTO is real time, between t0 and the end.
    const rto = report.measurements.rto;
    expect(rto?.ms).toBeGreaterThan(0);
    expect(Date.parse(rto?.faultAt ?? '') + (rto?.ms ?? 0)).toBeLessThanOrEqual(Date.parse(report.endedAt));
    for (const f of ['junit.xml', 'summary.md', 'journal.ndjson']) expect(existsSync(join(runDir, f)), f).toBe(true);
    // --seed 41: the demo's first (only) run has seed 41 and kills what `plan --seed 41` listed, in that order.
    expect(report.seed).toBe(41);
    const plan = await runCli(['plan', 'scenarios/sandbox/pod-kill.yaml', '--seed', '41', '--json']);
    const listed = (JSON.parse(plan.stdout) as { choices: Array<{ affected: string[] }> }).choices;
    expect(report.choices?.map((c) => c.actedOn)).toEqual(listed.map((c) => c.affected));
    await expectOwnSandboxGone(runDir);
  }, 240_000);

  it("demo --all --json: every bundled scenario runs on its own sandbox; stdout is each run's report.json in turn", async () => {
    const dir = mkdtempSync(join(reportDir, 'all-'));
    const res = await runCli(['demo', '--all', '--json', '--report-dir', dir], {});
    const names = [
      'sandbox-pod-kill',
      'sandbox-pod-kill-k6',
      'sandbox-zone-outage',
      'sandbox-spot-interruption',
      'sandbox-db-failover',
      'sandbox-region-failover',
      'sandbox-backup-restore',
    ];
    const runDirs = names.map((n) => onlyRun(join(dir, n)));
    expect(res.stdout).toBe(runDirs.map((d) => readFileSync(join(d, 'report.json'), 'utf8')).join(''));
    const reports = runDirs.map((d) => JSON.parse(readFileSync(join(d, 'report.json'), 'utf8')) as Report);
    expect(reports.map((r) => r.scenario)).toEqual(names);
    // One demo seed (printed, or --seed): the k-th run gets seed + k, recorded in its report.
    const seed = reports[0]?.seed ?? NaN;
    expect(reports.map((r) => r.seed)).toEqual(names.map((_, k) => (seed + k) % 2 ** 32));
    // Each run ends normally, rolled back in full; the exit code is the worst of the runs'.
    for (const r of reports) {
      expectEndedNormally(r, r.verdict === 'pass' ? 0 : 1);
      expect(r.rollback, r.scenario).toMatchObject({ complete: true, failed: [] });
    }
    expect(res.code, res.stderr).toBe(reports.some((r) => r.verdict === 'fail') ? 1 : 0);
    for (const d of runDirs) await expectOwnSandboxGone(d);

    const [podKill, podKillK6, zone, spot, db, region, drill] = reports as [
      Report,
      Report,
      Report,
      Report,
      Report,
      Report,
      Report,
    ];
    for (const r of [podKill, podKillK6, zone, spot, db, region]) {
      expect(r.measurements.rto?.status, r.scenario).toBe('recovered');
    }
    expect(podKillK6.load?.engine).toBe('k6');
    // The faults were injected as planned: zone a down; two spot replicas noticed.
    const injected = (r: Report): string[] =>
      r.timeline.filter((e) => e.kind === 'fault-injected').map((e) => e.message);
    expect(injected(zone)).toEqual([expect.stringMatching(/^fault injected: zone a was down for /)]);
    expect(injected(spot)).toEqual([expect.stringMatching(/interruption notice to api-\S+, api-\S+;/)]);
    // db-failover: markers acknowledged, the RPO judged against its objective (its truth is checked against the
    // servers themselves in test/region-failover.test.ts and bench/rpo.js).
    const rpo = db.measurements.rpo;
    expect(rpo && 'acknowledged' in rpo ? rpo.acknowledged : 0).toBeGreaterThan(10);
    expect(db.objectives.find((o) => o.name === 'rpo')?.actualValue).toBe(rpo?.seconds);
    expect(region.measurements.runbook?.map((st) => [st.step, st.status])).toEqual([
      ['switch-traffic', 'ok'],
      ['promote-database', 'ok'],
      ['scale-dr', 'ok'],
      ['verify-healthy', 'ok'],
    ]);
    expect(drill.measurements.restore?.durationMs).toBeGreaterThan(0);
    expect(drill.measurements.validations?.map((v) => [v.kind, v.pass])).toEqual([
      ['rowCounts', true],
      ['checksum', true],
      ['schema', true],
      ['query', true],
      ['marker', true],
    ]);
    // The sandbox seeds 5,000 contacts: the row count is read from the restored copy, not echoed from the source.
    expect(drill.measurements.validations?.[0]?.actual).toBe(5000);
    expect(
      readFileSync(join(runDirs[names.indexOf('sandbox-backup-restore')] as string, 'summary.md'), 'utf8'),
    ).toMatch(/Restore drill/);
  }, 900_000);

  it('Ctrl-C during a run with its own sandbox rolls back and stops the sandbox', async () => {
    const dir = mkdtempSync(join(reportDir, 'sigint-'));
    const { child, done } = startCli(['run', 'test/fixtures/runs/zone-hold.yaml', '--report-dir', dir]);
    await eventually(
      () => {
        const base = join(dir, 'it-zone-hold');
        const run = existsSync(base) ? readdirSync(base)[0] : undefined;
        const journal = run ? join(base, run, 'journal.ndjson') : '';
        if (!run || !existsSync(journal)) return undefined;
        const entries = readJournal(journal);
        const down = entries.find((e) => e.type === 'intent' && e.action === 'zone a down');
        const id = down?.type === 'intent' ? down.id : undefined;
        return id && entries.some((e) => e.type === 'applied' && e.id === id) ? true : undefined;
      },
      60_000,
      'the zone outage to be journaled and applied',
    );
    child.kill('SIGINT');
    const res = await done;
    expect(res.code, res.stderr).toBe(3);
    const runDir = onlyRun(join(dir, 'it-zone-hold'));
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
    expect(report.verdict).toBe('aborted');
    expect(report.reason).toMatch(/interrupted by SIGINT/);
    expect(report.rollback).toMatchObject({ complete: true, failed: [] });
    await expectOwnSandboxGone(runDir);
  }, 120_000);
});
