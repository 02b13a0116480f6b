// Prometheus probes: 10 PromQL probes at 1 s (gameday's scheduler and probe, the real Prometheus fixture
// scraping a real sandbox) for a while (10 minutes by default): gameday's CPU, and the queries per second
// Prometheus itself counted, next to the 10/s the probes should make.
// Usage: npm run build && node bench/prometheus.js [--duration 10m]

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startPrometheus } from '../infra-fixtures/prometheus/lib/prometheus.mjs';
import { startSandbox } from '../dist/index.js';
import { createPrometheusProbe } from '../dist/probes/prometheus.js';
import { startProbes } from '../dist/probes/scheduler.js';
import { systemClock } from '../dist/util/clock.js';
import { parseDuration } from '../dist/util/duration.js';

const QUERIES = [
  'sum(sandbox_replica_ready)',
  'count(up{role="replica"} == 1)',
  'sum(rate(http_requests_total[10s]))',
  'sum(rate(http_requests_total{code=~"5.."}[10s])) or vector(0)',
  'histogram_quantile(0.95, sum(rate(http_request_duration_seconds_bucket[10s])) by (le))',
  'sum(sandbox_balancer_requests_total)',
  'sum by (zone) (sandbox_replica_ready)',
  'max(http_request_duration_seconds_sum) or vector(0)',
  'sum(increase(sandbox_balancer_requests_total[1m]))',
  'up{role="balancer"}',
];

/** Requests Prometheus answered on /api/v1/query, from its own /metrics. */
async function queryCount(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(/^prometheus_http_requests_total\{[^}]*handler="\/api\/v1\/query"[^}]*\} (\S+)$/gm)) {
    n += Number(m[1]);
  }
  return n;
}

/** CPU ms a process has used (/proc/<pid>/stat utime + stime). */
function processCpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

export async function benchPrometheusProbes({ durationMs = 600_000, probes = 10 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'gameday-bench-prometheus-'));
  const sdDir = join(dir, 'sd');
  const prometheus = await startPrometheus({ sdDir, ownerPid: process.pid });
  const sandbox = await startSandbox({
    replicas: 6,
    zones: ['a', 'b', 'c'],
    startupDelayMs: 0,
    database: false,
    env: { ...process.env, GAMEDAY_PROMETHEUS_SD_DIR: sdDir },
  });
  const list = Array.from({ length: probes }, (_, i) =>
    createPrometheusProbe(
      `q${i}`,
      {
        kind: 'prometheus',
        prometheus: { url: prometheus.url },
        query: QUERIES[i % QUERIES.length],
        op: '>=',
        value: 0,
        onNoData: 'pass',
      },
      { intervalMs: 1000, timeoutMs: 1000 },
    ),
  );
  let samples = 0;
  let failures = 0;
  try {
    await new Promise((r) => setTimeout(r, 3000)); // a few scrapes first
    const q0 = await queryCount(prometheus.url);
    const p0 = processCpuMs(prometheus.pid);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const runner = startProbes(list, {
      clock: systemClock,
      onSample: (s) => {
        samples++;
        if (!s.ok) failures++;
      },
    });
    await new Promise((r) => setTimeout(r, durationMs));
    await runner.stop();
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const queries = (await queryCount(prometheus.url)) - q0;
    return {
      probes,
      seconds,
      samples,
      failures,
      expectedQueriesPerSec: probes,
      queriesPerSec: queries / seconds,
      gamedayCpuPercentOfCore: ((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100,
      gamedayCpuUsPerQuery: (cpu.user + cpu.system) / Math.max(1, samples),
      prometheusCpuPercentOfCore: ((processCpuMs(prometheus.pid) - p0) / (seconds * 1000)) * 100,
    };
  } finally {
    for (const p of list) await p.close?.();
    await sandbox.stop();
    await prometheus.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await benchPrometheusProbes({ durationMs: parseDuration(arg('--duration', '10m')) }));
}
