// k6 as the load engine: run the script as a separate process, read its samples while it runs, and turn
// its exit into the run's outcome — thresholds crossed (exit 99) fail objectives; script errors (104,
// 107) are invalid input; other exits are runtime errors. gameday stops k6 itself on abort.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../../infra-fixtures/shared/net.mjs';
import { GamedayError } from '../errors.js';
import type { K6Report, K6Threshold, LoadReport } from '../report/types.js';
import type { ResolvedK6Load } from '../scenario/types.js';
import type { Clock } from '../util/clock.js';
import { k6RunArgs } from './k6-args.js';
import type { K6Found } from './k6-binary.js';
import { GrowingFile, K6Ingest } from './k6-ingest.js';
import { K6_SCRIPT_EXIT_CODES, k6ErrorLine } from './k6-inspect.js';
import { K6Process } from './k6-process.js';
import type { LoadProgress } from './run.js';
import type { LoadBucketLine } from './series.js';

export const K6_FILES = { ndjson: 'k6.ndjson', summary: 'k6-summary.json', log: 'k6.log' } as const;

const POLL_MS = 100;

export interface RunK6Options {
  k6: K6Found;
  /** Runtime variables (SANDBOX_API_URL, …) passed as -e values. */
  vars: Record<string, string>;
  runDir: string;
  clock: Clock;
  /** Run-clock ms of the run's start (buckets align to it). */
  originT: number;
  /** Stops k6 (REST API, then signals). */
  signal?: AbortSignal;
  onProgress?(p: LoadProgress): void;
  onBucket?(line: LoadBucketLine): void;
  /** Called at once when k6 fails on its own (not stopped by gameday), so the run can abort. */
  onFailure?(error: GamedayError): void;
  env?: NodeJS.ProcessEnv;
}

/** A finished k6 run: its report part, and the ingested samples for windows. */
export interface K6Result {
  engine: 'k6';
  startT: number;
  endT: number;
  report: LoadReport & { k6: K6Report };
  ingest: K6Ingest;
  /** Set when k6 ended in a way that makes the run invalid (script error) or errored. */
  error?: GamedayError;
}

/** Run k6 to its end (or until the signal), ingesting its output as it goes. Never throws for k6's own failures. */
export async function runK6(load: ResolvedK6Load, opts: RunK6Options): Promise<K6Result> {
  const { clock } = opts;
  const ndjson = join(opts.runDir, K6_FILES.ndjson);
  const summary = join(opts.runDir, K6_FILES.summary);
  const address = `127.0.0.1:${await freePort()}`;
  const startT = clock.now();
  const offset = clock.wall(startT) - startT;
  const ingest = new K6Ingest({
    originT: opts.originT,
    loadStartT: startT,
    toRunT: (wall) => wall - offset,
    ...(opts.onBucket ? { onBucket: opts.onBucket } : {}),
  });
  const proc = new K6Process({
    binary: opts.k6.binary,
    args: k6RunArgs(load, opts.vars, { address, ndjson, summary }),
    dir: opts.runDir,
    address,
    ...(opts.env ? { env: opts.env } : {}),
  });
  const onAbort = (): void => void proc.stop();
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });

  const file = new GrowingFile(ndjson);
  let exited = false;
  void proc.exited.then(() => (exited = true));
  let last = { t: startT, requests: 0 };
  const progress = (): void => {
    const now = clock.now();
    if (!opts.onProgress || now - last.t < 1000) return;
    const ratePerSec = ((ingest.requests - last.requests) / (now - last.t)) * 1000;
    last = { t: now, requests: ingest.requests };
    try {
      opts.onProgress({
        t: now,
        sent: ingest.requests,
        completed: ingest.requests,
        errors: ingest.errors,
        ratePerSec: Math.round(ratePerSec * 10) / 10,
        targetRatePerSec: 0,
      });
    } catch {
      // A progress listener must never break the load.
    }
  };
  // Read while k6 writes; after it exits, once more to the end.
  while (!exited) {
    await file.read((text) => ingest.push(text));
    progress();
    if (!exited) await Promise.race([proc.exited, new Promise((r) => setTimeout(r, POLL_MS))]);
  }
  const exit = await proc.exited;
  await file.read((text) => ingest.push(text));
  await file.close();
  opts.signal?.removeEventListener('abort', onAbort);
  const endT = clock.now();
  ingest.end(endT);

  const thresholds = await readThresholds(summary, ingest);
  const status: K6Report['status'] = proc.stopRequested
    ? 'stopped'
    : exit.code === 0
      ? 'completed'
      : exit.code === 99
        ? 'thresholds-failed'
        : 'failed';
  const error = status === 'failed' ? k6Failure(exit, proc.stderrTail, load.script) : undefined;
  if (error) opts.onFailure?.(error);
  const report = k6LoadReport(ingest, {
    startT,
    endT,
    k6: {
      version: opts.k6.version,
      script: load.script,
      exitCode: exit.code,
      status,
      thresholds,
      metrics: [],
      linesRead: ingest.lines,
    },
  });
  return { engine: 'k6', startT, endT, report, ingest, ...(error ? { error } : {}) };
}

/** The load report of a k6 run (totals over the whole run). */
function k6LoadReport(
  ingest: K6Ingest,
  run: { startT: number; endT: number; k6: K6Report },
): LoadReport & { k6: K6Report } {
  const all = ingest.series.window(-Infinity, Infinity, true);
  const durationMs = Math.max(0, run.endT - run.startT);
  const dropped = ingest.metrics.get('dropped_iterations')?.buckets.merge(-1e12, 1e12).stats.sum ?? 0;
  return {
    engine: 'k6',
    targetRatePerSec: null,
    achievedRatePerSec: durationMs > 0 ? Math.round((all.requests / durationMs) * 1e6) / 1000 : 0,
    durationMs: Math.round(durationMs * 1000) / 1000,
    requests: all.requests,
    completed: all.requests,
    errors: all.errors,
    errorRate: all.requests > 0 ? Math.round((all.errors / all.requests) * 100_000) / 1000 : 0,
    statusCounts: Object.fromEntries([...ingest.statusCounts].sort(([a], [b]) => a.localeCompare(b))),
    latency: all.latency,
    dropped,
    k6: run.k6,
  };
}

/** k6's verdict per threshold from its summary export (where k6 writes `true` for a crossed threshold). */
async function readThresholds(summaryPath: string, ingest: K6Ingest): Promise<K6Threshold[]> {
  let metrics: Record<string, Record<string, unknown>> = {};
  try {
    metrics = (JSON.parse(await readFile(summaryPath, 'utf8')) as { metrics?: typeof metrics }).metrics ?? {};
  } catch {
    // No summary (k6 was killed): thresholds are listed from the declarations, without a verdict.
  }
  const out: K6Threshold[] = [];
  const seen = new Set<string>();
  for (const [metric, m] of Object.entries(metrics)) {
    for (const [expression, crossed] of Object.entries((m.thresholds ?? {}) as Record<string, boolean>)) {
      seen.add(`${metric}\u0000${expression}`);
      out.push({ metric, expression, ok: crossed === false, value: thresholdValue(m, expression) });
    }
  }
  for (const [metric, m] of ingest.metrics) {
    for (const expression of m.thresholds) {
      if (!seen.has(`${metric}\u0000${expression}`)) out.push({ metric, expression, ok: false, value: null });
    }
  }
  return out.sort((a, b) => a.metric.localeCompare(b.metric) || a.expression.localeCompare(b.expression));
}

/** The summary value a threshold expression is judged on: p(95) → m["p(95)"], rate → m.value, …. */
export function thresholdValue(m: Record<string, unknown>, expression: string): number | null {
  const agg = /^\s*([a-z]+(?:\(\d+(?:\.\d+)?\))?)/.exec(expression)?.[1];
  const key = agg === 'rate' ? 'value' : agg;
  const v = key === undefined ? undefined : m[key];
  return typeof v === 'number' ? v : null;
}

function k6Failure(exit: { code: number | null; signal: NodeJS.Signals | null }, tail: string[], script: string) {
  const detail = k6ErrorLine(tail.join('\n')) || 'no error output';
  const how = exit.code === null ? `was killed (${exit.signal ?? 'no exit code'})` : `exited ${exit.code}`;
  if (exit.code !== null && K6_SCRIPT_EXIT_CODES.has(exit.code)) {
    return new GamedayError(`k6 ${how}: the script ${script} failed: ${detail}`, {
      kind: 'invalid-input',
      code: 'K6_SCRIPT_ERROR',
      hint: `Fix the script; \`k6 inspect ${script}\` runs its init code the same way.`,
    });
  }
  return new GamedayError(`k6 ${how} during the run: ${detail}`, {
    kind: 'runtime',
    code: 'K6_FAILED',
    hint: "See k6.log in the run directory for k6's own output.",
  });
}
