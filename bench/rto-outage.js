// RTO to the sampling limit: gameday's HTTP probes (through its real scheduler) watch a ground-truth
// outage server — an HTTP server in its own process that answers 503 during outages whose start and
// length it knows to the millisecond — and each outage's RTO is estimated from the samples alone.
// Goals per probe interval: mean |error| <= interval/4 + 10 ms, max |error| <= interval/2 + 10 ms.
// The baseline printed next to it is the old estimate (the first healthy sample), late by up to an interval.
// Usage: npm run build && node bench/rto-outage.js [outages]

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { computeRto } from '../dist/measure/rto.js';
import { createHttpProbe } from '../dist/probes/http.js';
import { startProbes } from '../dist/probes/scheduler.js';
import { systemClock } from '../dist/util/clock.js';

/** The outage server: GET /health is 503 while now ∈ [down, up), else 200. "outage <ms>\n" on stdin starts one. */
const SERVER_SOURCE = `
const http = require('node:http');
const wall = () => performance.timeOrigin + performance.now();
let down = Infinity, up = -Infinity;
const server = http.createServer((req, res) => {
  const now = wall();
  res.statusCode = now >= down && now < up ? 503 : 200;
  res.end();
});
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\\n'));
let buffered = '';
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  for (let i = buffered.indexOf('\\n'); i !== -1; i = buffered.indexOf('\\n')) {
    const length = Number(buffered.slice(0, i).split(' ')[1]);
    buffered = buffered.slice(i + 1);
    down = wall();
    up = down + length;
    process.stdout.write(JSON.stringify({ down, up }) + '\\n');
  }
});
process.stdin.on('end', () => server.close(() => process.exit(0)));
`;

async function startOutageServer() {
  const child = spawn(process.execPath, ['-e', SERVER_SOURCE], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdout.setEncoding('utf8');
  const waiting = [];
  let buffered = '';
  child.stdout.on('data', (chunk) => {
    buffered += chunk;
    for (let i = buffered.indexOf('\n'); i !== -1; i = buffered.indexOf('\n')) {
      const msg = JSON.parse(buffered.slice(0, i));
      buffered = buffered.slice(i + 1);
      waiting.shift()?.(msg);
    }
  });
  const next = () => new Promise((resolve) => waiting.push(resolve));
  const { port } = await next();
  return {
    url: `http://127.0.0.1:${port}/health`,
    /** Start an outage of `lengthMs`; resolves with its true start and end (epoch ms). */
    outage(lengthMs) {
      const reply = next();
      child.stdin.write(`outage ${lengthMs}\n`);
      return reply;
    },
    async stop() {
      const exited = once(child, 'exit');
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** gameday's estimate: the midpoint between the last failing and the first healthy sample. */
export const midpointEstimate = (samples, o) => computeRto(samples, o).ms;
/** The old estimate (the baseline): the start of the first healthy sample of the stable window. */
export const firstHealthyEstimate = (samples, o) => {
  const r = computeRto(
    samples.map((s) => ({ ...s, latencyMs: 0 })),
    o,
  );
  return r.firstHealthyT === null ? null : r.firstHealthyT - o.t0;
};

/** Mean and max |error| of the rows of one interval against the goals; verdict "meets goal" or "MISSES GOAL". */
export function judgeRto(rows, intervalMs) {
  const errors = rows.map((r) => (r.measuredMs === null ? Infinity : Math.abs(r.measuredMs - r.trueMs)));
  const meanAbsMs = errors.reduce((a, b) => a + b, 0) / Math.max(1, errors.length);
  const maxAbsMs = Math.max(0, ...errors);
  const meanGoalMs = intervalMs / 4 + 10;
  const maxGoalMs = intervalMs / 2 + 10;
  const meets = errors.length > 0 && meanAbsMs <= meanGoalMs && maxAbsMs <= maxGoalMs;
  return {
    intervalMs,
    outages: rows.length,
    meanAbsMs,
    maxAbsMs,
    meanGoalMs,
    maxGoalMs,
    verdict: meets ? 'meets goal' : 'MISSES GOAL',
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * `outages` outages of random length (300–1500 ms) at random phases, watched by one probe per interval at
 * once; each outage's RTO estimated by every estimator. Returns rows per estimator and interval.
 * @param {{ outages?: number, intervalsMs?: number[], stableForMs?: number,
 *   estimators?: Record<string, (samples: unknown[], o: {t0: number, stableForMs: number, intervalMs: number, endT: number}) => number | null> }} [opts]
 */
export async function benchRtoOutages(opts = {}) {
  const { outages = 20, intervalsMs = [100, 50], stableForMs = 500 } = opts;
  const estimators = opts.estimators ?? { midpoint: midpointEstimate, 'first healthy sample': firstHealthyEstimate };
  const clock = systemClock;
  const server = await startOutageServer();
  const samples = new Map(intervalsMs.map((i) => [`p${i}`, []]));
  const probes = intervalsMs.map((i) =>
    createHttpProbe(
      `p${i}`,
      { url: server.url, method: 'GET', headers: {}, expectStatus: [200] },
      { intervalMs: i, timeoutMs: 1000 },
    ),
  );
  const runner = startProbes(probes, { clock, onSample: (s) => samples.get(s.probe)?.push(s) });
  const truths = [];
  try {
    await sleep(500);
    for (let k = 0; k < outages; k++) {
      // A random phase against the probe ticks, and a random length.
      await sleep(Math.random() * 100);
      const length = Math.round(300 + Math.random() * 1200);
      const { down, up } = await server.outage(length);
      truths.push({ down, up, length });
      await sleep(length + stableForMs + 400);
    }
  } finally {
    await runner.stop();
    for (const p of probes) await p.close?.();
    await server.stop();
  }
  const toRun = (wall) => wall - (clock.wall(0) - 0);
  const rows = {};
  for (const [name, estimate] of Object.entries(estimators)) {
    rows[name] = {};
    for (const intervalMs of intervalsMs) {
      const all = samples.get(`p${intervalMs}`);
      rows[name][intervalMs] = truths.map((truth, k) => {
        const t0 = toRun(truth.down);
        const endT = k + 1 < truths.length ? toRun(truths[k + 1].down) : Infinity;
        const own = all.filter((s) => s.t >= t0 - 1000 && s.t < endT);
        const measuredMs = estimate(own, { t0, stableForMs, intervalMs, endT: Math.min(endT, own.at(-1)?.t ?? t0) });
        return { outage: k + 1, trueMs: truth.length, measuredMs };
      });
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outages = Number(process.argv[2] ?? 20);
  const rows = await benchRtoOutages({ outages });
  for (const intervalMs of [100, 50]) {
    const m = judgeRto(rows.midpoint[intervalMs], intervalMs);
    const b = judgeRto(rows['first healthy sample'][intervalMs], intervalMs);
    console.log(
      `interval ${intervalMs} ms: midpoint mean |error| ${m.meanAbsMs.toFixed(1)} ms (goal <= ${m.meanGoalMs}), max ${m.maxAbsMs.toFixed(1)} ms (goal <= ${m.maxGoalMs}) — ${m.verdict}; baseline (first healthy sample) mean ${b.meanAbsMs.toFixed(1)} ms, max ${b.maxAbsMs.toFixed(1)} ms`,
    );
  }
}
