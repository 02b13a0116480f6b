// The crash matrix on Kubernetes (test:k8s tier): ConnectKit's pod-kill, spot-interruption and AZ-loss
// scenarios on the fixture's real control plane, killed with SIGKILL right after their first and last
// journaled mutation (GAMEDAY_FAILPOINT), rolled back with the real `gameday rollback`, and compared
// with the cluster as it was — node set, Ready conditions, cordons, taints, NotReady labels, the
// Deployment's readiness, the budget, and leftover processes, dirs and locks. The full matrix (every
// kill point) is `node bench/run.js crash`.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodes, startFixture, type Fixture } from '../k8s/cluster.js';
import { crashAt, explain, formatTable, type CrashOutcome, type CrashTarget } from './harness.js';
import { K8S_CASES, kubernetesTarget } from './k8s-target.js';
import { crashRoot } from './sandbox-target.js';

const root = crashRoot('k8s');
const reports = join(root.dir, 'reports');
const outcomes: CrashOutcome[] = [];
let fixture: Fixture;
let target: CrashTarget;

beforeAll(async () => {
  mkdirSync(reports);
  fixture = await startFixture();
  target = kubernetesTarget(fixture, (await nodes(fixture.admin)).length, root.dir);
}, 15 * 60_000);

afterAll(async () => {
  console.log(`crash matrix (kubernetes, first and last kill points):\n${formatTable(outcomes)}`);
  await fixture?.stop();
  root.remove();
}, 120_000);

describe('Kubernetes faults killed mid-run converge after gameday rollback', () => {
  for (const c of K8S_CASES) {
    for (const k of c.killPoints) {
      it(`${c.fault}: killed after applied mutation ${k}, rolled back, as it was`, async () => {
        const o = await crashAt(target, c, k, reports);
        outcomes.push(o);
        expect(o.converged, explain(o)).toBe(true);
      }, 300_000);
    }
  }
});
