// The shared safety mechanism end to end, through the real CLI against a real sandbox: the blast radius
// over a whole run, one owner per target (the lock, and the journal deciding takeovers), rollback that
// never races a live run, and aborted runs that keep their evidence.

import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../src/drivers/sandbox/index.js';
import type { JournalEntry } from '../src/runner/journal.js';
import type { Report } from '../src/report/types.js';
import { eventually, runCli, startCli } from './helpers/cli.js';
import { fleetWhole as waitFleetWhole } from './helpers/sandbox.js';

let sandbox: SandboxHandle;
let work: string;
let lockDir: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'gameday-safety-'));
  lockDir = join(work, 'locks');
  // Replacements take 3s to be ready: long enough that "not recovered yet" is a state, not a race.
  sandbox = await startSandbox({ replicas: 6, zones: ['a', 'b', 'c'], startupDelayMs: 3000, database: false });
});

afterAll(async () => {
  await sandbox?.stop();
  rmSync(work, { recursive: true, force: true });
});

const env = (): Record<string, string> => ({ GAMEDAY_SANDBOX_URL: sandbox.controlUrl, GAMEDAY_LOCK_DIR: lockDir });
const fixture = (name: string): string => `test/fixtures/runs/${name}.yaml`;

const fleetWhole = (): Promise<void> => waitFleetWhole(sandbox.client, 60_000);

/** The zone holding the most ready replicas now (zones that came back are not refilled at once). */
async function fullestZone(): Promise<string> {
  const s = await sandbox.client.status();
  const count = (z: string): number => s.replicas.filter((r) => r.zone === z && r.state === 'ready').length;
  return Object.keys(s.zones).sort((a, b) => count(b) - count(a))[0] as string;
}

const replicaIds = async (): Promise<string[]> => (await sandbox.client.status()).replicas.map((r) => r.id).sort();

function journalOf(runDir: string): JournalEntry[] {
  return readFileSync(join(runDir, 'journal.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JournalEntry);
}

/** The run directory of `scenario` under `dir` once its journal shows an applied mutation. */
function appliedRunDir(dir: string, scenario: string): Promise<string> {
  return eventually(
    () => {
      const base = join(dir, scenario);
      const run = existsSync(base) ? readdirSync(base)[0] : undefined;
      const journal = run ? join(base, run, 'journal.ndjson') : '';
      return run && existsSync(journal) && /"type":"applied"/.test(readFileSync(journal, 'utf8'))
        ? join(base, run)
        : undefined;
    },
    60_000,
    `${scenario} to apply its fault`,
  );
}

const onlyRun = (dir: string, scenario: string): string =>
  join(dir, scenario, readdirSync(join(dir, scenario))[0] as string);

const lockFiles = (): string[] => (existsSync(lockDir) ? readdirSync(lockDir).filter((f) => f.endsWith('.lock')) : []);

describe('blast radius over the whole run', () => {
  it('plan refuses (exit 2) steps that add up above maxUnavailable, naming the step and the numbers', async () => {
    await fleetWhole();
    const res = await runCli(['plan', fixture('blast-zones')], env());
    expect(res.code, res.stdout + res.stderr).toBe(2);
    expect(res.stderr).toContain(
      'step pod-kill #2: would have 4 of 6 in the sandbox fleet out of service at once (2 from this step, 2 from step pod-kill #1, not recovered yet), above guards.maxUnavailable (50% of 6 = 3)',
    );
  });

  it('run refuses the same scenario (exit 2) before killing anything', async () => {
    await fleetWhole();
    const before = await replicaIds();
    const res = await runCli(['run', fixture('blast-zones'), '--report-dir', join(work, 'blast')], env());
    expect(res.code, res.stdout + res.stderr).toBe(2);
    expect(res.stdout).toMatch(/step pod-kill #2: would have 4 of 6/);
    expect(await replicaIds()).toEqual(before);
  });

  it('a count larger than the selection can give is an error (exit 2), not a clamp', async () => {
    const res = await runCli(['plan', fixture('count-too-large')], env());
    expect(res.code, res.stdout + res.stderr).toBe(2);
    expect(res.stderr).toContain(
      'step pod-kill #1: select.count 4 is more than the 2 candidate(s) the selection (zone a) can give',
    );
  });

  it('run checks the live state before each kill and refuses the step (exit 3, rolled back)', async () => {
    await fleetWhole();
    const dir = join(work, 'live');
    const res = await runCli(['run', fixture('blast-live'), '--report-dir', dir], env());
    expect(res.code, res.stdout + res.stderr).toBe(3);
    const runDir = onlyRun(dir, 'it-blast-live');
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
    expect(report.verdict).toBe('aborted');
    expect(report.reason).toMatch(
      /step pod-kill #2 refused: 2 of 6 in the sandbox fleet are out of service now; taking 2 more would leave 4 out, above guards.maxUnavailable \(50% of 6 = 3\)/,
    );
    expect(report.rollback.complete).toBe(true);
    // Only the first kill was ever journaled: the second never reached the sandbox.
    expect(journalOf(runDir).filter((e) => e.type === 'intent' && e.action.startsWith('kill'))).toHaveLength(1);
    await fleetWhole();
  }, 120_000);
});

describe('one owner per target, and the journal decides', () => {
  it('rollback refuses (exit 2) while the run that owns the journal is alive; the run then rolls back once', async () => {
    await fleetWhole();
    const dir = join(work, 'live-rollback');
    const { child, done } = startCli(['run', fixture('zone-hold'), '--report-dir', dir], env());
    const runDir = await appliedRunDir(dir, 'it-zone-hold');

    const rb = await runCli(['rollback', runDir], env());
    expect(rb.code, rb.stdout + rb.stderr).toBe(2);
    expect(rb.stderr).toContain(`that owns this journal is still running`);
    expect(rb.stderr).toContain(`kill -INT ${child.pid}`);
    expect((await sandbox.client.status()).zones['a']?.up).toBe(false);

    child.kill('SIGINT');
    const res = await done;
    expect(res.code, res.stderr).toBe(3);
    const journal = journalOf(runDir);
    const intents = journal.filter((e) => e.type === 'intent').map((e) => (e as { id: string }).id);
    const undone = journal.filter((e) => e.type === 'undone').map((e) => (e as { id: string }).id);
    expect(undone.sort()).toEqual(intents.sort());
    expect(lockFiles()).toEqual([]);
    await fleetWhole();
  }, 120_000);

  it('a new run after a SIGKILLed run refuses (exit 3) naming the rollback; after it the run proceeds', async () => {
    await fleetWhole();
    const dir = join(work, 'killed');
    const { child, done } = startCli(['run', fixture('zone-hold'), '--report-dir', dir], env());
    const runDir = await appliedRunDir(dir, 'it-zone-hold');
    child.kill('SIGKILL');
    await done;
    expect(lockFiles()).toHaveLength(1);
    const before = await replicaIds();

    const next = await runCli(['run', fixture('pod-kill'), '--report-dir', join(work, 'next')], env());
    expect(next.code, next.stdout + next.stderr).toBe(3);
    expect(next.stdout).toContain(`run \`gameday rollback ${runDir}\` first`);
    expect((await sandbox.client.status()).zones['a']?.up).toBe(false);
    expect(await replicaIds()).toEqual(before);

    const rb = await runCli(['rollback', runDir], env());
    expect(rb.code, rb.stdout + rb.stderr).toBe(0);
    expect(rb.stdout).toContain(`target confirmed: sandbox ${sandbox.controlUrl}`);
    expect(lockFiles()).toEqual([]);
    await fleetWhole();

    const after = await runCli(['run', fixture('pod-kill'), '--report-dir', join(work, 'after')], env());
    expect(after.code, after.stdout + after.stderr).toBe(0);
    expect(lockFiles()).toEqual([]);
  }, 180_000);
});

describe('aborted runs keep their evidence', () => {
  function check(report: Report, runDir: string): void {
    expect(report.verdict).toBe('aborted');
    const rto = report.measurements.rto;
    expect(rto?.status).toBe('not-recovered');
    expect(rto?.detectMs).not.toBeNull();
    expect(rto?.abortedAtMs).toBeGreaterThan(0);
    const actual = report.objectives.find((o) => o.name === 'rto')?.actual ?? '';
    expect(actual).toMatch(/^not recovered before the abort at \+\d/);
    // The partial `during` window has the samples from the fault to the abort.
    const during = report.measurements.slos.find((s) => s.window === 'during');
    expect(during?.samples ?? 0).toBeGreaterThan(0);
    expect(readFileSync(join(runDir, 'summary.md'), 'utf8')).toContain(actual);
    expect(readFileSync(join(runDir, 'junit.xml'), 'utf8')).toContain(actual);
    const abort = report.timeline.find((e) => e.kind === 'abort');
    const fault = report.timeline.find((e) => e.kind === 'fault-injected');
    expect(fault && abort && abort.t > fault.t).toBe(true);
  }

  it('after an abortWhen trigger', async () => {
    await fleetWhole();
    const dir = join(work, 'abort-when');
    const res = await runCli(['run', fixture('abort-evidence'), '--report-dir', dir], {
      ...env(),
      ZONE: await fullestZone(),
    });
    expect(res.code, res.stdout + res.stderr).toBe(3);
    const runDir = onlyRun(dir, 'it-abort-evidence');
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
    expect(report.reason).toMatch(/abort condition: probe fleet availability/);
    check(report, runDir);
    await fleetWhole();
  }, 120_000);

  it('after SIGINT', async () => {
    await fleetWhole();
    const dir = join(work, 'sigint');
    const { child, done } = startCli(['run', fixture('zone-hold-rto'), '--report-dir', dir], {
      ...env(),
      ZONE: await fullestZone(),
    });
    const runDir = await appliedRunDir(dir, 'it-zone-hold-rto');
    // Wait until the fleet is visibly short (the probe has seen the impact), then interrupt.
    await eventually(
      async () => {
        const s = await sandbox.client.status();
        return s.ready < s.desired ? true : undefined;
      },
      30_000,
      'the fleet to be short',
    );
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGINT');
    const res = await done;
    expect(res.code, res.stderr).toBe(3);
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
    expect(report.reason).toMatch(/SIGINT/);
    check(report, runDir);
    await fleetWhole();
  }, 120_000);
});
