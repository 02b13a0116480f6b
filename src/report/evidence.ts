// Evidence files in the run directory (docs/run-files.md): every probe sample (samples.ndjson) and the
// load run in 100 ms buckets (load.ndjson), written as the run goes so that a report can be re-rendered
// and charted later. Lines are buffered a little and written synchronously: memory stays bounded at any
// sample rate, and a killed run leaves everything up to its last second on disk.

import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ProbeSample } from '../probes/types.js';
import { redactText } from '../util/redact.js';

export const EVIDENCE_FILES = { samples: 'samples.ndjson', load: 'load.ndjson' } as const;

/** One line of samples.ndjson: probe, ms since startedAt, healthy, latency ms, detail on failures. */
export interface SampleLine {
  p: string;
  t: number;
  ok: boolean;
  ms: number;
  d?: string;
}

/** One line of load.ndjson: a 100 ms bucket starting `t` ms after startedAt; percentiles only when n > 0. */
export interface LoadBucketLine {
  t: number;
  n: number;
  errors: number;
  p50?: number;
  p95?: number;
  p99?: number;
  max?: number;
}

/** Flush when this much is buffered, and at least every FLUSH_EVERY_MS. */
const FLUSH_BYTES = 64 * 1024;
const FLUSH_EVERY_MS = 1000;

/** An append-only NDJSON file with a small write buffer. */
export class NdjsonFile {
  private fd: number | undefined;
  private buffer = '';
  private readonly timer: NodeJS.Timeout;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a');
    this.timer = setInterval(() => this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  /** Append one JSON value as a line. */
  write(value: unknown): void {
    if (this.fd === undefined) return;
    this.buffer += `${JSON.stringify(value)}\n`;
    if (this.buffer.length >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    if (this.fd === undefined || this.buffer === '') return;
    const text = this.buffer;
    this.buffer = '';
    writeSync(this.fd, text);
  }

  close(): void {
    clearInterval(this.timer);
    if (this.fd === undefined) return;
    this.flush();
    closeSync(this.fd);
    this.fd = undefined;
  }
}

const round = (v: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

/** The samples.ndjson line of a probe sample; `originT` is the run-clock time of the run's startedAt. */
export function sampleLine(s: ProbeSample, originT: number): SampleLine {
  const line: SampleLine = {
    p: s.probe,
    t: round(s.t - originT, 1),
    ok: s.ok,
    ms: round(s.latencyMs, 2),
  };
  // Why only failing samples carry a detail: it explains the failure, and a healthy detail repeated
  // at 10 Hz would triple the file. Redacted like everything else that leaves the run.
  if (!s.ok && s.detail !== undefined) line.d = redactText(s.detail);
  return line;
}

/** The run's evidence files, opened at the start of observation. */
export class EvidenceFiles {
  readonly samples: NdjsonFile;
  private loadFile: NdjsonFile | undefined;

  constructor(
    readonly runDir: string,
    readonly originT: number,
  ) {
    this.samples = new NdjsonFile(join(runDir, EVIDENCE_FILES.samples));
  }

  sample(s: ProbeSample): void {
    this.samples.write(sampleLine(s, this.originT));
  }

  /** load.ndjson, created on first use (runs without load have none). */
  get load(): NdjsonFile {
    this.loadFile ??= new NdjsonFile(join(this.runDir, EVIDENCE_FILES.load));
    return this.loadFile;
  }

  close(): void {
    this.samples.close();
    this.loadFile?.close();
  }
}
