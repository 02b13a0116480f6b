// Executing the planned steps in order: faults (journaled by their modules), waits and verifies,
// checkpoints and actions.

import { faultModule } from '../faults/registry.js';
import { RunbookFailedError, refusedToHarness } from '../faults/sandbox/region-failover.js';
import type { RunbookTiming } from '../runbook/types.js';
import { seededRandom } from '../faults/select.js';
import { liveBlastRadius } from '../faults/blast-radius.js';
import type { KubernetesRuntime } from '../faults/kubernetes/types.js';
import type { FaultExecution, FaultRuntime } from '../faults/types.js';
import type { Scenario } from '../scenario/types.js';
import { sleep, type Clock } from '../util/clock.js';
import { formatDuration } from '../util/duration.js';
import { describeError } from '../errors.js';
import type { Journal } from './journal.js';
import type { Plan } from './plan.js';
import type { RunRecorder } from './recorder.js';
import type { SandboxConnection } from './targets.js';
import type { AwsConnection } from './targets-aws.js';
import type { LiveSession } from '../live/session.js';
import { runInteractiveStep } from '../live/steps.js';

export interface StepOutcome {
  index: number;
  name: string;
  kind: string;
  /** aborted: the run was aborted (SIGINT, guards.timeout, abortWhen) while this step ran. */
  status: 'ok' | 'failed' | 'skipped' | 'aborted';
  startT: number | null;
  endT: number | null;
  detail: string;
  /** A fault step that ran: what it acted on. */
  affected?: string[];
}

export interface StepContext {
  rec: RunRecorder;
  journal: Journal;
  clock: Clock;
  signal: AbortSignal;
  runId: string;
  sandbox?: SandboxConnection;
  kubernetes?: KubernetesRuntime;
  aws?: AwsConnection;
  /** The run's RPO marker writer, for runbook steps that point it at the new primary. */
  markers?: FaultRuntime['markers'];
  /** The run's inbox (notes, checkpoint answers) and its directory, for checkpoint and action steps. */
  live?: LiveSession;
  runDir?: string;
}

export interface ExecutedSteps {
  outcomes: StepOutcome[];
  faults: FaultExecution[];
  runbook: RunbookTiming[];
  /** The error that ended the steps (an abort, a runtime error); what ran until then is kept above. */
  error?: unknown;
}

/**
 * Run every step. A failed wait or verify stops the sequence (the rest are skipped). An error (an abort,
 * a failing call) also stops it, and is returned with everything observed until then: a fault whose first
 * mutation was applied before the error is kept (t0 = when the journal recorded it), so an aborted run
 * still measures time to detect and its partial `during` window.
 */
export async function executeSteps(plan: Plan, scenario: Scenario, ctx: StepContext): Promise<ExecutedSteps> {
  const { rec, clock, signal } = ctx;
  const outcomes: StepOutcome[] = plan.steps.map((s) => ({
    index: s.index,
    name: s.name,
    kind: s.kind,
    status: 'skipped',
    startT: null,
    endT: null,
    detail: 'not run',
  }));
  const faults: FaultExecution[] = [];
  const runbookOnly: RunbookTiming[] = [];
  // Injection-time choices use their own stream from the plan's seed, so a run can be replayed.
  const rng = seededRandom(plan.seed ^ 0x9e3779b9);
  const blastRadius = liveBlastRadius(scenario.guards.maxUnavailable);

  // When each step's first mutation was journaled as applied (run clock): t0 of a fault cut short.
  const firstApplied = new Map<string, number>();
  const stepOf = new Map<string, string>();
  const unwatch = ctx.journal.watch((e) => {
    if (e.type === 'intent') stepOf.set(e.id, e.step);
    else if (e.type === 'applied') {
      const name = stepOf.get(e.id);
      if (name !== undefined && !firstApplied.has(name)) firstApplied.set(name, clock.now());
    }
  });
  let stepsError: unknown;

  for (const step of plan.steps) {
    const outcome = outcomes[step.index] as StepOutcome;
    const startT = clock.now();
    outcome.startT = startT;
    rec.event(
      { kind: 'step-start', t: startT, index: step.index, name: step.name },
      `step ${step.index + 1} ${step.name} started`,
    );
    let ok = true;
    let detail = '';
    try {
      if (step.kind === 'fault') {
        const module = faultModule(step.planned.fault, step.step.target);
        const exec = await module.inject(step.planned.fault, step.planned, {
          step: step.name,
          journal: ctx.journal,
          clock,
          signal,
          rng,
          ...(blastRadius ? { blastRadius } : {}),
          log: (m) => rec.note('fault', m),
          timeline: (kind, m) => rec.note(kind, m),
          ...(ctx.sandbox ? { sandbox: { client: ctx.sandbox.client, controlUrl: ctx.sandbox.controlUrl } } : {}),
          ...(ctx.kubernetes ? { kubernetes: ctx.kubernetes } : {}),
          ...(ctx.aws ? { aws: { driver: ctx.aws.driver, runId: ctx.runId } } : {}),
          ...(ctx.markers ? { markers: ctx.markers } : {}),
        });
        if (step.step.measure) exec.measured = true;
        faults.push(exec);
        outcome.affected = exec.affected;
        // FIS action starts and ends, RDS failover events: stamped by AWS, already on the run clock.
        if (exec.aws) rec.timeline.push(...exec.aws.timeline);
        detail = exec.detail;
        rec.event(
          { kind: 'fault-injected', t: exec.t0, index: step.index, fault: step.planned.fault.type, detail },
          `fault injected: ${detail}`,
        );
        for (const f of exec.findings) rec.note('finding', f, 'warn');
      } else if (step.step.kind === 'checkpoint' || step.step.kind === 'action') {
        ({ ok, detail } = await runInteractiveStep(step.step, {
          journal: ctx.journal,
          signal,
          ...(ctx.live ? { live: ctx.live } : {}),
          runDir: ctx.runDir ?? '<run-dir>',
          file: scenario.file,
          index: step.index,
          note: (kind, m) => rec.note(kind, m),
        }));
      } else if (step.step.kind === 'sleep') {
        await sleep(step.step.durationMs, signal);
        detail = `waited ${formatDuration(step.step.durationMs)}`;
      } else if (step.step.kind === 'wait-probe' || step.step.kind === 'verify') {
        const { probe, timeoutMs } = step.step;
        const isWait = step.step.kind === 'wait-probe';
        // wait: the first healthy sample from now on; verify: the very next sample must be healthy.
        const sample = await rec.waitForSample(probe, startT, isWait ? (s) => s.ok : () => true, timeoutMs, signal);
        ok = sample?.ok === true;
        detail = ok
          ? `${probe} healthy after ${formatDuration((sample?.t ?? startT) - startT)}`
          : sample
            ? `${probe} unhealthy: ${sample.detail ?? 'failed'}`
            : `${probe} not healthy within ${formatDuration(timeoutMs)}`;
      }
    } catch (error) {
      // A runbook that fails its own verify is a finding about the system (the DR plan does not work),
      // not a harness error: the step fails, its timings and t0 go into the report, the run continues
      // to recovery and rollback. So when the runbook's own rollback was incomplete: the run's rollback
      // replays the undo that failed and reports it (exit 4) — throwing here would lose the timings.
      // Any other error ends the steps, and so does a runbook refused a permission (a harness error).
      if (!(error instanceof RunbookFailedError) || refusedToHarness(error)) {
        stepsError = error;
        const t0 = firstApplied.get(step.name);
        if (step.kind === 'fault' && t0 !== undefined) {
          // The fault is in place (its first mutation was applied) although inject did not return.
          const cut = `${step.planned.description} (${signal.aborted ? 'aborted' : 'failed'} before the step ended)`;
          faults.push({
            t0,
            detail: cut,
            affected: step.planned.affected,
            findings: [],
            ...(step.step.measure ? { measured: true } : {}),
          });
          rec.event(
            { kind: 'fault-injected', t: t0, index: step.index, fault: step.planned.fault.type, detail: cut },
            `fault injected: ${cut}`,
          );
        }
      } else {
        ok = false;
        detail = error.message;
        if (error.t0 !== null) {
          faults.push({ t0: error.t0, detail, affected: [], findings: [], runbook: error.runbook });
        } else {
          runbookOnly.push(...error.runbook);
        }
      }
    } finally {
      outcome.endT = clock.now();
    }
    if (stepsError !== undefined) {
      outcome.status = signal.aborted ? 'aborted' : 'failed';
      outcome.detail = signal.aborted ? `aborted: ${describeError(signal.reason)}` : describeError(stepsError);
      rec.event(
        {
          kind: 'step-end',
          t: outcome.endT,
          index: step.index,
          name: step.name,
          status: outcome.status === 'aborted' ? 'aborted' : 'failed',
          detail: outcome.detail,
        },
        `step ${step.index + 1} ${step.name} ${outcome.status === 'aborted' ? 'ABORTED' : 'FAILED'}: ${outcome.detail}`,
      );
      break;
    }
    outcome.status = ok ? 'ok' : 'failed';
    outcome.detail = detail;
    rec.event(
      { kind: 'step-end', t: outcome.endT, index: step.index, name: step.name, status: ok ? 'ok' : 'failed', detail },
      `step ${step.index + 1} ${step.name} ${ok ? 'done' : 'FAILED'}: ${detail}`,
    );
    if (!ok) break;
  }
  unwatch();
  const runbook = [...faults.flatMap((f) => f.runbook ?? []), ...runbookOnly];
  return { outcomes, faults, runbook, ...(stepsError === undefined ? {} : { error: stepsError }) };
}
