// The built-in open-model load generator: arrivals follow the configured rate on the clock, never the
// responses, and latency is measured from each arrival's intended start (free of coordinated omission).

import { Pool, type Dispatcher } from 'undici';
import { GamedayError } from '../errors.js';
import { errorCode } from '../probes/detail.js';
import type { LatencySummary, LoadReport } from '../report/types.js';
import type { ResolvedBuiltinLoad } from '../scenario/types.js';
import type { Clock } from '../util/clock.js';
import { Exchange } from './exchange.js';
import { summarizeLatency } from '../measure/latency.js';
import { sendAdherence } from './adherence.js';
import { FAILED, LoadOutcomes, OK, PENDING } from './outcomes.js';
import { ArrivalSchedule } from './stages.js';

export interface LoadProgress {
  /** Run-clock ms. */
  t: number;
  /** Requests started so far. */
  sent: number;
  /** Requests finished so far, dropped arrivals included. */
  completed: number;
  /** Failed requests so far (bad status, transport error, timeout, dropped). */
  errors: number;
  /** Requests started per second since the previous progress report. */
  ratePerSec: number;
  targetRatePerSec: number;
}

export interface RunLoadOptions {
  clock: Clock;
  /** Stops arrivals; in-flight requests get `abortGraceMs` to finish, then are aborted. */
  signal?: AbortSignal;
  onProgress?(progress: LoadProgress): void;
  /** Default 1000. */
  progressEveryMs?: number;
  /** Default 1000 (or the request timeout when shorter). */
  abortGraceMs?: number;
}

export interface LoadSeriesPoint {
  /** Run-clock ms at which this one-second bucket of intended start times begins. */
  t: number;
  sent: number;
  completed: number;
  errors: number;
}

/**
 * The load report plus what the caller needs for windows: per-second series and the per-request log.
 * In the report fields, `requests` counts every arrival (started + dropped), `completed` every finished
 * arrival (dropped ones included, as failures), and `latency` covers requests that got a response or timed out.
 */
export type LoadResult = LoadReport & {
  engine: 'builtin';
  /** Run-clock ms of the first arrival slot and of the end of arrivals. */
  startT: number;
  endT: number;
  series: LoadSeriesPoint[];
  /** Requests by actual send time, one entry per second of the window. */
  sentPerSecond: number[];
  outcomes: LoadOutcomes;
};

const TIMEOUT = new Error('timeout');
const ABORTED = new Error('aborted');
/** Longest the dispatcher sleeps, so timeouts are enforced and progress reported even at low rates. */
const MAX_SLEEP_MS = 10;

/** Generate open-model HTTP load as configured and report what happened. Never throws for a failing target. */
export async function runLoad(load: ResolvedBuiltinLoad, opts: RunLoadOptions): Promise<LoadResult> {
  const { clock } = opts;
  const url = parseUrl(load.url);
  const schedule = new ArrivalSchedule(load.stages);
  // Request timeouts are enforced by the sweep below (from the intended start, reported as "timeout"), so
  // undici's own headers/body timers are off: they would only re-arm a timer per request.
  const pool = new Pool(url.origin, {
    connections: load.connections,
    pipelining: 1,
    keepAliveTimeout: 10_000,
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  const path = `${url.pathname}${url.search}`;
  const expect = new Set(load.expectStatus);
  const outcomes = new LoadOutcomes();
  const statusCounts = new Map<string, number>();
  const inFlight = new Map<number, Exchange>();
  const progressEvery = Math.max(10, opts.progressEveryMs ?? 1000);
  const graceMs = Math.min(opts.abortGraceMs ?? 1000, load.timeoutMs);

  let sent = 0;
  let completed = 0;
  let errors = 0;
  let dropped = 0;
  let next = 0;

  const count = (key: string, n = 1): void => {
    statusCounts.set(key, (statusCounts.get(key) ?? 0) + n);
  };
  // Responses are counted by numeric status (no string per request) and merged into statusCounts at the end.
  const statusCodeCounts = new Map<number, number>();

  /**
   * Record a request's end once; later reports for it (e.g. the rejection after a timeout abort) are
   * ignored. Returns whether this report was the one recorded.
   */
  const finish = (i: number, ok: boolean, withLatency: boolean): boolean => {
    if (outcomes.state[i] !== PENDING) return false;
    outcomes.state[i] = ok ? OK : FAILED;
    if (withLatency) outcomes.latencyMs[i] = clock.now() - (outcomes.intendedT[i] as number);
    inFlight.delete(i);
    completed++;
    if (!ok) errors++;
    return true;
  };

  const onEnd = (i: number, status: number, error: unknown): void => {
    if (error === undefined) {
      if (finish(i, expect.has(status), true)) statusCodeCounts.set(status, (statusCodeCounts.get(status) ?? 0) + 1);
    } else if (finish(i, false, false)) count(errorCode(error));
  };
  const dispatchOptions: Dispatcher.DispatchOptions = {
    path,
    method: load.method as Dispatcher.HttpMethod,
    headers: load.headers,
    // Encoded once: undici would otherwise turn a string body into a new Buffer for every request.
    body: load.body === undefined ? null : Buffer.from(load.body),
  };

  const send = (i: number): void => {
    const exchange = new Exchange(i, onEnd);
    inFlight.set(i, exchange);
    sent++;
    try {
      pool.dispatch(dispatchOptions, exchange);
    } catch (error) {
      onEnd(i, 0, error);
    }
  };

  /** Time out requests older than the limit; the oldest are first in the map (insertion order). */
  const sweep = (now: number): void => {
    for (const [i, exchange] of inFlight) {
      if ((outcomes.intendedT[i] as number) + load.timeoutMs > now) break;
      finish(i, false, true);
      count('timeout');
      exchange.cancel(TIMEOUT);
    }
  };

  /** Count arrivals [from, to) as dropped, batched by their intended times. */
  const drop = (from: number, to: number, start: number): void => {
    let n = from;
    while (n < to) {
      const t = schedule.timeOf(n);
      const m = Math.max(n + 1, Math.min(to, schedule.dueBy(t + 10)));
      outcomes.addDropped(start + t, m - n);
      n = m;
    }
    const c = to - from;
    dropped += c;
    completed += c;
    errors += c;
    count('dropped', c);
  };

  const start = clock.now();
  let lastProgressT = start;
  let lastProgressSent = 0;
  const report = (now: number): void => {
    if (!opts.onProgress || now - lastProgressT < progressEvery) return;
    const ratePerSec = ((sent - lastProgressSent) / (now - lastProgressT)) * 1000;
    lastProgressT = now;
    lastProgressSent = sent;
    try {
      opts.onProgress({
        t: now,
        sent,
        completed,
        errors,
        ratePerSec: round(ratePerSec),
        targetRatePerSec: round(schedule.rateAt(now - start)),
      });
    } catch {
      // A progress listener must never break the load.
    }
  };

  // ---- arrivals ----
  let aborted = opts.signal?.aborted ?? false;
  let endT = start;
  await new Promise<void>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let immediate: NodeJS.Immediate | undefined;
    const onAbort = (): void => {
      aborted = true;
      if (timer) clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
      tick();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    function tick(): void {
      timer = undefined;
      immediate = undefined;
      const now = clock.now();
      const rel = now - start;
      sweep(now);
      if (aborted) {
        endT = Math.min(now, start + schedule.totalMs);
        opts.signal?.removeEventListener('abort', onAbort);
        resolve();
        return;
      }
      const due = schedule.dueBy(rel);
      if (next < due) {
        const room = Math.max(0, load.maxInFlight - inFlight.size);
        const last = Math.min(due, next + room);
        for (; next < last; next++) send(outcomes.add(start + schedule.timeOf(next), clock.now()));
        if (next < due) {
          // Open model: past the in-flight cap an arrival is dropped (an error), never queued.
          drop(next, due, start);
          next = due;
        }
      }
      report(now);
      if (rel >= schedule.totalMs && next >= schedule.total) {
        endT = start + schedule.totalMs;
        opts.signal?.removeEventListener('abort', onAbort);
        resolve();
        return;
      }
      const nextDue = start + (next < schedule.total ? schedule.timeOf(next) : schedule.totalMs);
      const wait = nextDue - clock.now();
      // Sleep on a timer to keep CPU low; spin through setImmediate only when the next arrival is (almost)
      // due and can start. At the in-flight cap, due arrivals are dropped in bulk at the next wake instead.
      if (wait <= 0.2 && inFlight.size < load.maxInFlight) immediate = setImmediate(tick);
      else timer = setTimeout(tick, Math.min(MAX_SLEEP_MS, Math.max(1, Math.floor(wait))));
    }
    tick();
  });

  // ---- drain: wait for in-flight requests (timeouts keep being enforced), bounded on abort ----
  const deadline = clock.now() + (aborted ? graceMs : load.timeoutMs + 1000);
  while (inFlight.size > 0 && clock.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    sweep(clock.now());
  }
  for (const [i, exchange] of inFlight) {
    finish(i, false, false);
    count('aborted');
    exchange.cancel(ABORTED);
  }
  await pool.destroy().catch(() => {});
  for (const [status, n] of statusCodeCounts) count(String(status), n);

  const durationMs = Math.max(0, endT - start);
  const requests = sent + dropped;
  const adherence = sendAdherence(outcomes, start, endT);
  return {
    engine: 'builtin',
    targetRatePerSec: round(schedule.meanRatePerSec),
    // Why from send times: dividing the planned count by the planned duration would hold however late they went out.
    achievedRatePerSec: adherence.achievedRatePerSec,
    sendLagMs: adherence.sendLagMs,
    late: adherence.late,
    durationMs: round(durationMs),
    requests,
    completed,
    errors,
    errorRate: completed > 0 ? round((errors / completed) * 100) : 0,
    statusCounts: Object.fromEntries([...statusCounts].sort(([a], [b]) => a.localeCompare(b))),
    latency: summarizeLatency(outcomes.latencyMs.subarray(0, outcomes.length)) satisfies LatencySummary | null,
    dropped,
    startT: start,
    endT,
    series: buildSeries(outcomes, start, durationMs),
    sentPerSecond: adherence.sentPerSecond,
    outcomes,
  };
}

/** Per-second buckets of intended start time (run-clock ms). */
function buildSeries(outcomes: LoadOutcomes, start: number, durationMs: number): LoadSeriesPoint[] {
  // durationMs is (start + totalMs) - start and may exceed a whole number of seconds by floating-point dust.
  const buckets = Math.max(1, Math.ceil((durationMs - 1e-6) / 1000));
  const series: LoadSeriesPoint[] = Array.from({ length: buckets }, (_, b) => ({
    t: start + b * 1000,
    sent: 0,
    completed: 0,
    errors: 0,
  }));
  // Intended times are stored as start + offset, so (t - start) can come back a hair under a whole second
  // (e.g. 999.9999999999 for an arrival due at exactly 1 s); the nanosecond slack keeps it in its own bucket.
  const at = (t: number): LoadSeriesPoint =>
    series[Math.min(buckets - 1, Math.max(0, Math.floor((t - start + 1e-6) / 1000)))] as LoadSeriesPoint;
  for (let i = 0; i < outcomes.length; i++) {
    const p = at(outcomes.intendedT[i] as number);
    p.sent++;
    const s = outcomes.state[i];
    if (s !== PENDING) p.completed++;
    if (s === FAILED) p.errors++;
  }
  for (let i = 0; i < outcomes.droppedLength; i++) {
    const p = at(outcomes.droppedT[i] as number);
    const c = outcomes.droppedCount[i] as number;
    p.completed += c;
    p.errors += c;
  }
  return series;
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new GamedayError('The load URL is not a valid URL.', {
      kind: 'invalid-input',
      code: 'LOAD_INVALID_URL',
      hint: 'Use an absolute http:// or https:// URL.',
      cause,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new GamedayError(`The load URL must be http or https (got ${url.protocol}).`, {
      kind: 'invalid-input',
      code: 'LOAD_INVALID_URL',
      hint: 'Use an absolute http:// or https:// URL.',
    });
  }
  return url;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
