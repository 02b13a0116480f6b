import { describe, expect, it } from 'vitest';
import type { FaultExecution } from '../faults/types.js';
import { computeRto } from '../measure/index.js';
import { loadScenarioText } from '../scenario/load.js';
import type { Scenario } from '../scenario/types.js';
import type { Clock } from '../util/clock.js';
import type { RunEvent } from './events.js';
import { RunRecorder } from './recorder.js';
import { recoveryWatchFor, watchRecovery, type RecoveryWatch } from './recovery-watch.js';

// The watch's own logic, on a clock of the test's own: its sleep moves the clock and, in place of the probe
// scheduler and a real probe, records a sample of the RTO probe every interval as it passes. No timer runs,
// so minutes of outage take milliseconds and every time below is exact. The real scheduler, probes and
// sandbox drive this watch in test/run.test.ts.

const INTERVAL_MS = 100;
/** No real watch observes this long; reaching it means the watch would never have returned. */
const RUNAWAY_MS = 600_000;

interface Sim {
  rec: RunRecorder;
  logs: Extract<RunEvent, { kind: 'log' }>[];
  /** Run-clock times at which the watch judged the samples, with how many it judged. */
  judgements: Array<{ t: number; count: number }>;
  ticks: number;
  run(watch: Omit<RecoveryWatch, 'signal' | 'sleep' | 'judge' | 'rto'> & { stableForMs?: number }): Promise<number>;
}

/**
 * A probe named "api" whose check started at `t` is healthy when `healthy(t)`; it has been sampled every
 * 100 ms since 0. The watch starts at `stepsEndT` with the samples up to then.
 */
function simulate(healthy: (t: number) => boolean): Sim {
  let now = 0;
  let nextT = 0;
  const clock: Clock = { now: () => now, wall: (t) => 1_800_000_000_000 + t };
  const logs: Sim['logs'] = [];
  const rec = new RunRecorder(clock, [{ onEvent: (e) => (e.kind === 'log' ? logs.push(e) : undefined) }]);
  const advanceTo = (until: number): void => {
    for (; nextT <= until; nextT += INTERVAL_MS) {
      now = nextT;
      rec.sample({ probe: 'api', t: nextT, wallTime: clock.wall(nextT), ok: healthy(nextT), latencyMs: 0 });
    }
    now = until;
  };
  const sim: Sim = {
    rec,
    logs,
    judgements: [],
    ticks: 0,
    async run({ stableForMs = 1000, ...watch }) {
      advanceTo(watch.stepsEndT);
      await watchRecovery(rec, {
        ...watch,
        rto: { probe: 'api', stableForMs, intervalMs: INTERVAL_MS },
        signal: new AbortController().signal,
        sleep: async (ms) => {
          sim.ticks++;
          if (now + ms > RUNAWAY_MS) throw new Error(`the watch was still running at ${now + ms} ms`);
          advanceTo(now + ms);
        },
        judge: (samples, opts) => {
          sim.judgements.push({ t: now, count: samples.length });
          return computeRto(samples, opts);
        },
      });
      return now;
    },
  };
  return sim;
}

const recoveryNotes = (sim: Sim): Array<{ t: number; message: string }> =>
  sim.rec.timeline.filter((e) => e.kind === 'recovery').map(({ t, message }) => ({ t, message }));

describe('the recovery watch', () => {
  it('returns once the probe has stayed healthy for stableFor, noting the RTO', async () => {
    // Down from the fault at 1 s until 3 s: last failing sample 2.9 s, first healthy 3 s, recovery midway.
    const sim = simulate((t) => t < 1000 || t >= 3000);
    const end = await sim.run({ t0: 1000, stepsEndT: 1500, recoveryTimeoutMs: 60_000, stableForMs: 1000 });

    // Stable only once a sample 1 s after the first healthy one is in, not a tick earlier.
    expect(end).toBe(4000);
    expect(recoveryNotes(sim)).toEqual([{ t: 4000, message: 'api recovered 1.95s after the fault' }]);
    expect(sim.logs.map((l) => l.level)).toEqual(['info']);
  });

  it('does not count a flapping probe as recovered until it is stably healthy', async () => {
    // Healthy once at 3 s, failing again, healthy 3.5–4.4 s (900 ms, short of stableFor), failing at 4.5 s,
    // then healthy for good from 4.6 s.
    const sim = simulate((t) => t < 1000 || t === 3000 || (t >= 3500 && t <= 4400) || t >= 4600);
    const end = await sim.run({ t0: 1000, stepsEndT: 1500, recoveryTimeoutMs: 60_000, stableForMs: 1000 });

    expect(end).toBe(5600);
    expect(recoveryNotes(sim)).toEqual([{ t: 5600, message: 'api recovered 3.55s after the fault' }]);
  });

  it('judges once while the probe keeps failing, and again only on healthy samples, as judging them all', async () => {
    const sim = simulate((t) => t < 1000 || t >= 6000);
    const end = await sim.run({ t0: 1000, stepsEndT: 1500, recoveryTimeoutMs: 60_000, stableForMs: 1000 });

    // 45 ticks through the outage (1.5 s to 6 s), one judgement: the first.
    const duringOutage = sim.judgements.filter((j) => j.t < 6000);
    expect(duringOutage).toEqual([{ t: 1500, count: 16 }]);
    expect(sim.ticks).toBeGreaterThanOrEqual(45);
    // From the first healthy sample on, every tick brings one and is judged, each time on every sample so far.
    expect(sim.judgements.filter((j) => j.t >= 6000)).toEqual(
      Array.from({ length: 11 }, (_, i) => ({ t: 6000 + i * 100, count: 61 + i })),
    );
    // The note is what judging every sample at once says.
    const all = sim.rec.samples.get('api') ?? [];
    const whole = computeRto(all, { t0: 1000, stableForMs: 1000, intervalMs: INTERVAL_MS, endT: end });
    expect(whole).toMatchObject({ status: 'recovered', ms: 4950 });
    expect(recoveryNotes(sim)).toEqual([{ t: 7000, message: 'api recovered 4.95s after the fault' }]);
  });

  it('gives up at the recovery timeout with a warning when the probe never recovers', async () => {
    const sim = simulate((t) => t < 1000);
    const end = await sim.run({ t0: 1000, stepsEndT: 1500, recoveryTimeoutMs: 30_000, stableForMs: 1000 });

    expect(end).toBe(31_500);
    expect(recoveryNotes(sim)).toEqual([{ t: 31_500, message: 'recovery not observed within 30.0s' }]);
    expect(sim.logs.map((l) => l.level)).toEqual(['warn']);
    expect(sim.judgements).toHaveLength(1);
  });

  it.each([
    { stableForMs: 5000, observedMs: 5000 },
    { stableForMs: 500, observedMs: 2000 },
  ])(
    'without impact, observes max(stableFor, 2 s) = $observedMs ms and notes nothing (stableFor $stableForMs ms)',
    async ({ stableForMs, observedMs }) => {
      const sim = simulate(() => true);
      const end = await sim.run({ t0: 1000, stepsEndT: 1500, recoveryTimeoutMs: 60_000, stableForMs });

      expect(end).toBe(1500 + observedMs);
      expect(recoveryNotes(sim)).toEqual([]);
      expect(sim.logs).toEqual([]);
    },
  );

  it('without a fault to time (no t0), observes max(stableFor, 2 s) after the steps', async () => {
    const sim = simulate(() => true);
    const end = await sim.run({ stepsEndT: 1500, recoveryTimeoutMs: 60_000 });

    expect(end).toBe(3500);
    expect(sim.judgements).toEqual([]);
    expect(recoveryNotes(sim)).toEqual([]);
  });
});

describe('the recovery watch of a scenario', () => {
  const scenario = (objectives: string): Scenario => {
    const { scenario: s, diagnostics } = loadScenarioText(
      [
        'apiVersion: gameday/v1',
        'kind: Scenario',
        'metadata: { name: watch }',
        'targets: { sandbox: {} }',
        'probes:',
        "  api: { http: { url: 'http://127.0.0.1:1/health' }, interval: 250ms }",
        '  fleet: { sandbox: {}, interval: 100ms }',
        'steps: [{ fault: pod-kill }, { fault: pod-kill, measure: true }]',
        `objectives: ${objectives}`,
        'rollback: { recoveryTimeout: 45s }',
      ].join('\n'),
      'watch.yaml',
      { env: {} },
    );
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    return s as Scenario;
  };
  const fault = (t0: number, measured?: boolean): FaultExecution => ({
    t0,
    detail: 'pod-kill',
    affected: [],
    findings: [],
    ...(measured === undefined ? {} : { measured }),
  });
  const signal = new AbortController().signal;

  it("watches the RTO objective's probe at its interval from the measured fault's t0", () => {
    const s = scenario('{ rto: { probe: api, max: 30s, stableFor: 3s } }');
    expect(recoveryWatchFor(s, [fault(1000), fault(2500, true)], 4000, signal)).toEqual({
      rto: { probe: 'api', stableForMs: 3000, intervalMs: 250 },
      t0: 2500,
      stepsEndT: 4000,
      recoveryTimeoutMs: 45_000,
      signal,
    });
  });

  it('has no RTO to time without an RTO objective or without a fault', () => {
    const noRto = recoveryWatchFor(scenario('{ availability: { probe: api, min: 95% } }'), [fault(1000)], 4000, signal);
    expect(noRto).toEqual({ t0: 1000, stepsEndT: 4000, recoveryTimeoutMs: 45_000, signal });
    const noFault = recoveryWatchFor(scenario('{ rto: { probe: fleet, max: 30s } }'), [], 4000, signal);
    expect(noFault).not.toHaveProperty('t0');
    expect(noFault.rto).toMatchObject({ probe: 'fleet', intervalMs: 100 });
  });
});
