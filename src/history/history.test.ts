// The resilience score, the trended metrics, baselines and regression, the index file, sparklines.

import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { objective, sampleReport } from '../../test/helpers/reports.js';
import { baselineCandidates, compareWithBaseline, parseBaseline, parseTolerances, selectBaseline } from './baseline.js';
import { compareReports } from './compare.js';
import { entryFromReport, type HistoryEntry } from './entry.js';
import { LocalHistory } from './local.js';
import { metricsFromReport } from './metrics.js';
import { indexRun } from './record.js';
import { objectiveWeight, scoreReport, weightedScore } from './score.js';
import { sparkline } from './sparkline.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'gameday-history-'));
  dirs.push(d);
  return d;
};

const entry = (runId: string, rtoMs: number, over: Partial<HistoryEntry> = {}): HistoryEntry => ({
  ...entryFromReport(
    sampleReport({ runId, startedAt: `2024-01-0${runId}T00:00:00.000Z`, rtoMs }),
    `sandbox-pod-kill/${runId}`,
  ),
  ...over,
});

describe('resilience score', () => {
  it('weighs what each objective protects: recovery and data 3, availability 2, latency and load 1', () => {
    expect(
      ['rto', 'rpo', 'restoreTime', 'validations', 'step kill #1'].map((name) => objectiveWeight({ name })),
    ).toEqual([3, 3, 3, 3, 3]);
    expect(objectiveWeight({ name: 'availability(api, during)' })).toBe(2);
    expect(objectiveWeight({ name: 'latency p95(api, run)' })).toBe(1);
    expect(objectiveWeight({ name: 'load error rate' })).toBe(1);
  });

  it('is the weighted share of objectives held; 0 for a run that aborted or left its rollback incomplete', () => {
    const r = sampleReport();
    expect(scoreReport(r)).toEqual({ score: 100, points: 6, total: 6 });
    const latencyMissed = sampleReport({
      objectives: r.objectives.map((o) => (o.name.startsWith('latency') ? { ...o, pass: false } : o)),
    });
    expect(scoreReport(latencyMissed).score).toBe(83.3);
    const rtoMissed = sampleReport({
      objectives: r.objectives.map((o) => (o.name === 'rto' ? { ...o, pass: false } : o)),
    });
    expect(scoreReport(rtoMissed).score).toBe(50);
    expect(scoreReport({ ...r, verdict: 'aborted' }).score).toBe(0);
    expect(scoreReport({ ...r, rollback: { complete: false, undone: 0, failed: [] } }).score).toBe(0);
    expect(
      weightedScore([
        { score: 100, weight: 2 },
        { score: 50, weight: 1 },
        { score: null, weight: 1 },
      ]),
    ).toBe(62.5);
  });
});

describe('metrics and baselines', () => {
  it('takes RTO, p95, availability from the objectives the scenario names', () => {
    expect(metricsFromReport(sampleReport({ rtoMs: 5200 }))).toMatchObject({
      rtoMs: 5200,
      rtoErrorBoundMs: 100,
      p95Ms: 30,
      availability: 99.8,
      score: 100,
    });
  });

  it('parses --baseline and --tolerance, and says what is wrong with them', () => {
    expect(parseBaseline('last-pass')).toEqual({ kind: 'last-pass' });
    expect(parseBaseline('median:5')).toEqual({ kind: 'median', runs: 5 });
    expect(() => parseBaseline('median')).toThrow(/expected last-pass or median:N/);
    expect(parseTolerances('rto=25%,p95=20%')).toEqual({ rto: 25, p95: 20 });
    expect(() => parseTolerances('rtt=25%')).toThrow(
      expect.objectContaining({
        message: '--tolerance rtt=25%: unknown metric "rtt"',
        hint: 'metrics: rto, p95, availability, restore, rpo, errors, score; e.g. --tolerance rto=25%,p95=20%',
      }),
    );
    expect(() => parseTolerances('rto=25')).toThrow('--tolerance rto=25: expected <metric>=<percent>%');
  });

  it('fails a run that is worse than its baseline by more than the tolerance, with the numbers', () => {
    const history = [
      entry('1', 3000),
      entry('2', 3100),
      entry('3', 9000, { verdict: 'fail' }),
      entry('4', 2900, { regressed: true }),
    ];
    const current = metricsFromReport(sampleReport({ rtoMs: 5200 }));
    const candidates = baselineCandidates(history, 'sandbox-pod-kill', '2024-01-09');
    expect(candidates.map((e) => e.runId)).toEqual(['1', '2']);
    const base = selectBaseline(candidates, { kind: 'last-pass' });
    expect(base?.runs).toEqual(['2']);
    const r = compareWithBaseline(current, base!, { rto: 25, p95: 20 }, { kind: 'last-pass' });
    expect(r.regressed).toBe(true);
    expect(r.checks.map((c) => c.explanation)).toEqual([
      'RTO 5.2 s vs baseline 3.1 s, +68 %, tolerance 25 %',
      'p95 30 ms vs baseline 30 ms, +0 %, tolerance 20 %',
    ]);
    const median = selectBaseline(candidates, { kind: 'median', runs: 5 });
    expect(median?.metrics.rtoMs).toBe(3050);
    expect(
      compareWithBaseline(
        metricsFromReport(sampleReport({ rtoMs: 3700 })),
        median!,
        { rto: 25 },
        { kind: 'median', runs: 5 },
      ).regressed,
    ).toBe(false);
  });

  it('never calls a difference within the measurements’ error bounds a regression', () => {
    const base = { metrics: { score: 100, rtoMs: 300, rtoErrorBoundMs: 100 }, runs: ['1'] };
    const r = compareWithBaseline(
      { score: 100, rtoMs: 450, rtoErrorBoundMs: 100 },
      base,
      { rto: 25 },
      { kind: 'last-pass' },
    );
    expect(r.checks[0]).toMatchObject({ changePct: 50, regressed: false });
  });
});

describe('the index', () => {
  it('appends each run, keeps the last line per run, skips torn lines, and can be rebuilt from the run directories', async () => {
    const reportDir = tempDir();
    const local = new LocalHistory(reportDir);
    for (const [id, rto] of [
      ['20240101T000000Z-aaaa', 3000],
      ['20240102T000000Z-bbbb', 3300],
    ] as const) {
      const runDir = join(reportDir, 'sandbox-pod-kill', id);
      mkdirSync(runDir, { recursive: true });
      writeFileSync(
        join(runDir, 'report.json'),
        JSON.stringify(
          sampleReport({ runId: id, startedAt: `${id.slice(0, 4)}-01-0${id[7]}T00:00:00.000Z`, rtoMs: rto }),
        ),
      );
      await indexRun(reportDir, runDir);
    }
    appendFileSync(local.location, '{"torn": ');
    await indexRun(reportDir, join(reportDir, 'sandbox-pod-kill', '20240101T000000Z-aaaa'));
    const entries = await local.entries('sandbox-pod-kill');
    expect(entries.map((e) => [e.runId, e.metrics.rtoMs, e.dir])).toEqual([
      ['20240101T000000Z-aaaa', 3000, 'sandbox-pod-kill/20240101T000000Z-aaaa'],
      ['20240102T000000Z-bbbb', 3300, 'sandbox-pod-kill/20240102T000000Z-bbbb'],
    ]);
    rmSync(local.location);
    expect(await local.rebuild()).toBe(2);
    expect((await local.entries()).map((e) => e.runId)).toEqual(['20240101T000000Z-aaaa', '20240102T000000Z-bbbb']);
  });
});

describe('trends and comparison', () => {
  it('draws a sparkline between the series’ min and max, with gaps', () => {
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([3, undefined, 3])).toBe('▄ ▄');
    expect(sparkline([])).toBe('');
  });

  it('puts two runs side by side with deltas and directions', () => {
    const a = sampleReport({ rtoMs: 3100 });
    const b = sampleReport({
      rtoMs: 5200,
      objectives: [
        objective({ name: 'rto', actual: '5.2s ± 100ms', actualValue: 5200 }),
        objective({ name: 'load error rate', pass: false, actual: '7%' }),
      ],
    });
    const rows = compareReports(a, b);
    expect(rows.metrics.find((r) => r.name === 'RTO')).toEqual({
      name: 'RTO',
      a: '3.1 s',
      b: '5.2 s',
      delta: '+2.1 s (+68 %)',
      direction: 'worse',
    });
    expect(rows.objectives.map((r) => [r.name, r.direction])).toEqual([
      ['rto', 'same'],
      ['availability(api, during)', ''],
      ['latency p95(api, run)', ''],
      ['load error rate', ''],
    ]);
  });
});
