// Benchmark: the built-in load generator at a constant rate, and its maximum throughput next to
// autocannon's against the same trivial server (run in a child process so client and server do not
// share a thread). Traffic goes to 127.0.0.1 only.
// Usage: npx tsc -p tsconfig.json && node bench/load.js [max|constant] [--url U] [--rate 1000] [--duration 10s] [--connections 50]

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { runLoad } from '../dist/load/run.js';
import { systemClock } from '../dist/util/clock.js';
import { parseDuration } from '../dist/util/duration.js';
import { judgeConstantLoad } from './verdicts.js';

const SERVER_SOURCE = `
const http = require('node:http');
const server = http.createServer((req, res) => { res.setHeader('content-type', 'text/plain'); res.end('ok'); });
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => { process.stdout.write(String(server.address().port) + '\\n'); });
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

/** Start the trivial HTTP server in a child process; resolves with its URL and a stop function. */
export async function startChildServer() {
  const child = spawn(process.execPath, ['-e', SERVER_SOURCE], { stdio: ['ignore', 'pipe', 'inherit'] });
  let buffered = '';
  for await (const chunk of child.stdout) {
    buffered += chunk.toString();
    if (buffered.includes('\n')) break;
  }
  const port = Number(buffered.trim());
  if (!Number.isInteger(port) || port <= 0) throw new Error(`bench server did not report a port (got "${buffered}")`);
  return {
    url: `http://127.0.0.1:${port}/`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function loadConfig(url, stages, connections, maxInFlight) {
  return {
    engine: 'builtin',
    url,
    method: 'GET',
    headers: {},
    stages,
    connections,
    maxInFlight,
    timeoutMs: 10000,
    expectStatus: [200],
  };
}

/**
 * Constant-rate run, judged by the real send times (bench/verdicts.js judgeConstantLoad): requests sent
 * inside the window per second, each whole second's count, send lateness, dropped arrivals; error percent
 * and p50/p99 latency from intended start beside them.
 */
export async function benchLoad({ url, rate = 1000, durationMs = 30000, connections = 64 } = {}) {
  const server = url ? undefined : await startChildServer();
  try {
    const target = url ?? server.url;
    const cpuBefore = process.cpuUsage();
    const t0 = performance.now();
    const result = await runLoad(
      loadConfig(target, [{ fromRatePerSec: rate, toRatePerSec: rate, durationMs }], connections, 10000),
      {
        clock: systemClock,
      },
    );
    const cpu = process.cpuUsage(cpuBefore);
    const o = result.outcomes;
    const intended = Array.from(o.intendedT.subarray(0, o.length), (t) => t - result.startT);
    const sent = Array.from(o.sentT.subarray(0, o.length), (t) => t - result.startT);
    const judged = judgeConstantLoad({
      targetRatePerSec: rate,
      windowMs: result.endT - result.startT,
      intended,
      sent,
      dropped: result.dropped,
    });
    return {
      ...judged,
      url: target,
      targetRatePerSec: result.targetRatePerSec,
      requests: result.requests,
      errorPercent: result.errorRate,
      p50Ms: result.latency?.p50 ?? null,
      p99Ms: result.latency?.p99 ?? null,
      maxMs: result.latency?.max ?? null,
      clientCpuPercentOfCore: round(((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100),
    };
  } finally {
    await server?.stop();
  }
}

/**
 * Maximum throughput of the built-in generator and of autocannon (same server, connections, duration).
 * The two alternate over `rounds` rounds and the medians are compared, so a burst of other load on a
 * shared machine hits both tools instead of deciding the ratio.
 */
export async function benchMaxRate({ durationMs = 10000, connections = 50, rounds = 3 } = {}) {
  const server = await startChildServer();
  try {
    // Warm both the server and the client paths a little before measuring.
    await runLoad(
      loadConfig(server.url, [{ fromRatePerSec: 2000, toRatePerSec: 2000, durationMs: 500 }], connections, 10000),
      { clock: systemClock },
    );
    const perRound = Math.max(1000, Math.round(durationMs / rounds));
    const builtin = [];
    const cannon = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const result = await runLoad(
        loadConfig(
          server.url,
          [{ fromRatePerSec: 1_000_000, toRatePerSec: 1_000_000, durationMs: perRound }],
          connections,
          connections * 20,
        ),
        { clock: systemClock },
      );
      const ok = result.statusCounts['200'] ?? 0;
      builtin.push({
        perSec: ok / ((performance.now() - t0) / 1000),
        cpuUsPerRequest: ok > 0 ? cpuMicros(process.cpuUsage(cpu0)) / ok : null,
        p99Ms: result.latency?.p99 ?? null,
        non200: result.completed - result.dropped - ok,
      });
      const cpu1 = process.cpuUsage();
      const c = await autocannon({ url: server.url, connections, duration: perRound / 1000 });
      cannon.push({
        perSec: c['2xx'] / c.duration,
        cpuUsPerRequest: c['2xx'] > 0 ? cpuMicros(process.cpuUsage(cpu1)) / c['2xx'] : null,
        p99Ms: c.latency.p99,
        errors: c.errors + c.non2xx,
      });
    }
    const med = (xs) => {
      const v = xs.filter((x) => x !== null).sort((a, b) => a - b);
      return v.length === 0 ? null : v[Math.floor(v.length / 2)];
    };
    const builtinPerSec = med(builtin.map((b) => b.perSec));
    const cannonPerSec = med(cannon.map((c) => c.perSec));
    return {
      connections,
      durationMs,
      rounds,
      builtin: {
        completedPerSec: round(builtinPerSec),
        rounds: builtin.map((b) => round(b.perSec)),
        non200: builtin.reduce((n, b) => n + b.non200, 0),
        p99Ms: med(builtin.map((b) => b.p99Ms)),
        clientCpuUsPerRequest: round(med(builtin.map((b) => b.cpuUsPerRequest)) ?? 0),
      },
      autocannon: {
        completedPerSec: round(cannonPerSec),
        rounds: cannon.map((c) => round(c.perSec)),
        errors: cannon.reduce((n, c) => n + c.errors, 0),
        p99Ms: med(cannon.map((c) => c.p99Ms)),
        clientCpuUsPerRequest: round(med(cannon.map((c) => c.cpuUsPerRequest)) ?? 0),
      },
      ratio: round(builtinPerSec / cannonPerSec),
    };
  } finally {
    await server.stop();
  }
}

/** Client-process CPU (user + system), µs: less sensitive than req/s to other load on a small machine. */
function cpuMicros(usage) {
  return usage.user + usage.system;
}

function round(v) {
  return Math.round(v * 1000) / 1000;
}

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const mode = process.argv[2] === 'constant' ? 'constant' : 'max';
  const connections = Number(arg('--connections', mode === 'max' ? '50' : '64'));
  if (mode === 'constant') {
    const url = arg('--url', undefined);
    if (url !== undefined && !['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname)) {
      console.error('bench/load.js only sends traffic to loopback addresses.');
      process.exitCode = 2;
    } else {
      const durationMs = parseDuration(arg('--duration', '30s')) ?? 30000;
      const rate = Number(arg('--rate', '1000'));
      const result = await benchLoad({ url, rate, durationMs, connections });
      console.log(`constant load: ${rate}/s for ${durationMs} ms`);
      console.log(result.line);
      console.log(`errors ${result.errorPercent}%, latency p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`);
    }
  } else {
    const durationMs = parseDuration(arg('--duration', '10s')) ?? 10000;
    const result = await benchMaxRate({ durationMs, connections });
    console.log(`max rate: ${connections} connections, ${durationMs} ms each`);
    console.log(`  builtin:    ${result.builtin.completedPerSec} req/s`);
    console.log(`  autocannon: ${result.autocannon.completedPerSec} req/s`);
    console.log(
      `  client CPU: ${result.builtin.clientCpuUsPerRequest} vs ${result.autocannon.clientCpuUsPerRequest} µs/request`,
    );
    console.log(`  ratio:      ${result.ratio} (goal >= 0.8: ${result.ratio >= 0.8 ? 'met' : 'MISSED'})`);
    console.log(JSON.stringify(result, null, 2));
  }
}
