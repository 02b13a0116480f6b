// The full crash matrix: for every fault on every target, a reference run finds how many journaled
// mutations it applies, then the run is killed after each of them in turn and rolled back; the table
// says, per fault and kill point, whether the target converged. Run by `node bench/run.js crash`
// (through vite-node, as it shares the test tiers' harness); `--quick` runs the test tiers' kill points
// only; `sandbox`, `k8s`, `aws` choose targets (default all). Prints, never asserts.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startAwsWorld } from './aws-target.js';
import {
  countKillPoints,
  crashAt,
  formatTable,
  type CrashCase,
  type CrashOutcome,
  type CrashTarget,
} from './harness.js';
import { K8S_CASES, kubernetesTarget } from './k8s-target.js';
import { FLEET_CASES, FLEET_SANDBOX, REGION_CASES, REGION_SANDBOX, SELF_STARTED_CASES } from './sandbox-cases.js';
import { crashRoot, externalSandbox, selfStartedSandbox } from './sandbox-target.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.filter((a) => !a.startsWith('--'));
const want = (name: string): boolean => only.length === 0 || only.includes(name);
const outcomes: CrashOutcome[] = [];
const counts: string[] = [];
const started = performance.now();

/** Every kill point of every case (or the tiers' own with --quick), in order. */
async function runCases(target: CrashTarget, cases: CrashCase[], reports: string): Promise<void> {
  for (const c of cases) {
    let points = c.killPoints;
    if (!quick) {
      const n = await countKillPoints(target, c, reports);
      counts.push(`${target.name} ${c.fault}: ${n} journaled mutation(s) applied by a full run`);
      points = Array.from({ length: n }, (_, i) => i + 1);
    }
    for (const k of points) {
      const o = await crashAt(target, c, k, reports);
      outcomes.push(o);
      const verdict = o.converged ? 'converged' : `DID NOT CONVERGE: ${o.problems.join('; ')}`;
      console.log(`  ${o.target} · ${o.fault} · kill after applied #${k}: ${verdict} (${(o.ms / 1000).toFixed(1)} s)`);
    }
  }
}

const root = crashRoot('bench');
const reports = join(root.dir, 'reports');
mkdirSync(reports);
try {
  if (want('sandbox')) {
    console.log('\n# crash matrix: sandbox');
    const fleet = await externalSandbox('fleet', root.dir, FLEET_SANDBOX);
    const regions = await externalSandbox('regions', root.dir, REGION_SANDBOX);
    try {
      await runCases(fleet, FLEET_CASES, reports);
      await runCases(regions, REGION_CASES, reports);
      const own = selfStartedSandbox(root.dir, () => [fleet.sandbox.stateDir, regions.sandbox.stateDir]);
      await runCases(own, SELF_STARTED_CASES, reports);
    } finally {
      await Promise.all([fleet.stop(), regions.stop()]);
    }
  }
  if (want('k8s')) {
    console.log('\n# crash matrix: kubernetes');
    const { nodes, startFixture } = await import('../k8s/cluster.js');
    const fixture = await startFixture();
    try {
      await runCases(kubernetesTarget(fixture, (await nodes(fixture.admin)).length, root.dir), K8S_CASES, reports);
    } finally {
      await fixture.stop();
    }
  }
  if (want('aws')) {
    console.log('\n# crash matrix: aws (moto + loopback FIS)');
    const world = await startAwsWorld(root.dir);
    try {
      await runCases(world, world.cases, reports);
    } finally {
      await world.stop();
    }
  }
} finally {
  root.remove();
}

const converged = outcomes.filter((o) => o.converged).length;
console.log(`\n# crash matrix${quick ? ' (quick: the test tiers’ kill points)' : ''}: fault × kill point → converged?`);
for (const line of counts) console.log(`  ${line}`);
console.log(formatTable(outcomes));
console.log(
  `crash matrix: ${converged}/${outcomes.length} kill points converged in ${((performance.now() - started) / 60_000).toFixed(1)} min — ${converged === outcomes.length ? 'meets goal' : 'MISSES GOAL'}`,
);
process.exitCode = 0;
