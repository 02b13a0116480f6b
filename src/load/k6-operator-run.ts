// k6 beyond one machine: the k6-operator runs the script in the cluster. gameday journals the undo (delete
// the TestRun and its script ConfigMap) before creating them, follows the TestRun's stage until it is
// finished or in error, and deletes both when the load ends — also when the run is aborted or the TestRun
// does not finish within its deadline — journaling that as the undo done. What it reports is what the
// operator exposes: stages and conditions, no per-request results.

import { readFile } from 'node:fs/promises';
import type { KubeClient } from '../drivers/kubernetes/client.js';
import {
  createK6TestRun,
  deleteK6TestRun,
  readK6TestRun,
  type K6TestRunState,
} from '../drivers/kubernetes/k6-testrun.js';
import { GamedayError, describeError, isGamedayError } from '../errors.js';
import type { K6OperatorMeasurement } from '../report/types.js';
import type { ResolvedK6Load, ResolvedK6Operator } from '../scenario/types.js';
import { sleep, type Clock } from '../util/clock.js';
import { formatDuration } from '../util/duration.js';
import { k6OperatorObjects, type K6OperatorObjects } from './k6-operator-manifest.js';

/** How the load writes to the run's journal: the intent carries the undo (delete both), written before creating. */
export interface K6OperatorJournal {
  intent(ref: K6OperatorObjects['ref']): Promise<string>;
  applied(id: string, detail: string): void;
  failed(id: string, error: string): void;
  undone(id: string, detail: string): void;
}

export interface RunK6OperatorOptions {
  client: KubeClient;
  runId: string;
  journal: K6OperatorJournal;
  clock: Clock;
  /** Aborting stops the load: gameday deletes the TestRun. */
  signal?: AbortSignal;
  /** Time to delete both objects and see them gone (the rollback timeout). */
  deleteTimeoutMs: number;
  /** How often the TestRun is read (default 500 ms). */
  pollMs?: number;
  log(message: string, level?: 'info' | 'warn'): void;
  /** Called at once when the TestRun ends in error or misses its deadline, so the run can abort. */
  onFailure?(error: GamedayError): void;
}

export interface K6OperatorResult {
  engine: 'k6-operator';
  startT: number;
  endT: number;
  report: K6OperatorMeasurement;
  error?: GamedayError;
}

/** Create the TestRun, follow it to its end (or the signal, or the deadline), delete it. Throws only when it could not be created. */
export async function runK6Operator(
  load: ResolvedK6Load & { operator: ResolvedK6Operator },
  opts: RunK6OperatorOptions,
): Promise<K6OperatorResult> {
  const { client, clock, journal } = opts;
  const script = await readScript(load.script).catch((e: GamedayError) => {
    opts.onFailure?.(e);
    throw e;
  });
  const objects = k6OperatorObjects(load, opts.runId, script);
  const { ref } = objects;
  const where = `${ref.namespace}/${ref.testRun}`;
  const id = await journal.intent(ref);
  try {
    await createK6TestRun(client, ref, objects);
  } catch (error) {
    // Why no delete here: the ConfigMap may exist; the rollback deletes whatever of the two is there.
    journal.failed(id, describeError(error));
    const e = isGamedayError(error)
      ? error
      : new GamedayError(`cannot create TestRun ${where}: ${describeError(error)}`, {
          kind: 'runtime',
          code: 'K6_OPERATOR_CREATE',
          cause: error,
        });
    // Why at once: faults must not start while the load they are measured under never began.
    opts.onFailure?.(e);
    throw e;
  }
  journal.applied(id, `TestRun ${where} (parallelism ${load.operator.parallelism}) and ConfigMap ${ref.configMap}`);
  opts.log(`k6-operator TestRun ${where} created: ${load.operator.parallelism} runner(s)`);

  const startT = clock.now();
  const deadline = startT + load.operator.timeoutMs;
  const report: K6OperatorMeasurement = {
    ...ref,
    parallelism: load.operator.parallelism,
    stage: null,
    stages: [],
    conditions: [],
    status: 'stopped',
    perRequestResults: false,
    deleted: false,
  };
  let error: GamedayError | undefined;
  for (;;) {
    if (opts.signal?.aborted) break;
    let state: K6TestRunState | undefined;
    try {
      state = await readK6TestRun(client, ref, opts.signal);
    } catch (e) {
      if (opts.signal?.aborted) break;
      report.status = 'error';
      error = failure(`cannot read TestRun ${where}: ${describeError(e)}`, 'K6_OPERATOR_UNREADABLE', ref);
      break;
    }
    if (state === undefined) {
      report.status = 'error';
      error = failure(`TestRun ${where} was deleted by someone else before it finished`, 'K6_OPERATOR_GONE', ref);
      break;
    }
    report.conditions = state.conditions;
    if (state.stage !== null && state.stage !== report.stage) {
      report.stage = state.stage;
      report.stages.push({ stage: state.stage, at: new Date(clock.wall(clock.now())).toISOString() });
      opts.log(`k6-operator TestRun ${where}: stage ${state.stage}`);
    }
    if (state.stage === 'finished' || state.stage === 'error') {
      report.status = state.stage;
      if (state.stage === 'error')
        error = failure(`TestRun ${where} ended in stage error${why(state)}`, 'K6_OPERATOR_ERROR', ref);
      break;
    }
    if (clock.now() > deadline) {
      report.status = 'timeout';
      error = failure(
        `TestRun ${where} did not finish within ${formatDuration(load.operator.timeoutMs)} (last stage: ${report.stage ?? 'none'})`,
        'K6_OPERATOR_TIMEOUT',
        ref,
      );
      break;
    }
    await sleep(opts.pollMs ?? 500, opts.signal).catch(() => undefined);
  }
  if (error) opts.onFailure?.(error);
  // Why at once and not at rollback: a stopped or failed load must not keep hitting a system under recovery.
  try {
    const detail = await deleteK6TestRun(client, ref, opts.deleteTimeoutMs);
    journal.undone(id, detail);
    report.deleted = true;
    opts.log(`k6-operator: ${detail}`);
  } catch (e) {
    opts.log(`k6-operator: deleting TestRun ${where} failed (the rollback tries again): ${describeError(e)}`, 'warn');
  }
  return { engine: 'k6-operator', startT, endT: clock.now(), report, ...(error ? { error } : {}) };
}

async function readScript(script: string): Promise<string> {
  try {
    return await readFile(script, 'utf8');
  } catch (error) {
    throw new GamedayError(`cannot read the k6 script ${script}: ${describeError(error)}`, {
      kind: 'invalid-input',
      code: 'K6_SCRIPT_UNREADABLE',
      cause: error,
      hint: 'load.k6.script is relative to the scenario file',
    });
  }
}

function why(state: { conditions: Array<{ type: string; status: string; message?: string }> }): string {
  const messages = state.conditions.flatMap((c) => (c.message ? [`${c.type}: ${c.message}`] : []));
  return messages.length > 0 ? ` (${messages.join('; ')})` : '';
}

function failure(message: string, code: string, ref: K6OperatorObjects['ref']): GamedayError {
  return new GamedayError(message, {
    kind: 'runtime',
    code,
    hint: `the operator's runner Jobs and pods tell why: kubectl -n ${ref.namespace} get jobs,pods -l k6_cr=${ref.testRun}`,
  });
}
