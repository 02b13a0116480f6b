// Benchmark: lateness and CPU cost of the probe scheduler with a trivial check, next to a bare timer loop
// run alongside it (the machine's own timer lateness, the baseline). Lateness is measured for every tick
// against its own due time; ticks no check started for are counted as missed (bench/verdicts.js).
// Usage: npx tsc -p tsconfig.json && node bench/scheduler.js [--duration 10s] [--hz 20]

import { pathToFileURL } from 'node:url';
import { startProbes } from '../dist/probes/scheduler.js';
import { systemClock } from '../dist/util/clock.js';
import { parseDuration } from '../dist/util/duration.js';
import { judgeScheduler } from './verdicts.js';

/**
 * A bare absolute-schedule timer loop with the scheduler's policy (run the newest due tick, never a burst):
 * what any timer on this machine achieves right now. Returns a stop function.
 */
function bareTimerLoop(startT, intervalMs, record) {
  let timer;
  let stopped = false;
  const arm = (k) => {
    timer = setTimeout(() => fire(k), Math.max(0, startT + k * intervalMs - performance.now()));
  };
  const fire = (k) => {
    if (stopped) return;
    const now = performance.now();
    if (now < startT + k * intervalMs - 0.5) return arm(k);
    record(now);
    arm(Math.max(k, Math.floor((now - startT) / intervalMs)) + 1);
  };
  arm(0);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** Run one trivial probe at `hz` for `durationMs` beside the bare timer loop; judge both per tick. */
export async function benchScheduler({ durationMs = 60000, hz = 20 } = {}) {
  const intervalMs = 1000 / hz;
  const starts = [];
  const baseline = [];
  const probe = {
    name: 'bench',
    kind: 'bench',
    intervalMs,
    timeoutMs: 1000,
    check: async () => {
      starts.push(performance.now());
      return { ok: true };
    },
  };
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  const runner = startProbes([probe], { clock: systemClock, onSample: () => {} });
  const stopBaseline = bareTimerLoop(t0, intervalMs, (t) => baseline.push(t));
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  const endT = performance.now();
  stopBaseline();
  await runner.stop();
  const cpu = process.cpuUsage(cpuBefore);
  // Why process CPU includes the bare loop: it costs a few µs per tick, and can only make the goal harder.
  const cpuPercentOfCore = round(((cpu.user + cpu.system) / 1000 / (endT - t0)) * 100);
  return {
    ...judgeScheduler({
      measured: { startT: t0, intervalMs, endT, starts },
      baseline: { startT: t0, intervalMs, endT, starts: baseline },
      cpuPercentOfCore,
    }),
    samples: starts.length,
  };
}

function round(v) {
  return Math.round(v * 1000) / 1000;
}

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const durationMs = parseDuration(arg('--duration', '60s')) ?? 60000;
  const hz = Number(arg('--hz', '20'));
  const result = await benchScheduler({ durationMs, hz });
  console.log(`scheduler: ${hz} Hz for ${durationMs} ms`);
  console.log(JSON.stringify({ measured: result.measured, baseline: result.baseline, cpu: result.cpuPercentOfCore }));
  console.log(result.line);
}
