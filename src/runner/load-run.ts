// Starting the run's load with whichever engine the scenario names, its progress on the run's events and
// its 100 ms buckets into load.ndjson.

import type { GamedayError } from '../errors.js';
import type { K6Found } from '../load/k6-binary.js';
import { runK6 } from '../load/k6-run.js';
import { runLoad } from '../load/run.js';
import { writeBuiltinBuckets, type LoadRunResult } from '../load/windows.js';
import type { EvidenceFiles } from '../report/evidence.js';
import type { ResolvedLoad } from '../scenario/types.js';
import type { Clock } from '../util/clock.js';
import type { RunRecorder } from './recorder.js';

export interface LoadRunContext {
  clock: Clock;
  rec: RunRecorder;
  signal: AbortSignal;
  runDir: string;
  /** Run-clock ms of the run's start. */
  originT: number;
  evidence: EvidenceFiles;
  /** The k6 the preflight found (k6 loads only). */
  k6?: K6Found;
  /** Runtime variables for k6's -e values. */
  vars: Record<string, string>;
  /** k6 failed on its own: the run should stop. */
  onFailure(error: GamedayError): void;
}

/** Start the load; the promise settles when it has finished (never rejects for a failing target). */
export function startLoad(load: ResolvedLoad, ctx: LoadRunContext): Promise<LoadRunResult> {
  const onProgress = (p: Parameters<NonNullable<Parameters<typeof runLoad>[1]['onProgress']>>[0]): void =>
    ctx.rec.event({ kind: 'load-progress', ...p });
  if (load.engine === 'k6') {
    if (!ctx.k6) throw new Error('k6 load started without its preflight');
    ctx.rec.note('load', `k6 ${ctx.k6.version} running ${load.script}`);
    return runK6(load, {
      k6: ctx.k6,
      vars: ctx.vars,
      runDir: ctx.runDir,
      clock: ctx.clock,
      originT: ctx.originT,
      signal: ctx.signal,
      onProgress,
      onBucket: (line) => ctx.evidence.load.write(line),
      onFailure: ctx.onFailure,
    });
  }
  return runLoad(load, { clock: ctx.clock, signal: ctx.signal, progressEveryMs: 1000, onProgress }).then((r) => {
    writeBuiltinBuckets(r, ctx.originT, (line) => ctx.evidence.load.write(line));
    return r;
  });
}
