// The crash matrix on the sandbox (integration tier): every sandbox fault and the restore drill, killed
// with SIGKILL right after their first and last journaled mutation (GAMEDAY_FAILPOINT), rolled back with
// the real `gameday rollback`, and compared with the sandbox as it was before the run — replicas per
// zone, zones, regions, database roles, marker schema, listening ports, processes, leftover dirs and
// locks. A run that started its own sandbox is killed too: its rollback says the sandbox is gone with
// it and exits 0. The full matrix (every kill point) is `node bench/run.js crash`.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
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
