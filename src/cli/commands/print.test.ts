// The gate's and a game day's console result: PASS, FAIL, REGRESSED and SKIPPED in colour when the CLI
// colours (a terminal, FORCE_COLOR), plain text otherwise, and the same words either way.

import { describe, expect, it } from 'vitest';
import { sampleReport } from '../../../test/helpers/reports.js';
import type { GameDayReport } from '../../suite/gameday/report-types.js';
import type { GateResult } from '../../suite/gate/run.js';
import type { CliIo } from '../io.js';
import { printGameDay } from './gameday-run.js';
import { printResult } from './gate.js';

function captured(colour: boolean): { io: CliIo; lines: string[] } {
  const lines: string[] = [];
  return {
    io: { out: (l) => lines.push(l), err: () => undefined, tty: false, status: () => undefined, colour },
    lines,
  };
}

const GREEN = '\x1b[1;32m';
const RED = '\x1b[1;31m';
const YELLOW = '\x1b[1;33m';
const plain = (s: string): string =>
  s.split(GREEN).join('').split(RED).join('').split(YELLOW).join('').split('\x1b[0m').join('');

const gate: GateResult = {
  gateId: 'g',
  seed: 7,
  startedAt: '2024-01-01T00:00:00.000Z',
  endedAt: '2024-01-01T00:01:00.000Z',
  runs: [
    { file: 'a.yaml', report: sampleReport(), runDir: 'reports/a/1', exitCode: 0, score: 100 },
    {
      file: 'b.yaml',
      report: sampleReport({ scenario: 'sandbox-slow' }),
      runDir: 'reports/b/1',
      exitCode: 1,
      score: 100,
    },
  ],
  gamedays: [],
  junit: '',
  annotations: [],
  exitCode: 1,
  notRun: [],
};
gate.runs[1]!.report.regression = { baseline: 'last-pass', baselineRuns: ['x'], regressed: true, checks: [] };

const gameday = {
  gameday: 'gd',
  verdict: 'fail',
  score: 50,
  items: [
    { name: 'one', kind: 'run', status: 'pass', runDir: 'reports/one/1' },
    { name: 'two', kind: 'run', status: 'fail', runDir: 'reports/two/1' },
    { name: 'three', kind: 'drill', status: 'skipped' },
  ],
  hypotheses: [],
} as unknown as GameDayReport;

describe('console results in colour', () => {
  it('colours the gate verdict and each run, REGRESSED in red', () => {
    const on = captured(true);
    printResult(gate, on.io, false);
    expect(on.lines[1]).toBe(`gate: ${RED}FAIL\x1b[0m (1/2 passed)`);
    expect(on.lines[2]).toContain(`${GREEN}PASS     \x1b[0m sandbox-pod-kill`);
    expect(on.lines[3]).toContain(`${RED}REGRESSED\x1b[0m sandbox-slow`);
    const off = captured(false);
    printResult(gate, off.io, false);
    expect(off.lines).toEqual(on.lines.map(plain));
  });

  it("colours a game day's verdict and items, a skipped item in yellow", () => {
    const on = captured(true);
    printGameDay(gameday, 'reports/gd/1', on.io, false);
    expect(on.lines[1]).toBe(`game day gd: ${RED}FAIL\x1b[0m, score 50`);
    expect(on.lines.slice(2, 5).map((l) => l.slice(2, 9))).toEqual([GREEN, RED, YELLOW]);
    const off = captured(false);
    printGameDay(gameday, 'reports/gd/1', off.io, false);
    expect(off.lines).toEqual(on.lines.map(plain));
    expect(off.lines[4]).toBe('  SKIPPED  three (drill)');
  });
});
