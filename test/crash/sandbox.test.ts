// The crash matrix on the sandbox (integration tier): every sandbox fault and the restore drill, killed
// with SIGKILL right after their first and last journaled mutation (GAMEDAY_FAILPOINT), rolled back with
// the real `gameday rollback`, and compared with the sandbox as it was before the run — replicas per
// zone, zones, regions, database roles, marker schema, listening ports, processes, leftover dirs and
// locks. A run that started its own sandbox is killed too: its rollback says the sandbox is gone with
// it and exits 0. The full matrix (every kill point) is `node bench/run.js crash`.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { removeScratchServer } from '../../src/drivers/postgres/scratch.js';
import { startSandbox } from '../../src/drivers/sandbox/index.js';
import { readJournal } from '../../src/runner/journal.js';
import { runCli } from '../helpers/cli.js';
import { runDirs } from '../helpers/reports.js';
import { crashAt, explain, formatTable, type CrashCase, type CrashOutcome, type CrashTarget } from './harness.js';
import { FLEET_CASES, FLEET_SANDBOX, REGION_CASES, REGION_SANDBOX, SELF_STARTED_CASES } from './sandbox-cases.js';
import { crashRoot, externalSandbox, selfStartedSandbox } from './sandbox-target.js';

const root = crashRoot('sandbox');
const reports = join(root.dir, 'reports');
const outcomes: CrashOutcome[] = [];
let fleet: Awaited<ReturnType<typeof externalSandbox>>;
let regions: Awaited<ReturnType<typeof externalSandbox>>;

beforeAll(async () => {
  mkdirSync(reports);
  [fleet, regions] = await Promise.all([
    externalSandbox('fleet', root.dir, FLEET_SANDBOX),
    externalSandbox('regions', root.dir, REGION_SANDBOX),
  ]);
}, 180_000);

afterAll(async () => {
  console.log(`crash matrix (sandbox, first and last kill points):\n${formatTable(outcomes)}`);
  await Promise.all([fleet?.stop(), regions?.stop()]);
  root.remove();
}, 120_000);

function matrix(name: string, target: () => CrashTarget, cases: CrashCase[]): void {
  describe(name, () => {
    for (const c of cases) {
      for (const k of c.killPoints) {
        it(`${c.fault}: killed after applied mutation ${k}, rolled back, as it was`, async () => {
          const o = await crashAt(target(), c, k, reports);
          outcomes.push(o);
          expect(o.converged, explain(o)).toBe(true);
        }, 240_000);
      }
    }
  });
}

matrix('a sandbox the run attaches to', () => fleet, FLEET_CASES);
matrix('a two-region sandbox the run attaches to', () => regions, REGION_CASES);
matrix(
  'a sandbox the run started itself',
  () => selfStartedSandbox(root.dir, () => [fleet.sandbox.stateDir, regions.sandbox.stateDir]),
  SELF_STARTED_CASES,
);

describe('a target that vanished', () => {
  /** The run dir of a run killed at `killPoint` (GAMEDAY_FAILPOINT), under a fresh report dir. */
  async function killedRun(args: string[], env: Record<string, string>, killPoint: number): Promise<string> {
    const dir = mkdtempSync(join(reports, 'vanished-'));
    const res = await runCli([...args, '--report-dir', dir], {
      ...env,
      GAMEDAY_FAILPOINT: `kill-after-applied:${killPoint}`,
    });
    expect(res.signal, res.stdout + res.stderr).toBe('SIGKILL');
    const [run] = runDirs(dir);
    return run as string;
  }

  it('a sandbox the run did not start (GAMEDAY_SANDBOX_URL) that is unreachable is still exit 4', async () => {
    const own = await startSandbox({ replicas: 2, zones: ['a', 'b'], startupDelayMs: 0, database: false });
    let runDir: string;
    try {
      runDir = await killedRun(
        ['run', 'test/fixtures/runs/zone-hold.yaml'],
        { GAMEDAY_SANDBOX_URL: own.controlUrl, TMPDIR: root.dir },
        1,
      );
    } finally {
      await own.stop();
    }
    const res = await runCli(['rollback', runDir], { TMPDIR: root.dir });
    expect(res.code, res.stdout + res.stderr).toBe(4);
    expect(res.stderr).toContain('sandbox control API unreachable');
    expect(res.stdout + res.stderr).not.toContain('gone with it');
  }, 120_000);

  it('a drill’s scratch PostgreSQL that vanished is reported as gone with its run: exit 0', async () => {
    // Killed right after the scratch server started (markers, work dir, scratch server).
    const runDir = await killedRun(['drill', 'scenarios/sandbox/backup-restore.yaml'], fleet.env(), 3);
    const scratch = readJournal(join(runDir, 'journal.ndjson')).flatMap((e) =>
      e.type === 'intent' && e.undo.op === 'remove-scratch-server' ? [String(e.undo.args['dir'])] : [],
    )[0] as string;
    // The machine lost it (a reboot, a temp cleaner): its server is gone, and so is its dir.
    await removeScratchServer(scratch);
    expect(existsSync(scratch)).toBe(false);
    const res = await runCli(['rollback', runDir], fleet.env());
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toContain(
      `scratch PostgreSQL ${scratch} was started by this run and is gone with it; nothing to undo`,
    );
    const again = await runCli(['rollback', runDir], fleet.env());
    expect(again.stdout).toContain('nothing to roll back');
  }, 120_000);
});
