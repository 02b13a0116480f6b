// k6's JSON output format, as k6 v1.1.0 writes it (lines taken from a real run, values changed).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestFile, K6Ingest } from './k6-ingest.js';
import type { LoadBucketLine } from './series.js';

const ORIGIN_WALL = Date.parse('2026-12-06T10:15:00.000Z');
const tags = (status: string, extra = '') =>
  `{"expected_response":"${status === '200' ? 'true' : 'false'}",${extra}"group":"","method":"GET","name":"http://127.0.0.1:1/","proto":"HTTP/1.1","scenario":"default","status":"${status}","url":"http://127.0.0.1:1/"}`;
const point = (metric: string, time: string, value: number, t = tags('200')) =>
  `{"metric":"${metric}","type":"Point","data":{"time":"${time}","value":${value},"tags":${t}}}`;
const declare = (name: string, type: string, thresholds: string[] = [], contains = 'default') =>
  `{"type":"Metric","data":{"name":"${name}","type":"${type}","contains":"${contains}","thresholds":${JSON.stringify(thresholds)},"submetrics":null},"metric":"${name}"}`;

/** One request's lines, as k6 writes them (several skipped metrics in between). */
function request(time: string, ms: number, status = '200'): string[] {
  const t = status === '0' ? tags('0', '"error":"dial: connection refused","error_code":"1212",') : tags(status);
  const failed = status === '200' ? 0 : 1;
  return [
    point('http_reqs', time, 1, t),
    point('http_req_duration', time, ms, t),
    point('http_req_blocked', time, 0.3, t),
    point('http_req_waiting', time, ms, t),
    point('http_req_failed', time, failed, t),
  ];
}

function ingest(lines: LoadBucketLine[] = []): K6Ingest {
  return new K6Ingest({ originT: 0, loadStartT: 0, toRunT: (w) => w - ORIGIN_WALL, onBucket: (l) => lines.push(l) });
}

const declarations = [
  declare('http_req_duration', 'trend', ['p(95)<500'], 'time'),
  declare('http_req_failed', 'rate', ['rate<0.05']),
  declare('checks', 'rate'),
  declare('contacts_created', 'counter'),
];

describe('K6Ingest', () => {
  it('turns request samples into load buckets at k6 sample time (nanosecond times, any zone)', () => {
    const lines: LoadBucketLine[] = [];
    const k = ingest(lines);
    k.push(
      [
        ...declarations,
        ...request('2026-12-06T10:15:00.012345678Z', 3.5),
        ...request('2026-12-06T11:15:00.050000001+01:00', 10),
        ...request('2026-12-06T10:15:00.150Z', 7, '503'),
        ...request('2026-12-06T10:15:00.160Z', 0, '0'),
      ].join('\n') + '\n',
    );
    k.end(200);
    expect(k.requests).toBe(4);
    expect(k.errors).toBe(2);
    expect(Object.fromEntries(k.statusCounts)).toEqual({ '200': 2, '503': 1, 'error 1212': 1 });
    expect(lines).toEqual([
      { t: 0, n: 2, errors: 0, p50: expect.closeTo(3.5, 1), p95: 10, p99: 10, max: 10 },
      { t: 100, n: 2, errors: 2, p50: 0, p95: 7, p99: 7, max: 7 },
      { t: 200, n: 0, errors: 0 },
    ]);
    expect(k.lines).toBe(4 + 4 * 5);
  });

  it('accepts text cut at any point and keeps custom metrics with their declared type and thresholds', () => {
    const k = ingest();
    const text =
      [
        ...declarations,
        point('contacts_created', '2026-12-06T10:15:00.500Z', 1),
        point('contacts_created', '2026-12-06T10:15:00.700Z', 1),
        point('checks', '2026-12-06T10:15:00.700Z', 0),
        point('checks', '2026-12-06T10:15:00.800Z', 1),
      ].join('\n') + '\n';
    for (let i = 0; i < text.length; i += 7) k.push(text.slice(i, i + 7));
    k.end(1000);
    expect(k.metrics.get('contacts_created')?.buckets.merge(0, 10).stats).toMatchObject({ count: 2, sum: 2 });
    expect(k.metrics.get('checks')?.buckets.merge(0, 10).stats).toMatchObject({ count: 2, nonzero: 1 });
    expect(k.metrics.get('http_req_duration')).toMatchObject({ type: 'trend', thresholds: ['p(95)<500'] });
    expect(k.metrics.has('http_reqs')).toBe(false);
  });

  it('reads a whole file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gameday-k6-ingest-'));
    try {
      const file = join(dir, 'k6.ndjson');
      writeFileSync(file, [...declarations, ...request('2026-12-06T10:15:00.010Z', 2)].join('\n') + '\n');
      const k = ingest();
      expect(await ingestFile(file, k)).toBeGreaterThan(100);
      expect(k.requests).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
