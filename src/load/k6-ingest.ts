// Reading k6's JSON output (--out json=…, one sample per line) while k6 writes it: the request samples
// become the load's 100 ms buckets (the same windows and evidence as the built-in generator), every other
// metric its own buckets. Lines of per-request metrics the report does not use are skipped before any
// parsing; nothing per request is kept, so memory stays flat however long k6 runs.

import { open, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { BUCKET_MS, MetricBuckets } from './buckets.js';
import { LoadSeries, type LoadBucketLine } from './series.js';

export type K6MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

/** Per-request timings and counters k6 emits that the report does not use: skipped unparsed. */
const SKIPPED: ReadonlySet<string> = new Set([
  'http_reqs',
  'http_req_blocked',
  'http_req_connecting',
  'http_req_tls_handshaking',
  'http_req_sending',
  'http_req_waiting',
  'http_req_receiving',
  'data_sent',
  'data_received',
  'vus',
  'vus_max',
  'iteration_duration',
]);

/** Buckets stay open this long behind the newest sample: k6 flushes its output in batches. */
const LAG_MS = 2000;
const POINT_PREFIX = '{"metric":"';

export interface K6Metric {
  type: K6MetricType;
  /** "time" for timings (ms), "data", "default". */
  contains: string;
  thresholds: string[];
  buckets: MetricBuckets;
}

export interface K6IngestOptions {
  /** Run-clock ms of the run's start: buckets are aligned to it. */
  originT: number;
  /** Run-clock ms the load started (load.ndjson starts there). */
  loadStartT: number;
  /** Epoch ms → run-clock ms. */
  toRunT: (wallMs: number) => number;
  /** Receives each closed 100 ms load bucket (load.ndjson). */
  onBucket?: (line: LoadBucketLine) => void;
}

/** Incremental parser of k6 NDJSON: feed it text in any pieces. */
export class K6Ingest {
  readonly series: LoadSeries;
  readonly metrics = new Map<string, K6Metric>();
  readonly statusCounts = new Map<string, number>();
  lines = 0;
  requests = 0;
  errors = 0;
  /** Newest sample time seen (run-clock ms). */
  lastT = -Infinity;
  private rest = '';
  private timeKey = '';
  private timeBase = 0;

  constructor(private readonly opts: K6IngestOptions) {
    this.series = new LoadSeries(opts.originT, opts.loadStartT, opts.onBucket);
  }

  /** Parse every complete line in `text` (a trailing partial line waits for the next piece). */
  push(text: string): void {
    let data = this.rest + text;
    let start = 0;
    for (let nl = data.indexOf('\n'); nl !== -1; nl = data.indexOf('\n', start)) {
      if (nl > start) this.line(data.slice(start, nl));
      start = nl + 1;
    }
    data = data.slice(start);
    this.rest = data;
    if (this.lastT > -Infinity) this.closeBefore(this.lastT - LAG_MS);
  }

  /** The output is complete: parse what is left and close every bucket up to `endT`. */
  end(endT: number): void {
    if (this.rest.trim() !== '') this.line(this.rest);
    this.rest = '';
    this.closeBefore(Math.max(endT, this.lastT) + BUCKET_MS);
  }

  private closeBefore(t: number): void {
    this.series.closeBefore(t);
    const k = Math.floor((t - this.opts.originT) / BUCKET_MS);
    for (const m of this.metrics.values()) m.buckets.closeBefore(k);
  }

  private line(line: string): void {
    this.lines++;
    if (!line.startsWith(POINT_PREFIX)) {
      if (line.startsWith('{"type":"Metric"')) this.declare(line);
      return;
    }
    const nameEnd = line.indexOf('"', POINT_PREFIX.length);
    const name = line.slice(POINT_PREFIX.length, nameEnd);
    if (SKIPPED.has(name)) return;
    const ti = line.indexOf('"time":"', nameEnd) + 8;
    const te = line.indexOf('"', ti);
    const vi = line.indexOf('"value":', te) + 8;
    let ve = line.indexOf(',', vi);
    if (ve === -1) ve = line.indexOf('}', vi);
    const value = Number(line.slice(vi, ve));
    const t = this.opts.toRunT(this.wallMs(line, ti, te));
    if (!Number.isFinite(t) || !Number.isFinite(value)) return;
    if (t > this.lastT) this.lastT = t;
    if (name === 'http_req_duration') {
      this.series.latency.add(t, value);
      return;
    }
    if (name === 'http_req_failed') {
      this.series.outcomes.add(t, value);
      this.requests++;
      if (value !== 0) this.errors++;
      const key = statusOf(line, ve);
      this.statusCounts.set(key, (this.statusCounts.get(key) ?? 0) + 1);
      return;
    }
    this.metrics.get(name)?.buckets.add(t, value);
  }

  /** A metric declaration: its type, and the thresholds the script set on it. */
  private declare(line: string): void {
    try {
      const d = (
        JSON.parse(line) as { data?: { name?: string; type?: string; contains?: string; thresholds?: string[] } }
      ).data;
      if (!d?.name || SKIPPED.has(d.name) || this.metrics.has(d.name)) return;
      const type = (['counter', 'gauge', 'rate', 'trend'].includes(d.type ?? '') ? d.type : 'gauge') as K6MetricType;
      this.metrics.set(d.name, {
        type,
        contains: d.contains ?? 'default',
        thresholds: d.thresholds ?? [],
        buckets: new MetricBuckets(this.opts.originT, type === 'trend'),
      });
    } catch {
      // A torn declaration line; its points are skipped as unknown.
    }
  }

  /** Epoch ms of an RFC 3339 time with nanoseconds; the date-time part is parsed once per second. */
  private wallMs(line: string, from: number, to: number): number {
    const dot = line.indexOf('.', from + 19);
    const fracEnd = dot === -1 || dot > to ? -1 : zoneStart(line, dot + 1, to);
    const key = fracEnd === -1 ? line.slice(from, to) : line.slice(from, dot) + line.slice(fracEnd, to);
    if (key !== this.timeKey) {
      this.timeKey = key;
      this.timeBase = Date.parse(key);
    }
    return fracEnd === -1 ? this.timeBase : this.timeBase + Number(`0.${line.slice(dot + 1, fracEnd)}`) * 1000;
  }
}

/** Index of the first non-digit after a fraction (the zone: Z or ±hh:mm). */
function zoneStart(line: string, i: number, to: number): number {
  while (i < to) {
    const c = line.charCodeAt(i);
    if (c < 48 || c > 57) return i;
    i++;
  }
  return to;
}

/** The status tag of a request sample ("0" — a transport error — becomes "error <k6 error_code>"). */
function statusOf(line: string, from: number): string {
  const si = line.indexOf('"status":"', from);
  const status = si === -1 ? 'unknown' : line.slice(si + 10, line.indexOf('"', si + 10));
  if (status !== '0') return status;
  const ei = line.indexOf('"error_code":"', from);
  return ei === -1 ? 'error' : `error ${line.slice(ei + 14, line.indexOf('"', ei + 14))}`;
}

/** Reads a file that another process is still appending to, from where the last read stopped. */
export class GrowingFile {
  private handle: FileHandle | undefined;
  private position = 0;
  private readonly decoder = new StringDecoder('utf8');
  private readonly buffer: Buffer;

  constructor(
    readonly path: string,
    chunkBytes = 1 << 20,
  ) {
    this.buffer = Buffer.allocUnsafe(chunkBytes);
  }

  /** Everything appended since the last call ('' when nothing new, or the file does not exist yet). */
  async read(each: (text: string) => void): Promise<number> {
    if (!this.handle) {
      try {
        this.handle = await open(this.path, 'r');
      } catch {
        return 0;
      }
    }
    let total = 0;
    for (;;) {
      const { bytesRead } = await this.handle.read(this.buffer, 0, this.buffer.length, this.position);
      if (bytesRead === 0) return total;
      this.position += bytesRead;
      total += bytesRead;
      each(this.decoder.write(this.buffer.subarray(0, bytesRead)));
    }
  }

  get bytesRead(): number {
    return this.position;
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}

/** Parse a whole k6 NDJSON file (after the fact; the bench's ingest rate). */
export async function ingestFile(path: string, ingest: K6Ingest): Promise<number> {
  const file = new GrowingFile(path);
  try {
    const bytes = await file.read((text) => ingest.push(text));
    ingest.end(ingest.lastT);
    return bytes;
  } finally {
    await file.close();
  }
}
