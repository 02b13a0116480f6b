// Every benchmark can say "misses": its judgement (bench/verdicts.js, the same functions the benches print
// with) is fed deliberately bad input — a late scheduler, a throttled sender, a lost write hidden from the
// writer's read-back, a slow restore — next to good input that meets the goal.

import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../src/load/run.js';
import { startProbes } from '../src/probes/scheduler.js';
import { systemClock } from '../src/util/clock.js';
import {
  MEETS,
  MISSES,
  judgeConstantLoad,
  judgeCrash,
  judgeFuzz,
  judgeIam,
  judgeK6Ingest,
  judgeK6Rss,
  judgeK8sScale,
  judgeMaxRate,
  judgeRestore,
  judgeRpo,
  judgeRto,
  judgeScheduler,
  rpoRunTruth,
  tickLateness,
} from './verdicts.js';

const INTERVAL = 50;
/** Check starts for `ticks` ticks of 50 ms from t=1000, each `late(k)` ms after its due time (null: none). */
function startsFor(ticks, late) {
  const starts = [];
  for (let k = 0; k < ticks; k++) {
    const l = late(k);
    if (l !== null) starts.push(1000 + k * INTERVAL + l);
  }
  return { startT: 1000, intervalMs: INTERVAL, endT: 1000 + ticks * INTERVAL, starts };
}

describe('scheduler bench judgement', () => {
  it('meets the goal when every tick starts within a millisecond', () => {
    const j = judgeScheduler({
      measured: startsFor(200, () => 0.4),
      baseline: startsFor(200, () => 0.2),
      cpuPercentOfCore: 1,
    });
    expect(j.verdict).toBe(MEETS);
    expect(j.measured).toMatchObject({ ticks: 200, missedTicks: 0, p99Ms: 0.4 });
    expect(j.line).toContain('bare timer loop');
  });

  it('misses for a scheduler late by more than half an interval (nearest-tick matching would call that zero jitter)', () => {
    const j = judgeScheduler({ measured: startsFor(200, () => 30), cpuPercentOfCore: 1 });
    expect(j.verdict).toBe(MISSES);
    expect(j.measured.p99Ms).toBe(30);
    expect(j.misses.join()).toMatch(/p99 lateness 30 ms/);
  });

  it('misses for a scheduler that skips ticks, and counts them', () => {
    const j = judgeScheduler({ measured: startsFor(200, (k) => (k % 10 === 3 ? null : 0.3)), cpuPercentOfCore: 1 });
    expect(j.verdict).toBe(MISSES);
    expect(j.measured.missedTicks).toBe(20);
    // The skipped tick's lateness is the wait for the next check: a whole interval.
    expect(j.measured.maxMs).toBeCloseTo(50.3, 3);
  });

  it('misses when the process burns CPU, even on time', () => {
    expect(judgeScheduler({ measured: startsFor(100, () => 0), cpuPercentOfCore: 12 }).verdict).toBe(MISSES);
  });

  it('the real scheduler on a blocked event loop: missed ticks and lateness are reported', async () => {
    const starts = [];
    const probe = {
      name: 'p',
      kind: 'test',
      intervalMs: INTERVAL,
      timeoutMs: 1000,
      check: async () => {
        starts.push(performance.now());
        return { ok: true };
      },
    };
    const startT = performance.now();
    const runner = startProbes([probe], { clock: systemClock, onSample: () => {} });
    while (starts.length < 3) await new Promise((r) => setTimeout(r, 5));
    const blockStart = performance.now();
    while (performance.now() - blockStart < 300) {
      // busy-wait: a late scheduler, as a loaded machine makes it
    }
    while (starts.filter((t) => t > blockStart + 300).length < 3) await new Promise((r) => setTimeout(r, 5));
    const endT = performance.now();
    await runner.stop();
    const lateness = tickLateness({ startT, intervalMs: INTERVAL, endT, starts });
    expect(lateness.missedTicks).toBeGreaterThanOrEqual(4);
    expect(lateness.maxMs).toBeGreaterThanOrEqual(250);
    expect(
      judgeScheduler({ measured: { startT, intervalMs: INTERVAL, endT, starts }, cpuPercentOfCore: 1 }).verdict,
    ).toBe(MISSES);
  });
});

describe('constant-load bench judgement', () => {
  /** 1,000/s for 3 s: slot i at i ms, sent at send(i). */
  function run(send, dropped = 0) {
    const intended = Array.from({ length: 3000 }, (_, i) => i);
    return judgeConstantLoad({ targetRatePerSec: 1000, windowMs: 3000, intended, sent: intended.map(send), dropped });
  }

  it('meets the goal when every request leaves on its slot', () => {
    const j = run((i) => i + 0.3);
    expect(j.verdict).toBe(MEETS);
    expect(j).toMatchObject({ achievedRatePerSec: 1000, perSecondMin: 1000, perSecondMax: 1000, late: 0 });
  });

  it('misses for a throttled sender that catches up in bursts, though every request went out in the window', () => {
    // Stalls 200 ms, then sends the backlog at once: the planned count and the window are both kept.
    const j = run((i) => Math.ceil((i + 1) / 200) * 200 - 1);
    expect(j.achievedRatePerSec).toBe(1000);
    expect(j.verdict).toBe(MISSES);
    expect(j.lagP99Ms).toBeGreaterThan(150);
  });

  it('misses for a sender that falls behind: less achieved inside the window, uneven seconds', () => {
    const j = run((i) => i * 1.1);
    expect(j.verdict).toBe(MISSES);
    expect(j.achievedRatePerSec).toBeCloseTo(909.333, 2);
    expect(j.perSecondMin).toBeLessThan(950);
  });

  it('misses when arrivals were dropped at the in-flight cap', () => {
    expect(run((i) => i, 5).verdict).toBe(MISSES);
  });

  describe('against the real load generator', () => {
    let server;
    let url;
    beforeAll(async () => {
      server = createServer((_req, res) => res.end('ok'));
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${server.address().port}/`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('a sender throttled by a stalled clock misses, though it sent every planned request', async () => {
      let stalled = false;
      const t0 = performance.now();
      const clock = {
        now: () => {
          const real = performance.now();
          if (real - t0 >= 500) stalled = true;
          return real + (stalled ? 600 : 0);
        },
        wall: (t) => systemClock.wall(t),
      };
      const result = await runLoad(
        {
          engine: 'builtin',
          url,
          method: 'GET',
          headers: {},
          stages: [{ fromRatePerSec: 200, toRatePerSec: 200, durationMs: 1000 }],
          connections: 8,
          maxInFlight: 10_000,
          timeoutMs: 5000,
          expectStatus: [200],
        },
        { clock },
      );
      expect(result.requests).toBe(200);
      const o = result.outcomes;
      const j = judgeConstantLoad({
        targetRatePerSec: 200,
        windowMs: result.endT - result.startT,
        intended: Array.from(o.intendedT.subarray(0, o.length), (t) => t - result.startT),
        sent: Array.from(o.sentT.subarray(0, o.length), (t) => t - result.startT),
        dropped: result.dropped,
      });
      expect(j.verdict).toBe(MISSES);
      expect(j.achievedRatePerSec).toBeLessThanOrEqual(101);
      expect(j.lagMaxMs).toBeGreaterThanOrEqual(595);
    });
  });
});

describe('RPO bench judgement', () => {
  const acknowledged = Array.from({ length: 50 }, (_, i) => i + 1);

  it('meets the goal when the writer read-back and the independent reads agree on every lost seq', () => {
    const onNew = acknowledged.filter((q) => q < 45);
    const row = rpoRunTruth({ acknowledged, measuredLost: [45, 46, 47, 48, 49, 50], onNew, onOld: acknowledged });
    expect(row).toMatchObject({ trueLost: 6, measuredLost: 6, equal: true, onNeither: 0 });
    expect(judgeRpo([{ run: 1, ...row }]).verdict).toBe(MEETS);
  });

  it('misses when surviving() hides a lost write (it reads the wrong server)', () => {
    // The new primary lacks seq 50; a read-back that claims it survived measures 0 lost.
    const onNew = acknowledged.filter((q) => q !== 50);
    const row = rpoRunTruth({ acknowledged, measuredLost: [], onNew, onOld: acknowledged });
    expect(row).toMatchObject({ trueLost: 1, measuredLost: 0, equal: false });
    const j = judgeRpo([{ run: 1, ...row }]);
    expect(j.verdict).toBe(MISSES);
    expect(j.line).toContain('equal in 0/1');
  });

  it('misses when the count is right but the seqs are not, or the report count disagrees', () => {
    const onNew = acknowledged.filter((q) => q !== 50);
    expect(rpoRunTruth({ acknowledged, measuredLost: [49], onNew, onOld: acknowledged }).equal).toBe(false);
    expect(rpoRunTruth({ acknowledged, measuredLost: [50], reportedLost: 0, onNew, onOld: acknowledged }).equal).toBe(
      false,
    );
  });

  it('misses when an acknowledged write is on neither server (a harness bug)', () => {
    const onNew = acknowledged.filter((q) => q !== 50);
    const row = rpoRunTruth({ acknowledged, measuredLost: [50], onNew, onOld: onNew });
    expect(row).toMatchObject({ equal: true, onNeither: 1 });
    expect(judgeRpo([{ run: 1, ...row }]).verdict).toBe(MISSES);
  });
});

describe('restore bench judgement', () => {
  it('meets the goal on the median, and prints the spread', () => {
    const j = judgeRestore({
      rounds: [
        { bareMs: 10_000, drillMs: 10_600 },
        { bareMs: 10_000, drillMs: 11_500 },
        { bareMs: 10_000, drillMs: 10_400 },
      ],
    });
    expect(j.verdict).toBe(MEETS);
    expect(j.medianOverheadPct).toBe(6);
    expect(j.line).toMatch(/spread 4\.0…15\.0%/);
  });

  it('misses for a slow restore', () => {
    const j = judgeRestore({
      rounds: [
        { bareMs: 10_000, drillMs: 13_000 },
        { bareMs: 9_000, drillMs: 12_500 },
        { bareMs: 11_000, drillMs: 12_000 },
      ],
    });
    expect(j.verdict).toBe(MISSES);
    expect(j.medianOverheadPct).toBe(30);
  });
});

describe('RTO and maximum-rate bench judgements', () => {
  it('RTO misses when a measured RTO is outside its bound of the ground truth', () => {
    const good = [{ run: 1, measuredMs: 2050, trueMs: 2000, boundMs: 110 }];
    expect(judgeRto(good).verdict).toBe(MEETS);
    expect(judgeRto([...good, { run: 2, measuredMs: 2500, trueMs: 2000, boundMs: 110 }]).verdict).toBe(MISSES);
  });

  it('maximum rate misses for a throttled built-in generator', () => {
    expect(judgeMaxRate({ builtinPerSec: 9000, autocannonPerSec: 10_000 }).verdict).toBe(MEETS);
    expect(judgeMaxRate({ builtinPerSec: 5000, autocannonPerSec: 10_000 }).verdict).toBe(MISSES);
  });
});

describe('Kubernetes scale bench judgement', () => {
  const run = (name, over = {}) => ({
    name,
    injectMs: 900,
    rollbackComplete: true,
    samples: 300,
    requests: 40,
    ...over,
  });
  const good = [
    run('pod-kill (probe every 1s)', { samples: 30, requests: 38 }),
    run('pod-kill (probe every 100ms)', { samples: 300, requests: 41 }),
    run('zone-outage (probe every 100ms)'),
  ];

  const round = (peakRssMb, runs = good) => ({ runs, peakRssMb });

  it('meets the goal with watch-based probes, fast injection and a small heap', () => {
    const j = judgeK8sScale({ rounds: [round(180), round(190), round(170)] });
    expect(j.verdict).toBe(MEETS);
    expect(j.line).toContain('38 at 30 probe samples · 41 at 300');
    expect(j.line).toContain('peak RSS 180 MB (180 / 190 / 170; goal < 300 MB)');
  });

  it('misses for probes that poll the API server: requests follow the samples', () => {
    const polling = good.map((r) => (r.name.includes('100ms') ? { ...r, requests: r.samples + 40 } : r));
    const j = judgeK8sScale({ rounds: [round(180, polling)] });
    expect(j.verdict).toBe(MISSES);
    expect(j.misses.join()).toMatch(/API requests grew 8\.947× with 10× the probe samples/);
  });

  it('misses for a slow injection, an incomplete rollback or a large heap', () => {
    const slowZone = [...good.slice(0, 2), run('zone-outage (probe every 100ms)', { injectMs: 7000 })];
    expect(judgeK8sScale({ rounds: [round(180, slowZone)] }).misses).toEqual([
      'zone-outage (probe every 100ms): injected after 7000 ms (median of 7000)',
    ]);
    expect(judgeK8sScale({ rounds: [round(180, [run('zone-outage', { rollbackComplete: false })])] }).misses).toEqual([
      'zone-outage: rollback incomplete (round 1)',
    ]);
    expect(judgeK8sScale({ rounds: [round(420)] }).misses).toEqual(['peak RSS 420 MB']);
    expect(judgeK8sScale({ rounds: [] }).verdict).toBe(MISSES);
    expect(judgeK8sScale({ rounds: [round(10, [])] }).verdict).toBe(MISSES);
  });

  it('judges the rounds on their medians: one high peak RSS or one slow injection among three does not decide', () => {
    const slowOnce = [good[0], good[1], run('zone-outage (probe every 100ms)', { injectMs: 7000 })];
    const j = judgeK8sScale({ rounds: [round(280), round(380, slowOnce), round(290)] });
    expect(j.verdict).toBe(MEETS);
    expect(j.peakRssMb).toBe(290);
    expect(j.line).toContain('peak RSS 290 MB (280 / 380 / 290; goal < 300 MB)');
    // Two of three high: the median is high.
    const high = judgeK8sScale({ rounds: [round(280), round(380, slowOnce), round(310, slowOnce)] });
    expect(high.misses).toEqual([
      'zone-outage (probe every 100ms): injected after 7000 ms (median of 900 / 7000 / 7000)',
      'peak RSS 310 MB',
    ]);
  });

  it('counts an incomplete rollback in any round', () => {
    const broken = good.map((r, i) => (i === 1 ? { ...r, rollbackComplete: false } : r));
    expect(judgeK8sScale({ rounds: [round(180), round(180, broken), round(180)] }).misses).toEqual([
      'pod-kill (probe every 100ms): rollback incomplete (round 2)',
    ]);
  });
});

describe('least privilege (node bench/run.js iam)', () => {
  const row = (scenario, removed, code, verdict, refusal) => ({ scenario, removed, code, verdict, refusal });
  const good = [
    row('db-failover.yaml', '(none)', 0, 'pass', '-'),
    row('db-failover.yaml', 'rds:RebootDBInstance', 3, 'error', 'AWS_ACCESS_DENIED names rds:RebootDBInstance'),
  ];

  it('meets the goal when the whole policy passes and one action less is refused by name', () => {
    const j = judgeIam(good);
    expect(j.verdict).toBe(MEETS);
    expect(j.line).toMatch(/^iam: 1\/1 scenarios pass .* 1\/1 runs with one action less fail/);
  });

  it('misses for a policy too broad to matter (the run passes without the action) or too narrow to pass', () => {
    const tooBroad = [good[0], row('db-failover.yaml', 'rds:RebootDBInstance', 0, 'pass', 'none')];
    expect(judgeIam(tooBroad).misses).toEqual(['db-failover.yaml without rds:RebootDBInstance: not refused']);
    const tooNarrow = [row('db-failover.yaml', '(none)', 3, 'error', '-'), good[1]];
    expect(judgeIam(tooNarrow).misses).toEqual(['db-failover.yaml: error with its whole policy']);
    expect(judgeIam([]).verdict).toBe(MISSES);
  });
});

describe('wrong input (node bench/run.js fuzz)', () => {
  it('meets the goal when every case answered as it should, and misses on one that did not', () => {
    const ok = { cases: 20_000, valid: 1_200, invalid: 18_800, seconds: 300, failed: false };
    expect(judgeFuzz(ok).verdict).toBe(MEETS);
    expect(judgeFuzz(ok).line).toContain('15.0 ms a case');
    expect(judgeFuzz({ ...ok, failed: true }).verdict).toBe(MISSES);
    expect(judgeFuzz({ ...ok, cases: 0, valid: 0, invalid: 0 }).verdict).toBe(MISSES);
  });
});

describe('crash matrix (node bench/run.js crash)', () => {
  const kill = (fault, killPoint, converged) => ({ target: 'sandbox', fault, killPoint, converged });

  it('meets the goal only when every kill point converged', () => {
    const all = [kill('pod-kill', 1, true), kill('zone-outage', 1, true), kill('zone-outage', 2, true)];
    expect(judgeCrash({ outcomes: all, minutes: 3 }).line).toBe(
      'crash matrix: 3/3 kill points converged in 3.0 min — meets goal',
    );
    const one = judgeCrash({ outcomes: [...all.slice(0, 2), kill('zone-outage', 2, false)], minutes: 3 });
    expect(one.verdict).toBe(MISSES);
    expect(one.misses).toEqual(['sandbox · zone-outage · kill after applied #2 did not converge']);
    expect(judgeCrash({ outcomes: [], minutes: 0 }).verdict).toBe(MISSES);
  });
});

describe('k6 ingest and memory (node bench/run.js k6)', () => {
  const ingest = (ratio) => ({
    emitted: { linesPerSec: 40_000, mbPerSec: 9.5 },
    parsed: { linesPerSec: 40_000 * ratio, mbPerSec: 9.5 * ratio },
    requestsPerSec: 6_000,
    ratio,
  });
  const rss = (rssGrowthMb) => ({
    durationMs: 600_000,
    linesRead: 3_000_000,
    ndjsonMb: 700,
    rssBaselineMb: 120,
    rssPeakMb: 120 + rssGrowthMb,
    rssGrowthMb,
  });

  it('meets the goals when parsing outruns k6 and memory stays flat', () => {
    expect(judgeK6Ingest(ingest(8)).verdict).toBe(MEETS);
    expect(judgeK6Rss(rss(12)).line).toMatch(/growth 12 MB \(goal < 50\) — meets goal$/);
  });

  it('misses for a parser slower than k6 writes, and for memory that follows the file (buffering)', () => {
    expect(judgeK6Ingest(ingest(2.5)).misses).toEqual(['parsed only 2.5x as fast as k6 wrote']);
    expect(judgeK6Rss(rss(700)).verdict).toBe(MISSES);
  });
});
