// Starting the run's load with whichever engine the scenario names, its progress on the run's events and
// its 100 ms buckets into load.ndjson.

import type { GamedayError } from '../errors.js';
import { accessArgs } from '../faults/kubernetes/undo.js';
import type { KubernetesRuntime } from '../faults/kubernetes/types.js';
import type { K6Found } from '../load/k6-binary.js';
import { runK6Operator, type K6OperatorResult } from '../load/k6-operator-run.js';
import { runK6 } from '../load/k6-run.js';
import { runLoad } from '../load/run.js';
import { writeBuiltinBuckets, type LoadRunResult } from '../load/windows.js';
import type { EvidenceFiles } from '../report/evidence.js';
import type { ResolvedK6Load, ResolvedK6Operator, ResolvedLoad } from '../scenario/types.js';
import type { Clock } from '../util/clock.js';
import type { Journal } from './journal.js';
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

/** Start `load.k6.operator`: a TestRun in the kubernetes target's cluster, journaled; settles when it has ended and is deleted. */
export function startK6OperatorLoad(
  load: ResolvedK6Load & { operator: ResolvedK6Operator },
  ctx: Pick<LoadRunContext, 'clock' | 'rec' | 'signal' | 'onFailure'> & {
    kubernetes: KubernetesRuntime;
    journal: Journal;
    runId: string;
    /** Time to delete the TestRun and see it gone (the scenario's rollback timeout). */
    deleteTimeoutMs: number;
  },
): Promise<K6OperatorResult> {
  const { journal } = ctx;
  const server = ctx.kubernetes.cluster.client.server;
  ctx.rec.note('load', `k6-operator running ${load.script} in namespace ${load.operator.namespace}`);
  return runK6Operator(load, {
    client: ctx.kubernetes.cluster.client,
    runId: ctx.runId,
    clock: ctx.clock,
    signal: ctx.signal,
    deleteTimeoutMs: ctx.deleteTimeoutMs,
    log: (m, level) => ctx.rec.note('load', m, level),
    onFailure: ctx.onFailure,
    journal: {
      // Why the undo names both objects: a run killed between the two creates leaves the ConfigMap only.
      intent: (ref) =>
        journal.intent('load', `create k6-operator TestRun ${ref.namespace}/${ref.testRun}`, `kubernetes ${server}`, {
          driver: 'kubernetes',
          op: 'delete-k6-testrun',
          args: { ...accessArgs(ctx.kubernetes.access), ...ref },
        }),
      applied: (id, detail) => journal.applied(id, detail),
      failed: (id, error) => journal.failed(id, error),
      undone: (id, detail) => journal.undone(id, detail),
    },
  });
}
