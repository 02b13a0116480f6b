// The crash matrix on AWS emulators (test:aws tier): FIS spot interruption, FIS AZ outage, RDS failover
// and region failover, each killed with SIGKILL right after its first and last journaled mutation
// (GAMEDAY_FAILPOINT), rolled back with the real `gameday rollback`, and compared with the emulators
// as they were — FIS templates and running experiments, Route 53 records, RDS instance roles, the
// marker schema, leftover processes, dirs and locks. PromoteReadReplica cannot be undone: a run killed
// after it ends in exit 4 RDS_PROMOTION_IRREVERSIBLE (a person must look), with everything else put back.
// The full matrix (every kill point) is `node bench/run.js crash`.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsWorld, type AwsWorld } from './aws-target.js';
import { crashAt, explain, formatTable, type CrashOutcome } from './harness.js';
import { crashRoot } from './sandbox-target.js';

const root = crashRoot('aws');
const reports = join(root.dir, 'reports');
const outcomes: CrashOutcome[] = [];
let world: AwsWorld;

beforeAll(async () => {
  mkdirSync(reports);
  world = await startAwsWorld(root.dir);
}, 180_000);

afterAll(async () => {
  console.log(`crash matrix (aws, first and last kill points):\n${formatTable(outcomes)}`);
  await world?.stop();
  root.remove();
}, 120_000);

describe('AWS faults killed mid-run converge after gameday rollback', () => {
  // The cases are known before the emulators start (their scenario copies are written by startAwsWorld).
  const names = ['FIS spot interruption', 'FIS AZ outage', 'RDS failover', 'region failover'];
  for (const name of names) {
    it(`${name}: first and last kill point`, async () => {
      const c = world.cases.find((x) => x.fault === name);
      if (!c) throw new Error(`no crash case ${name}`);
      for (const k of c.killPoints) {
        const o = await crashAt(world, c, k, reports);
        outcomes.push(o);
        expect(o.converged, explain(o)).toBe(true);
      }
    }, 300_000);
  }
});
