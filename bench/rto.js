// RTO accuracy: repeated pod-kill runs against the sandbox; the measured RTO is compared with the
// supervisor's ground truth (the moment the fleet was whole again). Goal: |error| <= interval + 10 ms.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarioFile, runScenario, startSandbox } from '../dist/index.js';
import { readGroundTruth } from '../dist/drivers/sandbox/index.js';
import { judgeRto } from './verdicts.js';

const SCENARIO = `apiVersion: gameday/v1
kind: Scenario
metadata: { name: bench-rto }
targets: { sandbox: {} }
probes:
  fleet: { sandbox: {}, interval: 100ms }
steps:
  - fault: pod-kill
    select: { count: 2 }
objectives:
  rto: { probe: fleet, max: 30s, stableFor: 1s }
`;

/** Run `runs` pod-kills; return each run's measured and true RTO (ms) and the error. */
export async function benchRto({ runs = 10, startupDelayMs = 1000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-bench-rto-'));
  const file = join(dir, 'bench-rto.yaml');
  writeFileSync(file, SCENARIO);
  const { scenario, diagnostics } = await loadScenarioFile(file);
  if (!scenario) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  const sandbox = await startSandbox({ replicas: 6, zones: ['a', 'b', 'c'], startupDelayMs, database: false });
  const rows = [];
  try {
    for (let i = 0; i < runs; i++) {
      const result = await runScenario(scenario, { reportDir: dir, sandboxUrl: sandbox.controlUrl, baselineMs: 500 });
      const rto = result.report.measurements.rto;
      if (!rto || rto.ms === null)
        throw new Error(`run ${i + 1}: no RTO measured (${result.report.verdict} ${result.report.reason ?? ''})`);
      const faultAt = Date.parse(rto.faultAt);
      const events = await readGroundTruth(sandbox.stateDir);
      const whole = events.find((e) => e.event === 'fleet-whole' && e.at >= faultAt);
      if (!whole) throw new Error(`run ${i + 1}: the supervisor logged no fleet-whole after the fault`);
      const trueMs = whole.at - faultAt;
      rows.push({ run: i + 1, measuredMs: rto.ms, trueMs, errorMs: rto.ms - trueMs, boundMs: rto.errorBoundMs + 10 });
    }
  } finally {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runs = Number(process.argv[2] ?? 10);
  const rows = await benchRto({ runs });
  for (const r of rows) {
    console.log(
      `run ${String(r.run).padStart(2)}: true ${r.trueMs.toFixed(1)}ms  measured ${r.measuredMs.toFixed(1)}ms  error ${r.errorMs.toFixed(1)}ms  (bound ±${r.boundMs}ms) ${Math.abs(r.errorMs) <= r.boundMs ? 'ok' : 'OUT OF BOUND'}`,
    );
  }
  console.log(judgeRto(rows).line);
}
