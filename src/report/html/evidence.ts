// The evidence a run directory may hold beside report.json: every probe sample (samples.ndjson) and the
// load generator's 100 ms buckets (load.ndjson). Both are optional: older runs have neither.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EVIDENCE_FILES, type LoadBucketLine, type SampleLine } from '../evidence.js';

export { EVIDENCE_FILES, type LoadBucketLine, type SampleLine } from '../evidence.js';

/** Samples per probe in time order, as columns. */
export interface ProbeSamples {
  t: number[];
  ms: number[];
  ok: boolean[];
  /** Detail of failing samples, by index. */
  details: Map<number, string>;
}

export interface RunEvidence {
  samples: Map<string, ProbeSamples> | null;
  load: LoadBucketLine[] | null;
  /** Lines that were not valid JSON of the documented shape (skipped, counted). */
  skipped: number;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Call `each` for every non-empty line of `path`, reading in chunks (readline's per-line promises are slow). */
async function forEachLine(path: string, each: (line: string) => void): Promise<void> {
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const line = text.slice(start, nl).trim();
      if (line !== '') each(line);
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (rest.trim() !== '') each(rest.trim());
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() === true;
}

function parse(line: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(line);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Read samples.ndjson and load.ndjson from `runDir` when present (streamed, line by line). */
export async function readEvidence(runDir: string): Promise<RunEvidence> {
  const evidence: RunEvidence = { samples: null, load: null, skipped: 0 };
  const samplesPath = join(runDir, EVIDENCE_FILES.samples);
  if (await exists(samplesPath)) {
    const byProbe = new Map<string, ProbeSamples>();
    await forEachLine(samplesPath, (line) => {
      const v = parse(line);
      if (!v || typeof v['p'] !== 'string' || !isNum(v['t']) || typeof v['ok'] !== 'boolean') {
        evidence.skipped += 1;
        return;
      }
      addSample(byProbe, {
        p: v['p'],
        t: v['t'],
        ok: v['ok'],
        ms: isNum(v['ms']) ? v['ms'] : 0,
        ...(typeof v['d'] === 'string' ? { d: v['d'] } : {}),
      });
    });
    for (const s of byProbe.values()) sortSamples(s);
    evidence.samples = byProbe;
  }
  const loadPath = join(runDir, EVIDENCE_FILES.load);
  if (await exists(loadPath)) {
    const buckets: LoadBucketLine[] = [];
    await forEachLine(loadPath, (line) => {
      const v = parse(line);
      if (!v || !isNum(v['t']) || !isNum(v['n']) || !isNum(v['errors'])) {
        evidence.skipped += 1;
        return;
      }
      const b: LoadBucketLine = { t: v['t'], n: v['n'], errors: v['errors'] };
      for (const k of ['p50', 'p95', 'p99', 'max'] as const) if (isNum(v[k])) b[k] = v[k];
      buckets.push(b);
    });
    buckets.sort((a, b) => a.t - b.t);
    evidence.load = buckets;
  }
  return evidence;
}

/** Append one sample to its probe's columns. */
export function addSample(byProbe: Map<string, ProbeSamples>, s: SampleLine): void {
  let cols = byProbe.get(s.p);
  if (!cols) {
    cols = { t: [], ms: [], ok: [], details: new Map() };
    byProbe.set(s.p, cols);
  }
  if (!s.ok && s.d !== undefined) cols.details.set(cols.t.length, s.d);
  cols.t.push(s.t);
  cols.ms.push(s.ms);
  cols.ok.push(s.ok);
}

/** Put a probe's columns in time order (they usually already are; concurrent writers may interleave). */
function sortSamples(s: ProbeSamples): void {
  let sorted = true;
  for (let i = 1; i < s.t.length; i++) if ((s.t[i] as number) < (s.t[i - 1] as number)) sorted = false;
  if (sorted) return;
  const order = s.t.map((_, i) => i).sort((a, b) => (s.t[a] as number) - (s.t[b] as number));
  const details = new Map<number, string>();
  order.forEach((from, to) => {
    const d = s.details.get(from);
    if (d !== undefined) details.set(to, d);
  });
  s.t = order.map((i) => s.t[i] as number);
  s.ms = order.map((i) => s.ms[i] as number);
  s.ok = order.map((i) => s.ok[i] as boolean);
  s.details = details;
}
