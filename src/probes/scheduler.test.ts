import { describe, expect, it } from 'vitest';
import { systemClock } from '../util/clock.js';
import { checkOnce, startProbes, waitUntilHealthy } from './scheduler.js';
import type { CheckOutcome, Probe, ProbeSample } from './types.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll until `cond` holds; only a scheduler that never gets there fails (no minimum counts after fixed sleeps). */
async function until(cond: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(10);
  }
}

/** A probe whose check takes `ms` (honouring its signal) and records when each check started. */
function slowProbe(name: string, intervalMs: number, ms: number, timeoutMs = 5000) {
  const starts: number[] = [];
  const aborted: number[] = [];
  const running = { now: 0, max: 0 };
  const probe: Probe = {
    name,
    kind: 'test',
    intervalMs,
    timeoutMs,
    check: (signal) =>
      new Promise<CheckOutcome>((resolve) => {
        starts.push(performance.now());
        running.now++;
        running.max = Math.max(running.max, running.now);
        const timer = setTimeout(() => {
          running.now--;
          resolve({ ok: true, detail: 'done' });
        }, ms);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          running.now--;
          aborted.push(performance.now());
          resolve({ ok: false, detail: 'aborted' });
        });
      }),
  };
  return { probe, starts, aborted, running };
}

describe('startProbes', () => {
  it('starts checks on schedule while earlier slow checks are still running', async () => {
    const { probe, running } = slowProbe('slow', 50, 400);
    const samples: ProbeSample[] = [];
    const runner = startProbes([probe], { clock: systemClock, onSample: (s) => samples.push(s) });
    // A serial scheduler never has two 400 ms checks running at once on a 50 ms interval.
    await until(() => running.max >= 2 && samples.length >= 2, 'two overlapping checks and two samples');
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
    await until(() => starts.length >= 2, 'two checks in flight');
    await runner.stop();
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
    await until(() => starts.length >= 1, 'a first check');
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
    await until(() => samples.length >= 1, 'the first sample');
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
    await until(() => blockEnd > 0, 'the block in the third check');
    await until(() => starts.filter((t) => t >= blockEnd).length >= 3, 'three checks after the block');
    await runner.stop();
    const stats = runner.stats().tick;
    expect(stats?.missedTicks).toBeGreaterThanOrEqual(7);
    // No burst, ever: a tick runs at or after its due time and before the next one is due, so no three
    // checks can start within one 50 ms interval (less the 0.5 ms a timer may fire early).
    for (let i = 2; i < starts.length; i++) {
      expect((starts[i] as number) - (starts[i - 2] as number)).toBeGreaterThanOrEqual(49);
    }
    // A 1 ms check still in flight at stop() is aborted, and not an observation.
    expect(stats?.samples).toBeGreaterThanOrEqual(starts.length - 1);
    expect(stats?.samples).toBeLessThanOrEqual(starts.length);
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
    const stats = () => runner.stats();
    await until(() => (stats().a?.samples ?? 0) >= 4 && (stats().b?.samples ?? 0) >= 2, 'samples of both probes');
    await runner.stop();
    // Each on its own schedule: b's ticks are due every 100 ms and one runs before the next is due, so no three
    // of b's checks start within 100 ms (less the 0.5 ms a timer may fire early), however a's checks fall.
    for (let i = 2; i < b.starts.length; i++) {
      expect((b.starts[i] as number) - (b.starts[i - 2] as number)).toBeGreaterThanOrEqual(99);
    }
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
    // A time limit longer than the test's own: only the abort can end this wait.
    expect(
      await waitUntilHealthy(probe, { clock: systemClock, timeoutMs: 600_000, signal: controller.signal }),
    ).toMatchObject({ ok: false });
  });
});
