// Kubernetes at scale: the fixture with 500 fake nodes and 5,000 pods; pod-kill of 10 % of a workload and
// a zone outage, run in-process through the runner. Reported: time from the fault step's start to every
// fault injected (goal < 5 s), time to recovery detected, API requests (watch-based, so they must not
// grow with the number of probe samples: two runs with different probe intervals), peak RSS (goal < 300 MB).
// Usage: node bench/k8s.js [--nodes 500] [--pods 5000] [--rounds 3] [--state-dir D] [--keep]
// The fixture starts once. Each round is a fresh harness process that runs the three scenarios, with the
// node flags of gameday's launcher (bin/gameday.js's shebang), as users run gameday: its peak RSS is the
// harness's alone. One round's peak RSS depends on when V8 happens to collect (identical rounds differ by
// tens of MB), so the goals are judged on the medians over the rounds and every round is printed.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launcherNodeFlags } from './launcher-flags.js';
import { judgeK8sScale } from './verdicts.js';

const SELF = fileURLToPath(import.meta.url);

const podKill = (interval, pods) => `apiVersion: gameday/v1
kind: Scenario
metadata: { name: bench-k8s-pod-kill }
targets: { kubernetes: { context: gameday, namespace: production } }
guards: { allowedNamespaces: [production], timeout: 15m }
probes:
  fleet: { kubernetes: { deployment: connectkit-bench, readyAtLeast: ${pods} }, interval: ${interval} }
steps:
  - fault: pod-kill
    select: { labels: { app: connectkit-bench }, percent: 10% }
    mode: evict
objectives:
  rto: { probe: fleet, max: 5m, stableFor: 2s }
rollback: { recoveryTimeout: 5m, timeout: 5m }
`;

const zoneOutage = (interval, pods) => `apiVersion: gameday/v1
kind: Scenario
metadata: { name: bench-k8s-zone-outage }
targets: { kubernetes: { context: gameday, namespace: production } }
guards: { allowedNamespaces: [production], timeout: 15m }
probes:
  fleet: { kubernetes: { deployment: connectkit-bench, readyAtLeast: ${pods} }, interval: ${interval} }
steps:
  - fault: zone-outage
    zone: a
    podAction: delete
objectives:
  rto: { probe: fleet, max: 5m, stableFor: 2s }
rollback: { recoveryTimeout: 5m, timeout: 5m }
`;

/** Run one scenario text in-process; time its phases from the runner's events. */
async function runOnce(dir, name, text, signal) {
  const { loadScenarioFile, runScenario } = await import('../dist/index.js');
  const { processRequestStats } = await import('../dist/drivers/kubernetes/client.js');
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  const { scenario, diagnostics } = await loadScenarioFile(file);
  if (!scenario) throw new Error(diagnostics.map((d) => `${d.path}: ${d.message}`).join('\n'));
  const marks = {};
  let samples = 0;
  const before = processRequestStats();
  const beforeByVerb = before.byVerb;
  const result = await runScenario(scenario, {
    reportDir: dir,
    signal,
    baselineMs: 1000,
    reporters: [
      {
        onEvent(e) {
          if (e.kind === 'run-start') marks.runStart = e.t;
          if (e.kind === 'step-start' && e.index === 0) marks.faultStart = e.t;
          if (e.kind === 'step-end' && e.index === 0) marks.faultDone = e.t;
          if (e.kind === 'phase' && e.phase === 'rollback') marks.rollback = e.t;
        },
        onSample() {
          samples += 1;
        },
      },
    ],
  });
  const after = processRequestStats();
  const byVerb = Object.fromEntries(
    Object.entries(after.byVerb).map(([verb, n]) => [verb, n - (beforeByVerb[verb] ?? 0)]),
  );
  const r = result.report;
  return {
    name,
    verdict: r.verdict,
    reason: r.reason,
    injectMs: Math.round(marks.faultDone - marks.faultStart),
    startToInjectedMs: Math.round(marks.faultDone - marks.runStart),
    rtoMs: r.measurements.rto?.ms ?? null,
    disrupted: r.measurements.pods?.disrupted ?? 0,
    readiness: r.measurements.pods?.readiness ?? null,
    samples: r.probes.reduce((n, p) => n + p.samples, 0) || samples,
    // Requests up to the start of rollback belong to the run; rollback reconnects and waits on its own.
    requests: after.total - before.total,
    byVerb,
    rollbackComplete: r.rollback.complete,
  };
}

const FIXTURE_CLI = new URL('../infra-fixtures/kubernetes/cli.mjs', import.meta.url).pathname;

/** The fixture CLI in a child process, so this process's peak RSS is the harness's alone. */
function fixtureCli(args, log) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FIXTURE_CLI, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      for (const line of String(d).trimEnd().split('\n')) log(line);
    });
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`fixture ${args[0]} exited ${code}`))));
  });
}

/**
 * One round, in this process (the harness child): the three scenarios; their numbers and the peak RSS.
 * SIGINT or SIGTERM aborts the scenario running (its rollback still runs) and skips the rest.
 */
async function harnessRound(pods) {
  const stop = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => stop.abort());
  // Loaded first, so "before its first run" includes gameday's modules, as in a `gameday run`.
  await import('../dist/index.js');
  // As bin/gameday.js does: V8's memory saver while the process is large; when it switched is printed.
  const { startMemorySaver } = await import('../dist/util/memory-saver.js');
  const saverSwitches = [];
  startMemorySaver({
    onSwitch: (on, rssMb) =>
      saverSwitches.push({ on, rssMb: Math.round(rssMb), atS: Math.round(performance.now() / 100) / 10 }),
  });
  const rssBefore = process.resourceUsage().maxRSS;
  const dir = mkdtempSync(join(tmpdir(), 'gameday-bench-k8s-'));
  const runs = [];
  try {
    const scenarios = [
      ['pod-kill (probe every 1s)', podKill('1s', pods)],
      ['pod-kill (probe every 100ms)', podKill('100ms', pods)],
      ['zone-outage (probe every 100ms)', zoneOutage('100ms', pods)],
    ];
    for (const [name, text] of scenarios) {
      if (stop.signal.aborted) throw new Error('harness round stopped by a signal');
      runs.push(await runOnce(dir, name, text, stop.signal));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    runs,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    rssBeforeRunsMb: Math.round(rssBefore / 1024),
    saverSwitches,
  };
}

/** One round in a fresh harness process with the launcher's node flags; resolves with its numbers. */
function spawnRound(pods, kubeconfig) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...launcherNodeFlags(), SELF, 'harness', '--pods', String(pods)], {
      env: { ...process.env, KUBECONFIG: kubeconfig },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // Ctrl-C or a kill of the bench stops the round too (the scenario running rolls back), then the
    // fixture goes down.
    const forward = (sig) => child.kill(sig);
    for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, forward);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      for (const sig of ['SIGINT', 'SIGTERM']) process.off(sig, forward);
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last));
      else reject(new Error(`harness round exited ${signal ?? code}${out ? `: ${out.trim().slice(-400)}` : ''}`));
    });
  });
}

/** Start the scaled fixture, run `rounds` harness rounds on it, stop it; returns every round's numbers. */
export async function benchK8s({ nodes = 500, pods = 5000, rounds = 3, stateDir, keep = false, log = () => {} } = {}) {
  const fixtureDir = stateDir ?? mkdtempSync(join(tmpdir(), 'gameday-bench-k8s-fixture-'));
  const t0 = performance.now();
  // Owned by this process unless kept: a bench killed mid-way (Ctrl-C twice, OOM) still stops the fixture.
  const owner = keep ? [] : ['--owner-pid', String(process.pid)];
  const scale = ['--scale', String(nodes), '--bench-pods', String(pods), '--timeout', '900'];
  const upOut = await fixtureCli(['up', '--state-dir', fixtureDir, ...scale, ...owner], log);
  const upSeconds = (performance.now() - t0) / 1000;
  const kubeconfig = upOut
    .trim()
    .split('\n')
    .at(-1)
    .replace(/^KUBECONFIG=/, '');
  const results = [];
  try {
    for (let i = 0; i < rounds; i++) {
      log(`round ${i + 1} of ${rounds}`);
      results.push(await spawnRound(pods, kubeconfig));
    }
  } finally {
    if (!keep) await fixtureCli(['down', '--state-dir', fixtureDir], log);
  }
  return { nodes, pods, upSeconds, rounds: results };
}

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};

if (import.meta.url === `file://${process.argv[1]}` && process.argv[2] === 'harness') {
  // A round (started by spawnRound): the last line of stdout is its result.
  const result = await harnessRound(Number(arg('pods', 5000)));
  console.log(JSON.stringify(result));
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const rounds = Number(arg('rounds', 3));
  if (!Number.isInteger(rounds) || rounds < 1) {
    console.error(`--rounds must be a whole number of at least 1, got ${arg('rounds')}`);
    process.exit(2);
  }
  const result = await benchK8s({
    nodes: Number(arg('nodes', 500)),
    pods: Number(arg('pods', 5000)),
    rounds,
    stateDir: arg('state-dir', undefined),
    keep: process.argv.includes('--keep'),
    log: (line) => console.error(line),
  });
  console.log(
    `\n# Kubernetes at scale: ${result.nodes} nodes, ${result.pods} pods (fixture up in ${result.upSeconds.toFixed(0)} s), ${rounds} harness round${rounds === 1 ? '' : 's'}`,
  );
  result.rounds.forEach((round, i) => {
    for (const r of round.runs) {
      console.log(
        `${r.name} [round ${i + 1}]: ${r.verdict}; ${r.disrupted} pods disrupted; fault step start → all injected ${(r.injectMs / 1000).toFixed(2)} s (goal < 5 s); run start → all injected ${(r.startToInjectedMs / 1000).toFixed(2)} s; recovery detected after ${r.rtoMs === null ? 'n/a' : `${(r.rtoMs / 1000).toFixed(2)} s`}; readiness p50/p95 ${r.readiness ? `${(r.readiness.p50 / 1000).toFixed(2)}/${(r.readiness.p95 / 1000).toFixed(2)} s` : 'n/a'}; ${r.samples} probe samples, ${r.requests} API requests (${Object.entries(
          r.byVerb,
        )
          .filter(([, n]) => n > 0)
          .map(([v, n]) => `${v} ${n}`)
          .join(', ')})${r.reason ? `; ${r.reason}` : ''}`,
      );
    }
    const switches = (round.saverSwitches ?? [])
      .map((w) => `${w.on ? 'on' : 'off'} at ${w.rssMb} MB after ${w.atS} s`)
      .join(', ');
    console.log(
      `harness peak RSS [round ${i + 1}] ${round.peakRssMb} MB (${round.rssBeforeRunsMb} MB before its first run; memory saver ${switches || 'never on'})`,
    );
  });
  console.log(judgeK8sScale(result).line);
}
