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

/** Constant-rate run: achieved vs target rate, error percent, p50/p99 latency from intended start. */
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
    return {
      url: target,
      targetRatePerSec: result.targetRatePerSec,
      achievedRatePerSec: result.achievedRatePerSec,
      requests: result.requests,
      errorPercent: result.errorRate,
      dropped: result.dropped,
      p50Ms: result.latency?.p50 ?? null,
      p99Ms: result.latency?.p99 ?? null,
      maxMs: result.latency?.max ?? null,
      clientCpuPercentOfCore: round(((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100),
    };
  } finally {
    await server?.stop();
  }
}

/** Maximum throughput of the built-in generator and of autocannon (same server, connections, duration). */
export async function benchMaxRate({ durationMs = 10000, connections = 50 } = {}) {
  const server = await startChildServer();
  try {
    // Warm both the server and the client paths a little before measuring.
    await runLoad(
      loadConfig(server.url, [{ fromRatePerSec: 2000, toRatePerSec: 2000, durationMs: 500 }], connections, 10000),
      { clock: systemClock },
    );

    const t0 = performance.now();
    const result = await runLoad(
      loadConfig(
        server.url,
        [{ fromRatePerSec: 1_000_000, toRatePerSec: 1_000_000, durationMs }],
        connections,
        connections * 20,
      ),
      { clock: systemClock },
    );
    const builtinSeconds = (performance.now() - t0) / 1000;
    const builtinOk = result.statusCounts['200'] ?? 0;
    const builtinPerSec = builtinOk / builtinSeconds;

    const cannon = await autocannon({ url: server.url, connections, duration: durationMs / 1000 });
    const cannonPerSec = cannon['2xx'] / cannon.duration;

    return {
      connections,
      durationMs,
      builtin: {
        completedPerSec: round(builtinPerSec),
        ok: builtinOk,
        non200: result.completed - result.dropped - builtinOk,
        p99Ms: result.latency?.p99 ?? null,
      },
      autocannon: {
        completedPerSec: round(cannonPerSec),
        ok: cannon['2xx'],
        errors: cannon.errors + cannon.non2xx,
        p99Ms: cannon.latency.p99,
      },
      ratio: round(builtinPerSec / cannonPerSec),
    };
  } finally {
    await server.stop();
  }
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
      console.log(JSON.stringify(result, null, 2));
    }
  } else {
    const durationMs = parseDuration(arg('--duration', '10s')) ?? 10000;
    const result = await benchMaxRate({ durationMs, connections });
    console.log(`max rate: ${connections} connections, ${durationMs} ms each`);
    console.log(`  builtin:    ${result.builtin.completedPerSec} req/s`);
    console.log(`  autocannon: ${result.autocannon.completedPerSec} req/s`);
    console.log(`  ratio:      ${result.ratio} (goal >= 0.8: ${result.ratio >= 0.8 ? 'met' : 'MISSED'})`);
    console.log(JSON.stringify(result, null, 2));
  }
}
