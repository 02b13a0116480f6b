// Reports as runs write them, for tests of what reads reports: history, the gate, notifications.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ObjectiveResult, Report } from '../../src/report/types.js';

/**
 * Every run directory under a report dir (<dir>/<scenario>/<run-id>), in name order. Files there (the
 * history index, index.ndjson; a gate's junit.xml) are not runs.
 */
export function runDirs(dir: string): string[] {
  const subdirs = (d: string): string[] =>
    existsSync(d)
      ? readdirSync(d)
          .sort()
          .map((n) => join(d, n))
          .filter((p) => statSync(p).isDirectory())
      : [];
  return subdirs(dir).flatMap(subdirs);
}

export function objective(over: Partial<ObjectiveResult> & { name: string }): ObjectiveResult {
  return {
    target: '<= 30s',
    actual: '1.00s ± 100ms',
    pass: true,
    targetValue: 30_000,
    actualValue: 1000,
    unit: 'ms',
    ...over,
  };
}

/** A passing sandbox pod-kill run: RTO `rtoMs`, availability 99.8 % during the fault, p95 30 ms. */
export function sampleReport(over: Partial<Report> & { rtoMs?: number } = {}): Report {
  const { rtoMs = 3100, ...rest } = over;
  return {
    schemaVersion: 1,
    scenario: 'sandbox-pod-kill',
    runId: '20240101T000000Z-ab12',
    startedAt: '2024-01-01T00:00:00.000Z',
    endedAt: '2024-01-01T00:00:40.000Z',
    verdict: 'pass',
    measurements: {
      rto: {
        probe: 'fleet',
        status: 'recovered',
        ms: rtoMs,
        errorBoundMs: 100,
        stableForMs: 2000,
        detectMs: 100,
        faultAt: '2024-01-01T00:00:10.000Z',
        impactAt: '2024-01-01T00:00:10.100Z',
        recoveredAt: '2024-01-01T00:00:13.100Z',
        lastFailingAt: '2024-01-01T00:00:13.050Z',
        firstHealthyAt: '2024-01-01T00:00:13.150Z',
        lastFailingMs: rtoMs - 50,
        firstHealthyMs: rtoMs + 50,
        observedMs: 20_000,
      },
      rpo: null,
      slos: [
        {
          probe: 'api',
          window: 'during',
          samples: 500,
          good: 499,
          availability: 99.8,
          latency: { count: 500, min: 1, mean: 10, p50: 8, p90: 20, p95: 30, p99: 60, max: 90 },
        },
      ],
    },
    objectives: [
      objective({ name: 'rto', actual: `${rtoMs / 1000}s ± 100ms`, actualValue: rtoMs }),
      objective({
        name: 'availability(api, during)',
        target: '>= 95%',
        actual: '99.8% (499/500 good)',
        targetValue: 95,
        actualValue: 99.8,
        unit: 'percent',
      }),
      objective({
        name: 'latency p95(api, run)',
        target: '<= 250ms',
        actual: '30ms',
        targetValue: 250,
        actualValue: 30,
      }),
    ],
    timeline: [{ at: '2024-01-01T00:00:10.000Z', t: 10_000, kind: 'fault-injected', message: 'fault injected' }],
    probes: [],
    load: null,
    rollback: { complete: true, undone: 2, failed: [] },
    ...rest,
  };
}
