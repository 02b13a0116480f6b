// What the page's charts draw, computed once on the server side: run-relative milliseconds, delta-encoded
// sample times, health segments per probe and the timeline's marks (t0, detection, recovery, faults, notes).

import type { Report, TimelineEntry } from '../types.js';
import type { LoadBucketLine, ProbeSamples, RunEvidence } from './evidence.js';

/** A stretch of one probe's lane: [startMs, endMs, 1 healthy | 0 failing, detail index or -1]. */
export type Segment = [number, number, 0 | 1, number];

export interface ProbeData {
  name: string;
  kind: string;
  intervalMs: number;
  /** Samples the lane and the latency series are drawn from. */
  samples: number;
  failures: number;
  /** "samples": every sample from samples.ndjson; "report": only report.json's transitions. */
  source: 'samples' | 'report';
  segments: Segment[];
  /** Sample times: the first in ms since startedAt, then differences (integers). Only with source "samples". */
  t?: number[];
  /** Latency per sample, ms with one decimal. */
  ms?: number[];
  /** Run lengths of healthy/failing samples, starting with a healthy run (which may be 0). */
  okRuns?: number[];
}

export interface LoadData {
  bucketMs: number;
  buckets: number;
  /** Bucket start times, delta-encoded like ProbeData.t. */
  t: number[];
  n: number[];
  errors: number[];
  p50?: (number | null)[];
  p95?: (number | null)[];
  p99?: (number | null)[];
}

export interface Mark {
  t: number;
  label: string;
}

export interface Marks {
  t0: number | null;
  detect: number | null;
  recovered: number | null;
  /** Where true recovery lies: between the last failing and the first stable healthy sample. */
  band: [number, number] | null;
  faults: Mark[];
  notes: Array<Mark & { kind: string }>;
  steps: Array<{ name: string; start: number; end: number; status: string }>;
}

export interface PagePayload {
  scenario: string;
  runId: string;
  verdict: string;
  startedAt: string;
  durationMs: number;
  probes: ProbeData[];
  load: LoadData | null;
  marks: Marks;
  details: string[];
}

const MAX_DETAILS = 500;
const MAX_DETAIL_CHARS = 160;

/** ms between `at` and the run's start; null when either does not parse. */
export function relativeMs(report: Pick<Report, 'startedAt'>, at: string | null | undefined): number | null {
  if (at === null || at === undefined) return null;
  const v = Date.parse(at) - Date.parse(report.startedAt);
  return Number.isFinite(v) ? v : null;
}

function deltaEncode(values: readonly number[]): number[] {
  const out = new Array<number>(values.length);
  let prev = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Math.round(values[i] as number);
    out[i] = v - prev;
    prev = v;
  }
  return out;
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

class Details {
  readonly list: string[] = [];
  add(detail: string | undefined): number {
    if (detail === undefined || this.list.length >= MAX_DETAILS) return -1;
    this.list.push(detail.length > MAX_DETAIL_CHARS ? `${detail.slice(0, MAX_DETAIL_CHARS - 1)}…` : detail);
    return this.list.length - 1;
  }
}

function segmentsFromSamples(s: ProbeSamples, intervalMs: number, details: Details): Segment[] {
  const segments: Segment[] = [];
  const n = s.t.length;
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i < n && s.ok[i] === s.ok[start]) continue;
    const ok = s.ok[start] === true;
    const end = i < n ? (s.t[i] as number) : (s.t[n - 1] as number) + intervalMs;
    let detail: string | undefined;
    if (!ok) for (let j = start; j < i && detail === undefined; j++) detail = s.details.get(j);
    segments.push([Math.round(s.t[start] as number), Math.round(end), ok ? 1 : 0, ok ? -1 : details.add(detail)]);
    start = i;
  }
  return segments;
}

function okRuns(ok: readonly boolean[]): number[] {
  const runs: number[] = [];
  let state = true;
  let count = 0;
  for (const v of ok) {
    if (v === state) count += 1;
    else {
      runs.push(count);
      state = v;
      count = 1;
    }
  }
  runs.push(count);
  return runs;
}

function probeData(report: Report, evidence: RunEvidence, details: Details, endMs: number): ProbeData[] {
  const names = [...new Set([...report.probes.map((p) => p.name), ...(evidence.samples?.keys() ?? [])])];
  return names.map((name) => {
    const summary = report.probes.find((p) => p.name === name);
    const intervalMs = summary?.intervalMs ?? 0;
    const base = { name, kind: summary?.kind ?? '', intervalMs };
    const own = evidence.samples?.get(name);
    if (own && own.t.length > 0) {
      return {
        ...base,
        samples: own.t.length,
        failures: own.ok.filter((v) => !v).length,
        source: 'samples' as const,
        segments: segmentsFromSamples(own, intervalMs, details),
        t: deltaEncode(own.t),
        ms: own.ms.map(round1),
        okRuns: okRuns(own.ok),
      };
    }
    // Older runs: the lane from the transitions report.json keeps (their `at` is wall time).
    const tr = summary?.transitions ?? [];
    const segments: Segment[] = tr.map((x, i) => {
      const start = relativeMs(report, x.at) ?? x.t;
      const next = tr[i + 1];
      const end = next ? (relativeMs(report, next.at) ?? next.t) : endMs;
      return [Math.round(start), Math.round(end), x.ok ? 1 : 0, x.ok ? -1 : details.add(x.detail)];
    });
    return { ...base, samples: summary?.samples ?? 0, failures: summary?.failures ?? 0, source: 'report', segments };
  });
}

function loadData(buckets: readonly LoadBucketLine[] | null): LoadData | null {
  if (!buckets || buckets.length === 0) return null;
  const gaps = buckets.slice(1, 50).map((b, i) => b.t - (buckets[i] as LoadBucketLine).t);
  const bucketMs = gaps.length > 0 ? (gaps.sort((a, b) => a - b)[Math.floor(gaps.length / 2)] as number) : 100;
  const data: LoadData = {
    bucketMs: bucketMs > 0 ? bucketMs : 100,
    buckets: buckets.length,
    t: deltaEncode(buckets.map((b) => b.t)),
    n: buckets.map((b) => b.n),
    errors: buckets.map((b) => b.errors),
  };
  for (const k of ['p50', 'p95', 'p99'] as const) {
    if (buckets.some((b) => b[k] !== undefined))
      data[k] = buckets.map((b) => (b[k] === undefined ? null : round1(b[k])));
  }
  return data;
}

/** Notes and checkpoints people added to the timeline. */
export function isPeopleEntry(e: TimelineEntry): boolean {
  return /^(note|checkpoint)/.test(e.kind);
}

function marks(report: Report): Marks {
  const rto = report.measurements.rto;
  const tl = report.timeline;
  const faults = tl.filter((e) => e.kind === 'fault-injected').map((e) => ({ t: e.t, label: e.message }));
  const t0 = relativeMs(report, rto?.faultAt) ?? faults[0]?.t ?? null;
  const recovered = rto?.status === 'recovered' ? relativeMs(report, rto.recoveredAt) : null;
  let band: [number, number] | null = null;
  if (recovered !== null && rto) {
    // Both instants when the report keeps them (older reports do not): else the estimate ± its bound.
    const lo = relativeMs(report, rto.lastFailingAt);
    const hi = relativeMs(report, rto.firstHealthyAt);
    band = lo !== null && hi !== null ? [lo, hi] : [recovered - rto.errorBoundMs, recovered + rto.errorBoundMs];
  }
  const steps: Marks['steps'] = [];
  const open = new Map<string, number>();
  for (const e of tl) {
    const m = /^step (\d+) (.*?) (started|done|FAILED)/.exec(e.message);
    if (!m) continue;
    const key = `${m[1]} ${m[2]}`;
    if (e.kind === 'step-start') open.set(key, e.t);
    else if (e.kind === 'step-end') {
      steps.push({ name: key, start: open.get(key) ?? e.t, end: e.t, status: m[3] === 'done' ? 'ok' : 'failed' });
      open.delete(key);
    }
  }
  const endMs = relativeMs(report, report.endedAt) ?? 0;
  for (const [name, start] of open) steps.push({ name, start, end: endMs, status: 'not finished' });
  return {
    t0,
    detect: relativeMs(report, rto?.impactAt),
    recovered,
    band,
    faults,
    notes: tl.filter(isPeopleEntry).map((e) => ({ t: e.t, kind: e.kind, label: e.message })),
    steps,
  };
}

/** Everything the page's scripts draw, from report.json and the optional evidence files. */
export function pagePayload(report: Report, evidence: RunEvidence): PagePayload {
  const details = new Details();
  const durationMs = Math.max(0, relativeMs(report, report.endedAt) ?? 0);
  return {
    scenario: report.scenario,
    runId: report.runId,
    verdict: report.verdict,
    startedAt: report.startedAt,
    durationMs,
    probes: probeData(report, evidence, details, durationMs),
    load: loadData(evidence.load),
    marks: marks(report),
    details: details.list,
  };
}
