// Benchmark: start-time jitter and CPU cost of the probe scheduler with a trivial check.
// Usage: npx tsc -p tsconfig.json && node bench/scheduler.js [--duration 10s] [--hz 20]

import { pathToFileURL } from 'node:url';
import { startProbes } from '../dist/probes/scheduler.js';
import { systemClock } from '../dist/util/clock.js';
import { parseDuration } from '../dist/util/duration.js';

/** Run one trivial probe at `hz` for `durationMs`; jitter = actual check start − scheduled tick. */
export async function benchScheduler({ durationMs = 60000, hz = 20 } = {}) {
  const intervalMs = 1000 / hz;
  const starts = [];
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
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  await runner.stop();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpuBefore);
  const jitters = starts.map((t) => {
    const k = Math.round((t - t0) / intervalMs);
    return Math.max(0, t - (t0 + k * intervalMs));
  });
  jitters.sort((a, b) => a - b);
  const pick = (p) => round(jitters[Math.min(jitters.length - 1, Math.ceil((p / 100) * jitters.length) - 1)] ?? 0);
  return {
    p50JitterMs: pick(50),
    p99JitterMs: pick(99),
    maxJitterMs: round(jitters.at(-1) ?? 0),
    cpuPercentOfCore: round(((cpu.user + cpu.system) / 1000 / wallMs) * 100),
    samples: starts.length,
    missedTicks: runner.stats().bench?.missedTicks ?? 0,
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
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `goal: p99 jitter < 5 ms (${result.p99JitterMs < 5 ? 'met' : 'MISSED'}), CPU < 5% of a core (${result.cpuPercentOfCore < 5 ? 'met' : 'MISSED'})`,
  );
}
