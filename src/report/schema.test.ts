// schema/report.schema.json is generated from the report types; this fails when it is stale, and checks
// that reports validate against it (and that the schema rejects what the types do not allow).

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { REPORT_SCHEMA_ID as SCRIPT_ID, reportJsonSchemaText } from '../../scripts/report-schema.js';
import { REPORT_SCHEMA_ID, toJson } from './json.js';
import type { Report } from './types.js';

const committed = resolve(fileURLToPath(import.meta.url), '../../../schema/report.schema.json');
const schema = JSON.parse(readFileSync(committed, 'utf8')) as Record<string, unknown>;

function k6Report(): Report {
  return {
    schemaVersion: 1,
    scenario: 'sandbox-pod-kill-k6',
    runId: '20240101T000000Z-ab12',
    startedAt: '2024-01-01T00:00:00.000Z',
    endedAt: '2024-01-01T00:00:20.000Z',
    verdict: 'pass',
    measurements: {
      rto: null,
      rpo: null,
      slos: [],
      load: [{ window: 'during', requests: 10, errors: 0, errorRate: 0, latency: null }],
      errorBudgets: [
        {
          slo: 'api',
          objective: 99.9,
          periodMs: 2_592_000_000,
          sli: 'probe api',
          budgetMs: 2_592_000,
          badMs: 0,
          observedMs: 10_000,
          events: null,
          consumedPercent: 0,
          burnRate: { run: 0, during: 0 },
        },
      ],
    },
    objectives: [
      {
        name: 'availability(api, during)',
        target: '>= 99%',
        actual: '100% (16/16 good)',
        pass: true,
        targetValue: 99,
        actualValue: 100,
        unit: 'percent',
        evidence: { samples: 16, interval95: { low: 80.639, high: 100 }, conclusive: false, note: 'too few' },
      },
    ],
    timeline: [],
    probes: [],
    load: {
      engine: 'k6',
      targetRatePerSec: null,
      achievedRatePerSec: 40,
      durationMs: 10_000,
      requests: 400,
      completed: 400,
      errors: 0,
      errorRate: 0,
      statusCounts: { '200': 400 },
      latency: null,
      dropped: 0,
      k6: {
        version: '1.1.0',
        script: 'k6/connectkit.js',
        exitCode: 0,
        status: 'completed',
        thresholds: [{ metric: 'http_req_duration', expression: 'p(95)<500', ok: true, value: 12 }],
        metrics: [{ metric: 'checks', type: 'rate', window: 'run', count: 400, value: 100 }],
        linesRead: 5000,
      },
    },
    rollback: { complete: true, undone: 1, failed: [] },
  };
}

describe('report JSON Schema', () => {
  it('matches the committed schema/report.schema.json', () => {
    if (readFileSync(committed, 'utf8') !== reportJsonSchemaText()) {
      expect.fail('schema/report.schema.json is stale: run npm run schema');
    }
  }, 120_000);

  it('is what report.json declares as its $schema', () => {
    expect(SCRIPT_ID).toBe(REPORT_SCHEMA_ID);
    expect(schema.$id).toBe(REPORT_SCHEMA_ID);
    expect(JSON.parse(toJson(k6Report())).$schema).toBe(REPORT_SCHEMA_ID);
  });

  it('accepts a report as written and rejects fields the types do not have', () => {
    const validate = new Ajv({ strict: false }).compile(schema);
    const written = JSON.parse(toJson(k6Report())) as Record<string, unknown>;
    expect(validate(written), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...written, extra: 1 })).toBe(false);
    expect(validate({ ...written, verdict: 'maybe' })).toBe(false);
  });
});
