import { describe, expect, it } from 'vitest';
import { systemClock } from '../util/clock.js';
import { checkOnce, startProbes, waitUntilHealthy } from './scheduler.js';
import type { CheckOutcome, Probe, ProbeSample } from './types.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A probe whose check takes `ms` (honouring its signal) and records when each check started. */
function slowProbe(name: string, intervalMs: number, ms: number, timeoutMs = 5000) {
  const starts: number[] = [];
  const aborted: number[] = [];
  const probe: Probe = {
    name,
    kind: 'test',
    intervalMs,
    timeoutMs,
    check: (signal) =>
      new Promise<CheckOutcome>((resolve) => {
        starts.push(performance.now());
        const timer = setTimeout(() => resolve({ ok: true, detail: 'done' }), ms);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          aborted.push(performance.now());
          resolve({ ok: false, detail: 'aborted' });
        });
      }),
  };
  return { probe, starts, aborted };
}

describe('startProbes', () => {
  it('starts checks on schedule while earlier slow checks are still running', async () => {
    const { probe, starts } = slowProbe('slow', 50, 400);
    const samples: ProbeSample[] = [];
    const runner = startProbes([probe], { clock: systemClock, onSample: (s) => samples.push(s) });
    await pause(700);
    // ~14 ticks in 700 ms; a serial scheduler would manage 2.
    expect(starts.length).toBeGreaterThanOrEqual(6);
    expect(samples.length).toBeGreaterThanOrEqual(2);
    await runner.stop();
    const first = samples[0] as ProbeSample;
    expect(first.ok).toBe(true);
    expect(first.latencyMs).toBeGreaterThanOrEqual(390);
    expect(first.wallTime).toBeGreaterThan(Date.now() - 60_000);
  });

  it('stop() aborts in-flight checks, waits for them, and no sample arrives afterwards', async () => {
    const { probe, starts, aborted } = slowProbe('slow', 50, 10_000);
    const samples: ProbeSample[] = [];
    const runner = startProbes([probe], { clock: systemClock, onSample: (s) => samples.push(s) });
    await pause(200);
    const t0 = performance.now();
    await runner.stop();
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(aborted.length).toBe(starts.length);
    const count = samples.length;
    const startedCount = starts.length;
    await pause(300);
    expect(samples.length).toBe(count);
    expect(starts.length).toBe(startedCount);
    // Checks cut short by stop() are not observations of the target.
    expect(samples.every((s) => s.detail !== 'aborted')).toBe(true);
  });

  it('stops when the run signal aborts', async () => {
    const { probe, starts } = slowProbe('quick', 50, 1);
    const controller = new AbortController();
    const runner = startProbes([probe], { clock: systemClock, onSample: () => {}, signal: controller.signal });
    await pause(200);
    controller.abort();
    const count = starts.length;
    expect(count).toBeGreaterThan(0);
    await pause(250);
    expect(starts.length).toBe(count);
    await runner.stop();
  });

  it('turns a check that ignores its signal into a timeout sample', async () => {
    const probe: Probe = {
      name: 'stuck',
      kind: 'test',
      intervalMs: 1000,
      timeoutMs: 100,
      check: () => new Promise(() => {}),
    };
    const samples: ProbeSample[] = [];
    const runner = startProbes([probe], { clock: systemClock, onSample: (s) => samples.push(s) });
    await pause(600);
    await runner.stop();
    expect(samples[0]).toMatchObject({ probe: 'stuck', ok: false, detail: 'timeout after 100ms' });
    expect(samples[0]?.latencyMs).toBeGreaterThanOrEqual(95);
  });

  it('skips and counts ticks missed while the event loop was blocked, without a burst', async () => {
    const { probe, starts } = slowProbe('tick', 50, 1);
    // The block starts inside the third check, so it begins on a tick and ends on one 8 ticks later:
    // where it ends on the tick grid is then fixed, not left to how late a timer fires on a busy machine.
    let blockEnd = 0;
    const check = probe.check;
    probe.check = (signal) => {
      const outcome = check(signal);
      if (starts.length === 3) {
        const blockStart = performance.now();
        while (performance.now() - blockStart < 400) {
          // busy-wait: block the loop past 8 ticks
        }
        blockEnd = performance.now();
      }
      return outcome;
    };
    const runner = startProbes([probe], { clock: systemClock, onSample: () => {} });
    while (blockEnd === 0) await pause(10);
    // Stop half-way between two ticks, not as one starts (its check would be cut short, uncounted).
    await pause(225);
    await runner.stop();
    const stats = runner.stats().tick;
    expect(stats?.missedTicks).toBeGreaterThanOrEqual(4);
    const after = starts.filter((t) => t >= blockEnd);
    // No burst: starts after the block keep roughly the interval between them.
    for (let i = 1; i < after.length; i++) expect((after[i] as number) - (after[i - 1] as number)).toBeGreaterThan(20);
    expect(stats?.samples).toBe(starts.length);
    expect(stats?.maxJitterMs).toBeGreaterThanOrEqual(0);
  });

  it('runs several probes side by side and a throwing listener does not stop sampling', async () => {
    const a = slowProbe('a', 50, 1);
    const b = slowProbe('b', 100, 1);
    const runner = startProbes([a.probe, b.probe], {
      clock: systemClock,
      onSample: () => {
        throw new Error('listener bug');
      },
    });
    await pause(450);
    await runner.stop();
    const stats = runner.stats();
    expect(stats.a?.samples).toBeGreaterThanOrEqual(4);
    expect(stats.b?.samples).toBeGreaterThanOrEqual(2);
    expect(stats.a?.samples).toBeGreaterThan(stats.b?.samples ?? Infinity);
  });
});

describe('checkOnce / waitUntilHealthy', () => {
  it('checkOnce returns one timed sample and never throws', async () => {
    const throwing: Probe = {
      name: 'bad',
      kind: 'test',
      intervalMs: 100,
      timeoutMs: 500,
      check: async () => Promise.reject(new Error('boom')),
    };
    const sample = await checkOnce(throwing, systemClock);
    expect(sample).toMatchObject({ probe: 'bad', ok: false, detail: 'boom' });
  });

  it('waits until the probe turns healthy', async () => {
    let calls = 0;
    const probe: Probe = {
      name: 'p',
      kind: 'test',
      intervalMs: 50,
      timeoutMs: 500,
      check: async () => ({ ok: ++calls >= 3, detail: `call ${calls}` }),
    };
    const sample = await waitUntilHealthy(probe, { clock: systemClock, timeoutMs: 5000 });
    expect(sample).toMatchObject({ ok: true, detail: 'call 3' });
  });

  it('gives up after the timeout or on abort', async () => {
    const probe: Probe = {
      name: 'p',
      kind: 'test',
      intervalMs: 50,
      timeoutMs: 500,
      check: async () => ({ ok: false, detail: 'AccessDenied' }),
    };
    // The last failure is kept: it says why the probe never got healthy.
    expect(await waitUntilHealthy(probe, { clock: systemClock, timeoutMs: 200 })).toMatchObject({
      ok: false,
      detail: 'AccessDenied',
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const t0 = performance.now();
    expect(
      await waitUntilHealthy(probe, { clock: systemClock, timeoutMs: 10_000, signal: controller.signal }),
    ).toMatchObject({ ok: false });
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});
