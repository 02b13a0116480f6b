// How a run of a bundled scenario must end in a test on a shared, loaded machine: normally. Its latency,
// availability and load objectives are timing goals of that machine (they belong in benchmarks), so
// missing them may turn the verdict into "fail" — every other objective must hold, and the exit code must
// follow the verdict.

import { expect } from 'vitest';
import type { Report } from '../../src/report/types.js';

const TIMING_OBJECTIVE = /^(latency |availability\(|load )/;

export function expectEndedNormally(report: Report, exitCode: number | null, output = ''): void {
  expect(['pass', 'fail'], `${report.scenario}: ${report.reason ?? ''}\n${output}`).toContain(report.verdict);
  expect(exitCode, output).toBe(report.verdict === 'pass' ? 0 : 1);
  const missed = report.objectives.filter((o) => !o.pass && !TIMING_OBJECTIVE.test(o.name));
  expect(
    missed.map((o) => `${o.name}: ${o.actual} (target ${o.target})`),
    report.scenario,
  ).toEqual([]);
}
