import { describe, expect, it } from 'vitest';
import { drillObjectives } from './report.js';
import type { DrillResult } from './types.js';

const base: Pick<DrillResult, 'restore' | 'rpoSeconds' | 'source' | 'validations'> = {
  restore: { target: 'scratch-server', startedAt: '', durationMs: 90_000, toolMs: 80_000, jobs: 2, databaseBytes: 1 },
  rpoSeconds: 1200,
  source: {
    kind: 'file',
    name: 'a',
    location: 'a',
    createdAt: null,
    ageSeconds: null,
    bytes: 1,
    format: 'custom',
    backupMs: null,
    fetchMs: 1,
  },
  validations: [
    { name: 'rowCount(contacts)', kind: 'rowCounts', pass: true, expected: 1, actual: 1, detail: '' },
    { name: 'wrong', kind: 'query', pass: false, expected: '= 1', actual: 2, detail: '' },
  ],
};

describe('drillObjectives', () => {
  it('judges restore time, RPO, source age and validations', () => {
    const out = drillObjectives(base, {
      restoreTimeMaxMs: 600_000,
      rpoMaxMs: 900_000,
      sourceAgeMaxMs: 3_600_000,
      validations: 'all',
    });
    expect(out.map((o) => [o.name, o.pass, o.actual])).toEqual([
      ['restoreTime', true, '1m 30s'],
      ['rpo', false, '20m 00s'],
      ['sourceAge', false, 'unknown'],
      ['validations', false, '1/2 passed (failed: wrong)'],
    ]);
  });
});
