import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedBuiltinLoad } from '../scenario/types.js';
import { systemClock } from '../util/clock.js';
import { errorRateBetween, latencyBetween } from './outcomes.js';
import { runLoad, type LoadProgress } from './run.js';

let server: Server;
let base: string;
let hits = 0;
const hanging = new Set<ServerResponse>();

function handle(req: IncomingMessage, res: ServerResponse): void {
  hits++;
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/ok') res.end('ok');
  else if (url.pathname === '/status') {
    res.statusCode = Number(url.searchParams.get('code') ?? 500);
    res.end();
  } else if (url.pathname === '/slow') setTimeout(() => res.end('late'), Number(url.searchParams.get('ms') ?? 100));
  else if (url.pathname === '/hang') hanging.add(res);
  else {
    res.statusCode = 404;
    res.end();
  }
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const constant = (ratePerSec: number, durationMs: number) => [
  { fromRatePerSec: ratePerSec, toRatePerSec: ratePerSec, durationMs },
];

function loadFor(path: string, extra: Partial<ResolvedBuiltinLoad> = {}): ResolvedBuiltinLoad {
  return {
    engine: 'builtin',
    url: `${base}${path}`,
    method: 'GET',
    headers: {},
    stages: constant(100, 1000),
    connections: 16,
    maxInFlight: 10_000,
    timeoutMs: 5000,
    expectStatus: [200],
    ...extra,
  };
}

describe('runLoad', () => {
  it('sends about the configured number of requests at a constant rate', async () => {
    const progress: LoadProgress[] = [];
    const result = await runLoad(loadFor('/ok', { stages: constant(200, 1500) }), {
      clock: systemClock,
      onProgress: (p) => progress.push(p),
      progressEveryMs: 250,
    });
    expect(result.engine).toBe('builtin');
    expect(result.requests).toBe(300);
    expect(result.completed).toBe(300);
    expect(result.errors).toBe(0);
    expect(result.errorRate).toBe(0);
    expect(result.statusCounts).toEqual({ '200': 300 });
    expect(result.targetRatePerSec).toBeCloseTo(200);
    // Achieved counts what actually left inside the window, by send time: never more than the target.
    const inWindow = result.sentPerSecond.reduce((a, b) => a + b, 0);
    expect(result.achievedRatePerSec).toBeCloseTo(inWindow / 1.5, 2);
    expect(inWindow).toBeLessThanOrEqual(300);
    expect(result.sendLagMs?.count).toBe(300);
    expect(result.latency?.count).toBe(300);
    expect(result.series.map((p) => p.sent)).toEqual([200, 100]);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    // Each progress report names the schedule's rate at its own time: 200/s inside the 1.5 s, 0 after it
    // (a loaded machine may report only after the schedule ended).
    for (const p of progress) {
      const at = p.t - result.startT;
      if (at < 1490) expect(p.targetRatePerSec, `at ${at} ms`).toBeCloseTo(200);
      if (at > 1510) expect(p.targetRatePerSec, `at ${at} ms`).toBe(0);
    }
    expect(errorRateBetween(result, result.startT, result.endT)).toBe(0);
    expect(latencyBetween(result, result.startT, result.startT + 1000)?.count).toBe(200);
  });

  it('a sender held up past its window reports late sends and a lower achieved rate, not the planned one', async () => {
    // The clock jumps 600 ms once 500 ms have passed: the sender stalls exactly as a blocked event loop
    // would make it, on any machine. Every arrival not yet sent leaves at ≥ 1,100 ms, after the 1 s window.
    let stalled = false;
    const t0 = performance.now();
    const stallingClock = {
      now: () => {
        const real = performance.now();
        if (real - t0 >= 500) stalled = true;
        return real + (stalled ? 600 : 0);
      },
      wall: (t: number) => systemClock.wall(t),
    };
    const result = await runLoad(loadFor('/ok', { stages: constant(200, 1000) }), { clock: stallingClock });
    expect(stalled).toBe(true);
    expect(result.requests).toBe(200);
    expect(result.errors).toBe(0);
    // Dividing the 200 sent by the planned second would say 200/s; at most the ~100 due before the stall left in time.
    expect(result.achievedRatePerSec).toBeLessThanOrEqual(101);
    expect(result.late).toBeGreaterThanOrEqual(99);
    expect(result.sendLagMs?.max).toBeGreaterThanOrEqual(595);
  });

  it('ramps: per-second counts follow the stages', async () => {
    const result = await runLoad(
      loadFor('/ok', {
        stages: [
          { fromRatePerSec: 0, toRatePerSec: 100, durationMs: 1000 },
          { fromRatePerSec: 100, toRatePerSec: 300, durationMs: 1000 },
          { fromRatePerSec: 300, toRatePerSec: 300, durationMs: 1000 },
        ],
      }),
      { clock: systemClock },
    );
    const sent = result.series.map((p) => p.sent);
    expect(sent).toHaveLength(3);
    expect(sent[0]).toBeGreaterThan(40);
    expect(sent[0]).toBeLessThan(60);
    expect(sent[1]).toBeGreaterThan(sent[0] as number);
    expect(sent[2]).toBeGreaterThan(sent[1] as number);
    expect(result.targetRatePerSec).toBeCloseTo(550 / 3, 1);
  });

  it('counts unexpected statuses and connection errors by code', async () => {
    const bad = await runLoad(loadFor('/status?code=503', { stages: constant(50, 400) }), { clock: systemClock });
    expect(bad.statusCounts).toEqual({ '503': 20 });
    expect(bad.errors).toBe(20);
    expect(bad.errorRate).toBe(100);
    expect(bad.latency?.count).toBe(20);

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await runLoad(
      { ...loadFor('/'), url: `http://127.0.0.1:${port}/`, stages: constant(50, 400) },
      { clock: systemClock },
    );
    expect(refused.statusCounts).toEqual({ ECONNREFUSED: 20 });
    expect(refused.errorRate).toBe(100);
    expect(refused.latency).toBeNull();
  });

  it('keeps starting requests on schedule while a slow server holds earlier ones (latency includes the wait)', async () => {
    const progress: LoadProgress[] = [];
    // One connection, 100 ms per response, 20 arrivals/s: the server can serve 10/s, so a closed
    // model would slow down; the open model keeps arriving and the queueing shows in the latency.
    const result = await runLoad(loadFor('/slow?ms=100', { stages: constant(20, 1000), connections: 1 }), {
      clock: systemClock,
      onProgress: (p) => progress.push(p),
      progressEveryMs: 100,
    });
    const early = progress.find((p) => p.t - result.startT >= 500);
    expect(early?.sent).toBeGreaterThanOrEqual(8);
    expect(early?.completed).toBeLessThan(early?.sent ?? 0);
    expect(result.requests).toBe(20);
    expect(result.errors).toBe(0);
    // The last arrival (t≈950 ms) waits for ~19 responses of 100 ms before its own.
    expect(result.latency?.max).toBeGreaterThan(900);
    expect(result.latency?.min).toBeGreaterThanOrEqual(95);
  });

  it('drops arrivals past maxInFlight instead of queueing them, and times out hung requests', async () => {
    const result = await runLoad(loadFor('/hang', { stages: constant(100, 500), maxInFlight: 5, timeoutMs: 300 }), {
      clock: systemClock,
    });
    expect(result.requests).toBe(50);
    expect(result.dropped).toBeGreaterThan(20);
    expect(result.dropped + (result.statusCounts.timeout ?? 0)).toBe(50);
    expect(result.statusCounts.dropped).toBe(result.dropped);
    expect(result.errors).toBe(50);
    expect(result.errorRate).toBe(100);
    expect(result.latency?.min).toBeGreaterThanOrEqual(295);
    expect(result.series[0]?.errors).toBe(50);
  });

  it('stops on abort: no new arrivals, hung requests aborted after the grace period', async () => {
    const controller = new AbortController();
    const started = hits;
    const result = await runLoad(loadFor('/hang', { stages: constant(100, 10_000) }), {
      clock: systemClock,
      signal: controller.signal,
      abortGraceMs: 200,
      progressEveryMs: 10,
      // Abort once the server has seen ten requests, however fast this machine gets there.
      onProgress: () => (hits - started >= 10 ? controller.abort() : undefined),
    });
    expect(result.requests).toBeGreaterThanOrEqual(10);
    // The 10 s schedule holds 1,000 arrivals: the run ended at the abort, not at the schedule's end.
    expect(result.requests).toBeLessThan(1000);
    expect(result.durationMs).toBeLessThan(10_000);
    expect(result.statusCounts.aborted).toBe(result.requests);
    const before = hits;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(hits).toBe(before);
  });
});
