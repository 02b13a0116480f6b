// gameday demo: a real chaos experiment against the embedded sandbox, start to finish.

import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { runDrillScenario } from '../../runner/drill.js';
import { newRunId, runScenario, type RunResult } from '../../runner/run.js';
import { seedFrom } from '../../faults/select.js';
import { seedAt } from '../../suite/seeds.js';
import { outputMode, outputOptions, parseCommandArgs, seedOption, seedValue } from '../args.js';
import type { CliIo } from '../io.js';
import { paint, verdictTone } from '../colour.js';
import { consoleProgress } from '../progress.js';
import { loadOrExplain } from '../scenarios.js';
import { abortOnSignals } from '../signals.js';
import { printRunResult } from '../summary.js';

export const demoHelp = `Usage: gameday demo [--all] [--report-dir D] [--seed N] [--quiet] [--json]

Start the local sandbox (API replicas across zones a/b/c behind a balancer, a supervisor, PostgreSQL
primary + standby when a scenario needs it), kill 2 of its 6 replicas under load, measure the recovery
time, check the objectives, roll back, write the reports and stop everything.
--all runs every sandbox scenario: pod-kill, pod-kill-k6 (k6 as the load; needs k6 on PATH),
zone-outage, spot-interruption, db-failover, region-failover (west → east with a runbook, RPO from
markers) and backup-restore (a restore drill). Each run prints how much of its 99.9 %/30 d error
budget it burned.
--seed N repeats the demo's random choices (which replicas, zones, instances): the demo prints its seed
first; the k-th scenario (from 0) runs with N + k, named on its timeline and in its report.json.`;

/** The scenarios shipped with gameday (scenarios/sandbox/ under the package root). */
export function bundledScenario(name: string): string {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  return join(root, 'scenarios', 'sandbox', `${name}.yaml`);
}

export const DEMO_SUITE = [
  'pod-kill',
  'pod-kill-k6',
  'zone-outage',
  'spot-interruption',
  'db-failover',
  'region-failover',
  'backup-restore',
];

export async function demoCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs('demo', argv, { ...outputOptions, ...seedOption, all: { type: 'boolean' } });
  if (values['help']) {
    io.out(demoHelp);
    return 0;
  }
  const mode = outputMode(values);
  // One seed for the demo, printed first; its k-th run gets seed + k, as in a gate (src/suite/seeds.ts).
  const seed = seedValue('demo', values) ?? seedFrom(newRunId());
  if (!mode.quiet && !mode.json)
    io.err(
      `gameday: demo seed ${seed} (gameday demo${values['all'] ? ' --all' : ''} --seed ${seed} makes the same choices)`,
    );
  const files = (values['all'] ? DEMO_SUITE : ['pod-kill']).map(bundledScenario);
  const scenarios = await loadOrExplain(files, io);
  let runDir: string | undefined;
  const signals = abortOnSignals(io, () => runDir);
  const results: RunResult[] = [];
  try {
    for (const [index, scenario] of scenarios.entries()) {
      if (signals.signal.aborted) break;
      const run = scenario.drill && scenario.steps.length === 0 ? runDrillScenario : runScenario;
      const result = await run(scenario, {
        reportDir: String(values['report-dir'] ?? 'reports'),
        signal: signals.signal,
        seed: seedAt(seed, index),
        reporters: [
          consoleProgress(io, { timeoutMs: scenario.guards.timeoutMs, quiet: mode.quiet || mode.json }),
          { onEvent: (e) => (e.kind === 'run-start' ? (runDir = e.runDir) : undefined) },
        ],
      });
      results.push(result);
      // --json: each run's report.json as it is on disk, one after the other (a JSON sequence jq reads as is).
      printRunResult(result, io, mode);
    }
  } finally {
    signals.dispose();
  }
  if (results.length > 1 && !mode.quiet && !mode.json) {
    io.out('');
    for (const r of results) {
      const word = paint(io.colour, verdictTone(r.report.verdict), r.report.verdict.toUpperCase().padEnd(8));
      io.out(`${word} ${r.report.scenario}  ${r.runDir}`);
    }
  }
  // The worst outcome wins: rollback incomplete (4) > aborted/error (3) > invalid (2) > failed (1) > pass (0).
  return results.reduce((worst, r) => Math.max(worst, r.exitCode), 0) || (signals.signal.aborted ? 3 : 0);
}
