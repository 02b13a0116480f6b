// The README's CLI promises, each held by a test that fails when it breaks, through the real CLI against one
// real sandbox (with PostgreSQL): `--json` (stdout is exactly report.json) and `--quiet` on run and drill,
// `gameday report <dir>`, Ctrl-C once and twice, SIGTERM, exit 4 through an ordinary undo failure, and an
// `abortWhen` condition aborting a real run. Runs that must see an undo fail or hang reach the sandbox
// through test/helpers/control-proxy.ts (the real control API behind a loopback proxy).

import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../src/drivers/sandbox/index.js';
import type { Report } from '../src/report/types.js';
import { pendingUndos, readJournal } from '../src/runner/journal.js';
import { eventually, runCli, startCli } from './helpers/cli.js';
import { startControlProxy, type ControlProxy } from './helpers/control-proxy.js';
import { expectEndedNormally } from './helpers/verdict.js';
import { fleetWhole as waitFleetWhole } from './helpers/sandbox.js';

let sandbox: SandboxHandle;
let proxy: ControlProxy;
const reportDir = mkdtempSync(join(tmpdir(), 'gameday-contract-'));

beforeAll(async () => {
  sandbox = await startSandbox({ replicas: 6, zones: ['a', 'b', 'c'], startupDelayMs: 300, database: true });
  proxy = await startControlProxy(sandbox.controlUrl);
});

afterAll(async () => {
  await proxy?.close();
  await sandbox?.stop();
  rmSync(reportDir, { recursive: true, force: true });
});

const direct = (): Record<string, string> => ({ GAMEDAY_SANDBOX_URL: sandbox.controlUrl });
const viaProxy = (): Record<string, string> => ({ GAMEDAY_SANDBOX_URL: proxy.url });

/** A fresh report dir, and the single run dir a scenario wrote under it. */
function freshDir(label: string): string {
  return mkdtempSync(join(reportDir, `${label}-`));
}
function onlyRunDir(dir: string, scenario: string): string {
  const runs = readdirSync(join(dir, scenario));
  expect(runs).toHaveLength(1);
  return join(dir, scenario, runs[0] as string);
}
const readReport = (runDir: string): Report => JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;

/** Wait until every zone is up and the fleet is whole (the state every test leaves behind). */
const fleetWhole = (): Promise<void> => waitFleetWhole(sandbox.client, 60_000);

/** Wait until `zone` is down (the run's fault is in place). */
async function zoneDown(zone: string): Promise<void> {
  await eventually(
    async () => ((await sandbox.client.status()).zones[zone]?.up === false ? true : undefined),
    60_000,
    `zone ${zone} to go down`,
  );
}

describe('output modes', () => {
  it('run --json: stdout is exactly report.json', async () => {
    await fleetWhole();
    const dir = freshDir('json');
    const res = await runCli(['run', 'test/fixtures/runs/pod-kill.yaml', '--json', '--report-dir', dir], direct());
    const runDir = onlyRunDir(dir, 'it-pod-kill');
    expectEndedNormally(readReport(runDir), res.code, res.stderr);
    expect(res.stdout).toBe(readFileSync(join(runDir, 'report.json'), 'utf8'));
    // Progress is not mixed into stdout, nor onto stderr: a script can pipe the one into jq.
    expect(res.stderr).toBe('');
  });

  it('run --quiet: one line per run on stdout, nothing on stderr', async () => {
    await fleetWhole();
    const dir = freshDir('quiet');
    const res = await runCli(['run', 'test/fixtures/runs/pod-kill.yaml', '--quiet', '--report-dir', dir], direct());
    const runDir = onlyRunDir(dir, 'it-pod-kill');
    const report = readReport(runDir);
    expectEndedNormally(report, res.code, res.stderr);
    expect(res.stdout).toBe(`it-pod-kill: ${report.verdict.toUpperCase()} (${runDir})\n`);
    expect(res.stderr).toBe('');
  });

  it('drill --json and drill --quiet against the sandbox database', async () => {
    const dir = freshDir('drill');
    const json = await runCli(
      ['drill', 'scenarios/sandbox/backup-restore.yaml', '--json', '--report-dir', dir],
      direct(),
    );
    expect(json.code, json.stderr).toBe(0);
    const runDir = onlyRunDir(dir, 'sandbox-backup-restore');
    expect(json.stdout).toBe(readFileSync(join(runDir, 'report.json'), 'utf8'));
    expect(json.stderr).toBe('');

    const quietDir = freshDir('drill-quiet');
    const quiet = await runCli(
      ['drill', 'scenarios/sandbox/backup-restore.yaml', '--quiet', '--report-dir', quietDir],
      direct(),
    );
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toBe(`sandbox-backup-restore: PASS (${onlyRunDir(quietDir, 'sandbox-backup-restore')})\n`);
    expect(quiet.stderr).toBe('');
  });

  it('plan --json: the plan as JSON on stdout, the replicas chosen from the live sandbox, nothing changed', async () => {
    await fleetWhole();
    const before = (await sandbox.client.status()).replicas.map((r) => r.id).sort();
    const res = await runCli(['plan', 'test/fixtures/runs/pod-kill.yaml', '--json'], direct());
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as {
      plan: { steps: Array<{ kind: string; planned?: { affected: string[] } }> };
      guardViolations: string[];
    };
    expect(out.guardViolations).toEqual([]);
    const affected = out.plan.steps.find((st) => st.kind === 'fault')?.planned?.affected ?? [];
    expect(affected).toHaveLength(2);
    for (const id of affected) expect(before).toContain(id);
    expect((await sandbox.client.status()).replicas.map((r) => r.id).sort()).toEqual(before);
  });

  it('validate --quiet prints nothing for valid files and still every problem for invalid ones', async () => {
    const ok = await runCli(['validate', '--quiet', 'scenarios/sandbox/pod-kill.yaml']);
    expect(ok).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const bad = await runCli([
      'validate',
      '--quiet',
      'scenarios/sandbox/pod-kill.yaml',
      'test/fixtures/runs/none.yaml',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/test\/fixtures\/runs\/none\.yaml/);
  });
});

describe('gameday report <run-dir>', () => {
  it('prints summary.md, writes junit.xml and summary.md again from report.json, --json prints report.json', async () => {
    await fleetWhole();
    const dir = freshDir('report');
    const run = await runCli(['run', 'test/fixtures/runs/pod-kill.yaml', '--quiet', '--report-dir', dir], direct());
    const runDir = onlyRunDir(dir, 'it-pod-kill');
    expectEndedNormally(readReport(runDir), run.code, run.stderr);
    const summary = readFileSync(join(runDir, 'summary.md'), 'utf8');
    const junit = readFileSync(join(runDir, 'junit.xml'), 'utf8');
    rmSync(join(runDir, 'summary.md'));
    rmSync(join(runDir, 'junit.xml'));

    const res = await runCli(['report', runDir]);
    // The run's own exit code, from report.json.
    expect(res.code, res.stderr).toBe(run.code);
    expect(res.stdout).toBe(summary);
    expect(readFileSync(join(runDir, 'summary.md'), 'utf8')).toBe(summary);
    expect(readFileSync(join(runDir, 'junit.xml'), 'utf8')).toBe(junit);

    const json = await runCli(['report', runDir, '--json']);
    expect(json.code).toBe(run.code);
    expect(json.stdout).toBe(readFileSync(join(runDir, 'report.json'), 'utf8'));

    const missing = await runCli(['report', join(dir, 'no-such-run')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/No report found at .*no-such-run/);
  });
});

describe('signals', () => {
  it('SIGTERM stops the experiment, rolls back and exits 3', async () => {
    await fleetWhole();
    const dir = freshDir('sigterm');
    const { child, done } = startCli(['run', 'test/fixtures/runs/zone-hold.yaml', '--report-dir', dir], direct());
    await zoneDown('a');
    child.kill('SIGTERM');
    const res = await done;
    expect(res.code, res.stderr).toBe(3);
    expect(res.stderr).toMatch(/SIGTERM received — stopping the experiment and rolling back/);
    expect((await sandbox.client.status()).zones['a']?.up).toBe(true);
    const runDir = onlyRunDir(dir, 'it-zone-hold');
    const report = readReport(runDir);
    expect(report).toMatchObject({ verdict: 'aborted', rollback: { complete: true, failed: [] } });
    expect(report.reason).toMatch(/interrupted by SIGTERM/);
    expect(pendingUndos(readJournal(join(runDir, 'journal.ndjson')))).toEqual([]);
    await fleetWhole();
  }, 120_000);

  it('Ctrl-C twice exits 4 at once without rollback; the journal says what is left, and gameday rollback finishes it', async () => {
    await fleetWhole();
    const dir = freshDir('sigint-twice');
    // The rollback's zone-up is held at the proxy, so the second Ctrl-C surely lands while rollback runs.
    proxy.rule = (r) => (r === 'POST /zones/a/up' ? 'hold' : 'forward');
    try {
      const { child, done } = startCli(['run', 'test/fixtures/runs/zone-hold.yaml', '--report-dir', dir], viaProxy());
      await zoneDown('a');
      child.kill('SIGINT');
      await eventually(() => (proxy.seen.includes('POST /zones/a/up') ? true : undefined), 60_000, 'the undo');
      child.kill('SIGINT');
      const res = await done;
      expect(res.code, res.stderr).toBe(4);
      const runDir = onlyRunDir(dir, 'it-zone-hold');
      expect(res.stderr).toContain(
        `gameday: exiting before rollback finished; faults may remain. Run: gameday rollback ${runDir}`,
      );
      proxy.dropHeld();
      // The zone is still down, and the journal names exactly that undo as left to do.
      expect((await sandbox.client.status()).zones['a']?.up).toBe(false);
      const left = pendingUndos(readJournal(join(runDir, 'journal.ndjson')));
      expect(left.map((p) => [p.undo.op, p.undo.args['zone']])).toEqual([['zone-up', 'a']]);
      proxy.rule = () => 'forward';
      const rb = await runCli(['rollback', runDir]);
      expect(rb.code, rb.stderr).toBe(0);
      expect(rb.stdout).toMatch(/rollback complete: 1 mutation\(s\) undone/);
      expect((await sandbox.client.status()).zones['a']?.up).toBe(true);
    } finally {
      proxy.rule = () => 'forward';
      proxy.dropHeld();
    }
    await fleetWhole();
  }, 180_000);
});

describe('exit 4 and abortWhen', () => {
  it('an undo that fails leaves rollback incomplete: exit 4, what to do on stdout and in the report', async () => {
    await fleetWhole();
    const dir = freshDir('undo-fails');
    proxy.rule = (r) => (r === 'POST /zones/b/up' ? 'fail' : 'forward');
    let runDir: string;
    try {
      const res = await runCli(['run', 'test/fixtures/runs/zone-until-rollback.yaml', '--report-dir', dir], viaProxy());
      expect(res.code, res.stderr).toBe(4);
      runDir = onlyRunDir(dir, 'it-zone-until-rollback');
      expect(res.stdout).toMatch(/ROLLBACK INCOMPLETE: .*sandbox rejected POST \/zones\/b\/up \(HTTP 500\)/);
      expect(res.stdout).toContain(`a person must look: gameday rollback ${runDir}`);
      const report = readReport(runDir);
      expect(report.rollback.complete).toBe(false);
      expect(report.rollback.failed).toHaveLength(1);
      expect(readFileSync(join(runDir, 'summary.md'), 'utf8')).toMatch(/sandbox rejected POST \/zones\/b\/up/);
      // The sandbox's own state agrees with the report: zone b is still down.
      expect((await sandbox.client.status()).zones['b']?.up).toBe(false);
      expect((await runCli(['report', runDir])).code).toBe(4);
    } finally {
      proxy.rule = () => 'forward';
    }
    const rb = await runCli(['rollback', runDir]);
    expect(rb.code, rb.stderr).toBe(0);
    expect((await sandbox.client.status()).zones['b']?.up).toBe(true);
    await fleetWhole();
  }, 120_000);

  it('an abortWhen condition aborts a real run: exit 3, the reason, every zone back', async () => {
    await fleetWhole();
    const dir = freshDir('abort-when');
    const res = await runCli(['run', 'test/fixtures/runs/abort-when.yaml', '--report-dir', dir], direct());
    expect(res.code, res.stderr).toBe(3);
    const runDir = onlyRunDir(dir, 'it-abort-when');
    const report = readReport(runDir);
    expect(report.verdict).toBe('aborted');
    expect(report.reason).toMatch(/^abort condition: probe api availability \d+\.\d% over the last 2s is below 50%/);
    expect(report.rollback).toMatchObject({ complete: true, failed: [] });
    const s = await sandbox.client.status();
    expect(Object.values(s.zones).every((z) => z.up)).toBe(true);
    expect(existsSync(join(runDir, 'junit.xml'))).toBe(true);
    await fleetWhole();
  }, 180_000);
});
