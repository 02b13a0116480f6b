// A run directory made up for HTML report tests and the HTML bench: report.json plus samples.ndjson and
// load.ndjson in their documented formats, with outages at known times. Deterministic (seeded).

import { mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';

/** A small seeded generator (LCG), so fixtures are the same on every machine. */
function random(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function writeLines(path, count, line) {
  const out = createWriteStream(path);
  let chunk = '';
  for (let i = 0; i < count; i++) {
    chunk += `${JSON.stringify(line(i))}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

const iso = (epoch) => new Date(epoch).toISOString();

/**
 * Write a run directory under `dir`. Options: durationMs, intervalMs, probes ([{ name, kind, outages:
 * [[fromMs, toMs]] }]), load ({ ratePerSec }) or null, evidence (false: report.json only), faultAtMs,
 * notes ([{ t, kind, message }]), and extra report parts (measurements, objectives). Returns what a
 * test compares the page with: sample counts per probe, load buckets and requests.
 */
export async function writeHtmlFixture(dir, o = {}) {
  const durationMs = o.durationMs ?? 30_000;
  const intervalMs = o.intervalMs ?? 100;
  const probes = o.probes ?? [
    { name: 'api', kind: 'http', outages: [[12_000, 15_000]] },
    { name: 'fleet', kind: 'sandbox', outages: [[10_000, 16_000]] },
  ];
  const faultAtMs = o.faultAtMs ?? 10_000;
  const startedEpoch = Date.parse(o.startedAt ?? '2026-01-01T10:00:00.000Z');
  const runId = o.runId ?? 'fixture-run';
  const scenario = o.scenario ?? 'html-fixture';
  const runDir = join(dir, scenario, runId);
  mkdirSync(runDir, { recursive: true });
  const rnd = random(o.seed ?? 42);
  const perProbe = Math.floor(durationMs / intervalMs);
  const sampleT = (i) => i * intervalMs + (i % 3);
  const counts = {};
  const failures = {};
  const summaries = [];
  for (const p of probes) {
    const failing = (t) => p.outages.some(([a, b]) => t >= a && t < b);
    counts[p.name] = perProbe;
    failures[p.name] = 0;
    const transitions = [];
    let last;
    for (let i = 0; i < perProbe; i++) {
      const t = sampleT(i);
      const ok = !failing(t);
      if (!ok) failures[p.name] += 1;
      if (ok !== last) {
        transitions.push({ t, at: iso(startedEpoch + t), ok, ...(ok ? {} : { detail: '503 in 2ms' }) });
        last = ok;
      }
    }
    summaries.push({
      name: p.name,
      kind: p.kind,
      intervalMs,
      samples: perProbe,
      failures: failures[p.name],
      transitions,
    });
  }
  if (o.evidence !== false) {
    // Probes interleaved in time order, as a run writes them.
    const total = perProbe * probes.length;
    await writeLines(join(runDir, 'samples.ndjson'), total, (k) => {
      const i = Math.floor(k / probes.length);
      const p = probes[k % probes.length];
      const t = sampleT(i);
      const ok = !p.outages.some(([a, b]) => t >= a && t < b);
      const ms = Math.round((ok ? 2 + rnd() * 20 : 1 + rnd() * 2) * 10) / 10;
      return ok ? { p: p.name, t, ok, ms } : { p: p.name, t, ok, ms, d: '503 in 2ms' };
    });
  }
  let buckets = 0;
  let requests = 0;
  let errors = 0;
  const load = o.load === undefined ? { ratePerSec: 50 } : o.load;
  if (load && o.evidence !== false) {
    const per = (load.ratePerSec * 100) / 1000;
    buckets = Math.floor(durationMs / 100);
    const rows = [];
    for (let i = 0; i < buckets; i++) {
      const t = i * 100;
      const n = Math.max(0, Math.round(per + (rnd() - 0.5) * 2));
      const e = probes[0].outages.some(([a, b]) => t >= a && t < b) ? Math.round(n / 2) : 0;
      requests += n;
      errors += e;
      rows.push({
        t,
        n,
        errors: e,
        p50: 5 + Math.round(rnd() * 50) / 10,
        p95: 20 + Math.round(rnd() * 300) / 10,
        p99: 40 + Math.round(rnd() * 600) / 10,
      });
    }
    await writeLines(join(runDir, 'load.ndjson'), rows.length, (i) => rows[i]);
  }
  const recoveredMs = Math.max(...probes.flatMap((p) => p.outages.map(([, b]) => b)), faultAtMs);
  const report = {
    schemaVersion: 1,
    scenario,
    runId,
    startedAt: iso(startedEpoch),
    endedAt: iso(startedEpoch + durationMs),
    verdict: o.verdict ?? 'pass',
    measurements: {
      rto: {
        probe: probes[probes.length - 1].name,
        status: 'recovered',
        ms: recoveredMs - faultAtMs,
        errorBoundMs: intervalMs,
        stableForMs: 2000,
        detectMs: 5,
        faultAt: iso(startedEpoch + faultAtMs),
        impactAt: iso(startedEpoch + faultAtMs + 5),
        recoveredAt: iso(startedEpoch + recoveredMs),
        observedMs: durationMs - faultAtMs,
      },
      rpo: null,
      slos: [
        {
          probe: probes[0].name,
          window: 'before',
          samples: 100,
          good: 100,
          availability: 100,
          latency: { count: 100, min: 2, mean: 10, p50: 9, p90: 18, p95: 20, p99: 21, max: 22 },
        },
        {
          probe: probes[0].name,
          window: 'during',
          samples: 30,
          good: 10,
          availability: 33.333,
          latency: { count: 30, min: 1, mean: 8, p50: 7, p90: 16, p95: 19, p99: 21, max: 22 },
        },
        { probe: probes[0].name, window: 'after', samples: 100, good: 100, availability: 100, latency: null },
      ],
      ...(o.measurements ?? {}),
    },
    objectives: o.objectives ?? [
      {
        name: 'rto',
        target: '<= 30s',
        actual: `${(recoveredMs - faultAtMs) / 1000}s ± 100ms`,
        pass: true,
        targetValue: 30000,
        actualValue: recoveredMs - faultAtMs,
        unit: 'ms',
      },
    ],
    timeline: [
      { t: 0, at: iso(startedEpoch), kind: 'run-start', message: `run ${runId} of ${scenario}` },
      {
        t: faultAtMs - 10,
        at: iso(startedEpoch + faultAtMs - 10),
        kind: 'step-start',
        message: 'step 1 pod-kill #1 started',
      },
      {
        t: faultAtMs,
        at: iso(startedEpoch + faultAtMs),
        kind: 'fault-injected',
        message: 'fault injected: killed 2 replica(s)',
      },
      {
        t: faultAtMs + 20,
        at: iso(startedEpoch + faultAtMs + 20),
        kind: 'step-end',
        message: 'step 1 pod-kill #1 done: killed 2 replica(s)',
      },
      ...(o.notes ?? []).map((n) => ({ t: n.t, at: iso(startedEpoch + n.t), kind: n.kind, message: n.message })),
    ].sort((a, b) => a.t - b.t),
    probes: summaries,
    load: load
      ? {
          engine: 'builtin',
          targetRatePerSec: load.ratePerSec,
          achievedRatePerSec: load.ratePerSec,
          durationMs,
          requests,
          completed: requests,
          errors,
          errorRate: requests ? (errors / requests) * 100 : 0,
          statusCounts: { 200: requests - errors, 503: errors },
          latency: null,
          dropped: 0,
        }
      : null,
    rollback: { complete: true, undone: 1, failed: [] },
  };
  writeFileSync(join(runDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  return { runDir, report, counts, failures, buckets, requests };
}
