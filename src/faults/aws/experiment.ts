// Running one FIS experiment: create the template (journaled first, undo = delete it), start it with a
// client token (journaled first, undo = stop it and wait), poll with backoff into a timeline, map the end state.

import type {
  FisActionState,
  FisExperimentView,
  FisResolvedTarget,
  FisTemplateInput,
} from '../../drivers/aws/types.js';
import { FIS_TERMINAL } from '../../drivers/aws/types.js';
import { callNotSent } from '../../drivers/aws/call-watch.js';
import { GamedayError, describeError } from '../../errors.js';
import { clientToken, TAG_MANAGED_BY, TAG_RUN_ID, TAG_STEP } from './template.js';
import type { AwsFaultRuntime, AwsTimelineEntry } from './types.js';

export interface ExperimentRunOptions {
  timeoutMs: number;
  pollIntervalMs: number;
  /** skip-all: FIS resolves targets and runs no action (preview). */
  actionsMode?: 'skip-all' | 'run-all';
  extraTags?: Record<string, string>;
  /**
   * Hears what FIS resolved the targets to, once: as soon as ListExperimentResolvedTargets lists any while
   * the experiment runs, else the final list when it ends.
   */
  onResolvedTargets?(targets: FisResolvedTarget[]): void;
}

export interface ExperimentResult {
  templateId: string;
  createdTemplate: boolean;
  experimentId: string;
  status: string;
  reason?: string;
  /** ExperimentState.error (code, location), when FIS gave one. */
  error?: FisExperimentView['error'];
  /** Run clock when StartExperiment returned. */
  t0: number;
  /** Run clock when the experiment was seen to end. */
  endT: number;
  timeline: AwsTimelineEntry[];
  resolvedTargets: FisResolvedTarget[];
  /** Each action's final state, start and end, as the last GetExperiment reported them. */
  actions: FisActionState[];
}

/** How a terminal FIS state maps to a step outcome. */
export function experimentOutcome(view: Pick<FisExperimentView, 'status' | 'reason' | 'error'>): {
  status: 'ok' | 'failed' | 'aborted';
  detail: string;
} {
  const why = [view.reason, view.error?.code, view.error?.location].filter(Boolean).join('; ');
  switch (view.status) {
    case 'completed':
      return { status: 'ok', detail: 'experiment completed' };
    case 'stopped':
      // Stopped by a stop-condition alarm or by a person: the system left its safe envelope.
      return { status: 'aborted', detail: `experiment stopped${why ? `: ${why}` : ''}` };
    case 'cancelled':
      return { status: 'failed', detail: `experiment cancelled${why ? `: ${why}` : ''}` };
    case 'failed':
      return { status: 'failed', detail: `experiment failed${why ? `: ${why}` : ''}` };
    default:
      return { status: 'failed', detail: `experiment ended in unexpected state ${view.status}` };
  }
}

/** Run clock reading for a wall-clock Date. */
function runT(runtime: AwsFaultRuntime, at: Date): number {
  return at.getTime() - runtime.clock.wall(0);
}

/** Turn successive GetExperiment views into timeline entries: one per experiment and action state change. */
export function timelineTracker(runtime: AwsFaultRuntime): {
  observe(view: FisExperimentView): void;
  entries: AwsTimelineEntry[];
} {
  const entries: AwsTimelineEntry[] = [];
  const seen = new Map<string, string>();
  const push = (at: Date, kind: string, message: string) =>
    entries.push({ at: at.toISOString(), t: runT(runtime, at), kind, message });
  return {
    entries,
    observe(view) {
      const now = new Date(runtime.clock.wall(runtime.clock.now()));
      if (seen.get('experiment') !== view.status) {
        seen.set('experiment', view.status);
        const at =
          view.status === 'running'
            ? (view.startTime ?? now)
            : FIS_TERMINAL.includes(view.status)
              ? (view.endTime ?? now)
              : now;
        push(at, 'fis-experiment', `FIS experiment ${view.id} ${view.status}${view.reason ? `: ${view.reason}` : ''}`);
      }
      for (const a of view.actions) {
        if (seen.get(a.name) === a.status) continue;
        seen.set(a.name, a.status);
        if (a.status === 'pending' || a.status === 'initiating') continue;
        const at = a.status === 'running' ? (a.startTime ?? now) : (a.endTime ?? a.startTime ?? now);
        push(at, 'fis-action', `FIS action ${a.name} (${a.actionId}) ${a.status}${a.reason ? `: ${a.reason}` : ''}`);
      }
    },
  };
}

/**
 * Hand `opts.onResolvedTargets` the resolved targets as soon as FIS lists them: one
 * ListExperimentResolvedTargets at a time while the experiment runs, until one lists any.
 */
function earlyTargets(
  experimentId: string,
  opts: ExperimentRunOptions,
  runtime: AwsFaultRuntime,
): { observe(view: FisExperimentView): void; settled(): Promise<void>; deliver(targets: FisResolvedTarget[]): void } {
  let delivered = false;
  let inFlight: Promise<void> | undefined;
  const deliver = (targets: FisResolvedTarget[]): void => {
    if (delivered || !opts.onResolvedTargets) return;
    delivered = true;
    try {
      opts.onResolvedTargets(targets);
    } catch (error) {
      // A listener must never break the experiment's own handling (stop on abort, the outcome).
      runtime.log(`resolved targets of ${experimentId}: ${describeError(error)}`);
    }
  };
  return {
    observe(view) {
      if (!opts.onResolvedTargets || delivered || inFlight || view.status !== 'running') return;
      inFlight = runtime.aws.fis
        .resolvedTargets(experimentId, runtime.signal)
        .then(
          (targets) => {
            if (targets.length > 0) deliver(targets);
          },
          (error: unknown) =>
            runtime.log(`could not list resolved targets of ${experimentId} yet: ${describeError(error)}`),
        )
        .finally(() => {
          inFlight = undefined;
        });
    },
    settled: async () => {
      await inFlight;
    },
    deliver,
  };
}

/**
 * Create (or reuse) a template and run one experiment to its end. On abort, the experiment is stopped and
 * waited for before the error is rethrown; templates are deleted by rollback (their undo is journaled).
 */
export async function runExperiment(
  source: { template: FisTemplateInput } | { templateId: string },
  opts: ExperimentRunOptions,
  runtime: AwsFaultRuntime,
): Promise<ExperimentResult> {
  const { journal, aws, step, runId } = runtime;
  const where = aws.location('fis');
  const target = `fis ${where.region}${where.endpoint ? ` (${where.endpoint})` : ''}`;
  let templateId: string;
  let createdTemplate = false;
  if ('template' in source) {
    // Undo finds the template by its run/step tags, so it works even if we die between create and `applied`.
    const id = await journal.intent(step, 'create FIS experiment template', target, {
      driver: 'aws',
      op: 'fis-delete-templates',
      args: { ...where, runId, step },
    });
    try {
      templateId = await aws.fis.createTemplate(source.template, runtime.signal);
      journal.applied(id, `template ${templateId}`);
      createdTemplate = true;
      runtime.log(`created FIS experiment template ${templateId}`);
    } catch (error) {
      // A call that never connected created nothing: rollback then resolves this intent as "never created".
      journal.failed(id, describeError(error), { notSent: callNotSent(error) });
      throw error;
    }
  } else {
    templateId = source.templateId;
  }

  const tags = { ...opts.extraTags, [TAG_MANAGED_BY]: 'gameday', [TAG_RUN_ID]: runId, [TAG_STEP]: step };
  const startId = await journal.intent(step, `start FIS experiment from template ${templateId}`, target, {
    driver: 'aws',
    op: 'fis-stop-experiments',
    args: { ...where, runId, step, templateId },
  });
  let started: FisExperimentView;
  try {
    started = await aws.fis.startExperiment(
      {
        templateId,
        clientToken: clientToken('experiment', runId, step, templateId),
        tags,
        ...(opts.actionsMode ? { actionsMode: opts.actionsMode } : {}),
      },
      runtime.signal,
    );
  } catch (error) {
    journal.failed(startId, describeError(error), { notSent: callNotSent(error) });
    throw new GamedayError(`FIS StartExperiment failed for template ${templateId}`, {
      kind: 'runtime',
      code: 'FIS_START_FAILED',
      phase: 'inject',
      target: `fis template ${templateId}`,
      cause: error,
    });
  }
  const t0 = runtime.clock.now();
  journal.applied(startId, `experiment ${started.id}`);
  runtime.log(`started FIS experiment ${started.id} (${started.status})`);

  const tracker = timelineTracker(runtime);
  const early = earlyTargets(started.id, opts, runtime);
  tracker.observe(started);
  early.observe(started);
  let final: FisExperimentView;
  try {
    final = FIS_TERMINAL.includes(started.status)
      ? started
      : await aws.fis.waitFor(started.id, (v) => FIS_TERMINAL.includes(v.status), {
          signal: runtime.signal,
          timeoutMs: opts.timeoutMs,
          intervalMs: opts.pollIntervalMs,
          maxIntervalMs: 15_000,
          onPoll: (v) => {
            tracker.observe(v);
            early.observe(v);
          },
        });
  } catch (error) {
    await early.settled();
    // Aborted (signal) or timed out: stop it now, on a signal of its own, and wait until FIS says stopped.
    const stopSignal = AbortSignal.timeout(5 * 60_000);
    try {
      const status = await aws.fis.stopAndWait(started.id, {
        signal: stopSignal,
        timeoutMs: 4 * 60_000,
        intervalMs: opts.pollIntervalMs,
        onPoll: (v) => tracker.observe(v),
      });
      journal.undone(startId, `experiment ${started.id} ${status}`);
      runtime.log(`stopped FIS experiment ${started.id}: ${status}`);
    } catch (stopError) {
      runtime.log(`could not stop FIS experiment ${started.id}: ${describeError(stopError)}; rollback will retry`);
    }
    if (runtime.signal.aborted) {
      throw new GamedayError(`FIS experiment ${started.id} stopped: the run was aborted`, {
        kind: 'aborted',
        code: 'FIS_ABORTED',
        phase: 'inject',
        target: `fis experiment ${started.id}`,
        cause: error,
      });
    }
    throw error;
  }
  const endT = runtime.clock.now();
  await early.settled();
  let resolvedTargets: FisResolvedTarget[] = [];
  try {
    resolvedTargets = await aws.fis.resolvedTargets(final.id, runtime.signal);
  } catch (error) {
    runtime.log(`could not list resolved targets of ${final.id}: ${describeError(error)}`);
  }
  early.deliver(resolvedTargets);
  return {
    templateId,
    createdTemplate,
    experimentId: final.id,
    status: final.status,
    ...(final.reason ? { reason: final.reason } : {}),
    ...(final.error ? { error: final.error } : {}),
    t0,
    endT,
    timeline: tracker.entries,
    resolvedTargets,
    actions: final.actions,
  };
}
