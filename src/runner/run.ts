// The run lifecycle: targets → plan → guards → steady state → probes, markers and load → steps →
// recovery → steady state again → rollback (always) → measurements → objectives → reports.

import type { startSandbox } from '../drivers/sandbox/index.js';
import type { MarkerWriter } from '../drivers/postgres/markers.js';
import { startMarkers } from './markers-start.js';
import { GamedayError, describeError, describeErrorWithHint, isGamedayError } from '../errors.js';
import { seedFrom } from '../faults/select.js';
import type { FaultExecution } from '../faults/types.js';
import type { RunbookTiming } from '../runbook/types.js';
import type { K6OperatorResult } from '../load/k6-operator-run.js';
import type { LoadRunResult } from '../load/windows.js';
import { EvidenceFiles } from '../report/evidence.js';
import { createProbe, startProbes, waitUntilHealthy } from '../probes/index.js';
import type { Probe } from '../probes/types.js';
import type { Report } from '../report/types.js';
import { writeReportFiles } from '../report/index.js';
import type { Scenario } from '../scenario/types.js';
import { sleep, type Clock } from '../util/clock.js';
import { formatDuration } from '../util/duration.js';
import { redactText } from '../util/redact.js';
import type { Phase, Reporter, Verdict } from './events.js';
import { kubernetesGuardViolations } from '../faults/kubernetes/guards.js';
import { checkGuards } from './guards.js';
import { lockSystems, releaseLocks, type TargetLock, type TargetLockBackend } from './lock/index.js';
import { pendingUndos, readJournal } from './journal.js';
import { openRun } from './open-run.js';
import { buildReport, runWindows, type RunObservations } from './measure-run.js';
import { measurePrometheus } from './measure-metrics.js';
import { startK6OperatorLoad, startLoad } from './load-run.js';
import { preflightTools, type Preflight } from './preflight.js';
import { describePlan, planChoices, planRun, type Plan } from './plan.js';
import { recoveryWatchFor, watchRecovery } from './recovery-watch.js';
import { rollback, type RollbackResult } from './rollback.js';
import { connectTargets, fillRuntimeVariables, journalSystems, type ConnectedTargets } from './targets.js';
import { executeSteps, type StepOutcome } from './steps.js';
import { discoverAws } from './targets-aws.js';
import { fisMeasurements } from './measure-aws.js';
import { watchAbortConditions } from './abort.js';
import { recordRepair, repairOrphan, type Repair } from './rollback-orphans.js';
import type { CheckpointIo } from '../live/checkpoint.js';
import { abortText, afterReport, liveReportParts, startLive } from './live-hooks.js';

export interface RunOptions {
  /** Reports go to <reportDir>/<scenario>/<runId>/. */
  reportDir: string;
  reporters?: Reporter[];
  /** Aborts the run (SIGINT/SIGTERM); rollback still runs. */
  signal?: AbortSignal;
  clock?: Clock;
  /** Attach to a running sandbox at this control URL instead of starting one. */
  sandboxUrl?: string;
  startSandbox?: typeof startSandbox;
  runId?: string;
  /** Observation before the first step, so the "before" window has samples (default 2s). */
  baselineMs?: number;
  /** How long probes may take to pass the initial steady state (default 30s). */
  steadyStateTimeoutMs?: number;
  /** How checkpoint steps hear the people running the game day (a terminal, `gameday ack`); absent: nobody. */
  checkpoints?: CheckpointIo;
  /** Seed of the run's random choices (default: from the run id); the same seed repeats them (`--seed`). */
  seed?: number;
  /** Where target locks live (default: lock files in the user's lock directory, see lock/file.ts). */
  lockBackend?: TargetLockBackend;
}

export interface RunResult {
  report: Report;
  runDir: string;
  files: { json: string; junit: string; markdown: string; html: string; journal: string };
  /** DESIGN.md exit codes: 0 pass · 1 objective failed · 2 invalid input · 3 aborted/error · 4 rollback incomplete. */
  exitCode: 0 | 1 | 2 | 3 | 4;
}

export { newRunId } from './open-run.js';

function exitCodeFor(verdict: Verdict, rollbackComplete: boolean, invalidInput: boolean): RunResult['exitCode'] {
  if (!rollbackComplete) return 4;
  // Why the verdict first: an abort (SIGINT, guards.timeout) that surfaces through a check of the user's
  // input (the AWS identity guard) is still an abort: exit 3, never 2.
  if (invalidInput && verdict !== 'aborted') return 2;
  if (verdict === 'pass') return 0;
  if (verdict === 'fail') return 1;
  return 3;
}

/** Run one scenario end to end. Never throws for run-time failures: they become the report's verdict. */
export async function runScenario(input: Scenario, opts: RunOptions): Promise<RunResult> {
  const { clock, runId, runDir, journalPath, journal, rec, startT, startedAt } = openRun(input, opts, 'run');

  // One controller for the whole run: SIGINT/SIGTERM, the global timeout and abort conditions all end up here.
  const ctl = new AbortController();
  const onOuterAbort = (): void => ctl.abort(opts.signal?.reason);
  if (opts.signal?.aborted) ctl.abort(opts.signal.reason);
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const timeout = setTimeout(
    () =>
      ctl.abort(
        new GamedayError(`run timed out after ${formatDuration(input.guards.timeoutMs)} (guards.timeout)`, {
          kind: 'aborted',
          code: 'RUN_TIMEOUT',
        }),
      ),
    input.guards.timeoutMs,
  );
  const signal = ctl.signal;
  // When the run was aborted (run clock), for the report's "not recovered before the abort at +Xs".
  let abortT: number | null = null;
  signal.addEventListener(
    'abort',
    () => {
      abortT = clock.now();
      const reason = abortText(signal.reason);
      rec.event({ kind: 'abort', t: abortT, reason }, `abort: ${reason}`);
    },
    { once: true },
  );
  // Notes and checkpoint answers from other terminals (gameday note / ack) reach the run through its inbox.
  const live = startLive(runDir, rec, opts.checkpoints);
  const phase = (p: Phase, detail?: string): void =>
    rec.event(
      { kind: 'phase', t: clock.now(), phase: p, ...(detail === undefined ? {} : { detail }) },
      detail === undefined ? `phase ${p}` : `phase ${p}: ${detail}`,
    );

  const seed = opts.seed ?? seedFrom(runId);
  let scenario = input;
  let targets: ConnectedTargets | undefined;
  let plan: Plan | undefined;
  let locks: TargetLock[] = [];
  const repairs: Repair[] = [];
  let probes: Probe[] = [];
  let scheduler: ReturnType<typeof startProbes> | undefined;
  let markers: MarkerWriter | undefined;
  let loadPromise: Promise<LoadRunResult> | undefined;
  const loadCtl = new AbortController();
  let loadResult: LoadRunResult | null = null;
  let operatorPromise: Promise<K6OperatorResult> | undefined;
  let operatorResult: K6OperatorResult | null = null;
  let preflight: Preflight | undefined;
  let evidence: EvidenceFiles | undefined;
  let stopAbortWatch: (() => void) | undefined;
  let observeStartT: number | null = null;
  let observeEndT: number | null = null;
  let stepOutcomes: StepOutcome[] = [];
  let faults: FaultExecution[] = [];
  let runbook: RunbookTiming[] = [];
  let stepsEndT: number | null = null;
  let failure: unknown;
  let steadyAfterFailures: string[] = [];
  let surviving: number[] | null = null;
  let rpoError: string | undefined;

  try {
    phase('targets');
    targets = await connectTargets(scenario, {
      journal,
      signal,
      ...(opts.sandboxUrl === undefined ? {} : { sandboxUrl: opts.sandboxUrl }),
      ...(opts.startSandbox === undefined ? {} : { startSandbox: opts.startSandbox }),
      log: (m) => rec.note('targets', m),
    });
    scenario = { ...scenario, probes: fillRuntimeVariables(scenario.probes, targets.vars) };
    if (scenario.load) scenario = { ...scenario, load: fillRuntimeVariables(scenario.load, targets.vars) };
    scenario = { ...scenario, markers: fillRuntimeVariables(scenario.markers, targets.vars) };
    // PromQL may select the sandbox's own series (its targets carry api="${SANDBOX_API_URL}").
    scenario = { ...scenario, objectives: fillRuntimeVariables(scenario.objectives, targets.vars) };
    if (scenario.slos) scenario = { ...scenario, slos: fillRuntimeVariables(scenario.slos, targets.vars) };
    journalSystems(journal, targets.systems);
    // Why before planning: a target another run acts on — or one a killed run left changed — must not
    // even be planned against; the inventory would describe a system in the middle of someone's fault.
    locks = await lockSystems(
      targets.systems.map((t) => ({ key: t.key, ...(t.shared ? { shared: t.shared } : {}) })),
      {
        runId,
        purpose: 'run',
        journal,
        ...(opts.lockBackend ? { backend: opts.lockBackend } : {}),
        ...(scenario.guards.deadmanMs === undefined ? {} : { deadmanMs: scenario.guards.deadmanMs }),
        scenarioFile: scenario.file,
        // A run whose holder is gone (killed mid-fault) is rolled back from its mirrored journal first.
        repair: (record, backend) =>
          repairOrphan(record, backend, {
            reportDir: opts.reportDir,
            timeoutMs: scenario.rollback.timeoutMs,
            scenarioFile: scenario.file,
            log: (m) => rec.note('guards', m),
            onRepair: (r) => {
              repairs.push(r);
              recordRepair(r, journal, rec);
            },
          }),
        onLost: (error) => ctl.abort(error),
        log: (m) => rec.note('guards', m, 'warn'),
      },
    );
    for (const where of journal.mirroredTo()) rec.note('guards', `journal mirrored to ${where}`);

    phase('plan');
    const inventory = {
      ...(targets.sandbox ? { sandbox: await targets.sandbox.client.status(signal) } : {}),
      ...(targets.kubernetes ? { kubernetes: targets.kubernetes.inventory() } : {}),
      ...(targets.aws ? { aws: await discoverAws(scenario, targets.aws, signal) } : {}),
    };
    plan = planRun(scenario, inventory, seed);
    for (const line of describePlan(plan).slice(1)) rec.note('plan', line);
    rec.note('plan', `seed ${plan.seed} (gameday run --seed ${plan.seed} makes the same choices)`);
    // Before any fault: a k6 script that does not load or PromQL that does not parse ends the run here.
    preflight = await preflightTools(scenario, { vars: targets.vars, signal });

    phase('guards');
    const violations = [...checkGuards(scenario, plan), ...kubernetesGuardViolations(scenario, plan)];
    if (violations.length > 0) {
      throw new GamedayError(violations.map((v) => v.message).join('; '), {
        kind: 'invalid-input',
        code: violations[0]?.code ?? 'GUARD',
        ...(violations[0]?.hint === undefined ? {} : { hint: violations[0].hint }),
      });
    }

    const sandbox = targets.sandbox;
    const sandboxStatus = sandbox
      ? async (s: AbortSignal) => {
          const st = await sandbox.client.status(s);
          return { desired: st.desired, ready: st.ready };
        }
      : undefined;
    probes = Object.values(scenario.probes).map((p) =>
      createProbe(p, {
        ...(sandboxStatus ? { sandboxStatus } : {}),
        ...(targets?.kubernetes ? { kubernetes: targets.kubernetes.cluster } : {}),
        ...(targets?.aws ? { aws: targets.aws.driver } : {}),
      }),
    );

    phase('steady-state', scenario.steadyState.join(', ') || 'no probes');
    await checkSteadyState(scenario.steadyState, probes, clock, opts.steadyStateTimeoutMs ?? 30_000, signal, 'before');

    phase('observe');
    observeStartT = clock.now();
    evidence = new EvidenceFiles(runDir, startT);
    const files = evidence;
    scheduler = startProbes(probes, {
      clock,
      onSample: (s) => {
        rec.sample(s);
        files.sample(s);
      },
      signal,
    });
    stopAbortWatch = watchAbortConditions(scenario.guards.abortWhen, rec, observeStartT, (reason) =>
      ctl.abort(new GamedayError(reason, { kind: 'aborted', code: 'ABORT_CONDITION' })),
    );
    const pm = scenario.markers.postgres;
    if (pm) {
      await startMarkers(journal, pm, runId, clock, (writer) => (markers = writer));
      rec.note('markers', `writing RPO markers every ${formatDuration(pm.intervalMs)}`);
    }
    const operatorLoad = scenario.load?.engine === 'k6' ? scenario.load.operator : undefined;
    if (scenario.load?.engine === 'k6' && operatorLoad && targets.kubernetes) {
      operatorPromise = startK6OperatorLoad(
        { ...scenario.load, operator: operatorLoad },
        {
          clock,
          rec,
          signal: AbortSignal.any([signal, loadCtl.signal]),
          onFailure: (error) => ctl.abort(error),
          kubernetes: targets.kubernetes.runtime,
          journal,
          runId,
          deleteTimeoutMs: scenario.rollback.timeoutMs,
        },
      );
      operatorPromise.catch(() => undefined);
    } else if (scenario.load) {
      loadPromise = startLoad(scenario.load, {
        clock,
        rec,
        signal: AbortSignal.any([signal, loadCtl.signal]),
        runDir,
        originT: startT,
        evidence,
        ...(preflight.k6 ? { k6: preflight.k6.found } : {}),
        vars: targets.vars,
        onFailure: (error) => ctl.abort(error),
      });
      loadPromise.catch(() => undefined);
    }
    await sleep(opts.baselineMs ?? 2000, signal);

    phase('steps');
    const executed = await executeSteps(plan, scenario, {
      rec,
      journal,
      clock,
      signal,
      runId,
      ...(sandbox ? { sandbox } : {}),
      ...(targets.kubernetes ? { kubernetes: targets.kubernetes.runtime } : {}),
      ...(targets.aws ? { aws: targets.aws } : {}),
      ...(markers ? { markers } : {}),
      live,
      runDir,
    });
    stepOutcomes = executed.outcomes;
    faults = executed.faults;
    runbook = executed.runbook;
    stepsEndT = clock.now();
    if (executed.error !== undefined) throw executed.error;

    phase('recovery');
    await watchRecovery(rec, recoveryWatchFor(scenario, faults, stepsEndT, signal));
    if (loadPromise) {
      rec.note('load', 'waiting for the load run to finish');
      loadResult = await loadPromise;
      if (loadResult.engine === 'k6' && loadResult.error) throw loadResult.error;
    }
    if (operatorPromise) {
      rec.note('load', 'waiting for the k6-operator TestRun to finish');
      operatorResult = await operatorPromise;
      if (operatorResult.error) throw operatorResult.error;
    }
    if (scenario.rollback.steadyStateAfter) {
      phase('steady-state-after');
      steadyAfterFailures = await checkSteadyState(scenario.steadyState, probes, clock, 30_000, signal, 'after');
    }
  } catch (error) {
    failure = error;
    rec.note('error', redactText(describeErrorWithHint(error)), 'error');
  } finally {
    clearTimeout(timeout);
    stopAbortWatch?.();
    await scheduler?.stop().catch(() => undefined);
    if (scheduler) observeEndT = clock.now();
    loadCtl.abort();
    if (loadPromise && !loadResult) loadResult = await loadPromise.catch(() => null);
    if (operatorPromise && !operatorResult) operatorResult = await operatorPromise.catch(() => null);
    evidence?.close();
    if (markers) {
      await markers.stop();
      try {
        surviving = await markers.surviving(20_000);
      } catch (error) {
        rpoError = redactText(describeError(error));
      }
      await markers.close();
    }
    for (const p of probes) await p.close?.().catch(() => undefined);
  }

  // Rollback always runs: every journaled intent not yet undone, newest first.
  phase('rollback');
  let rollbackResult: RollbackResult;
  try {
    const pending = pendingUndos(readJournal(journalPath));
    rollbackResult = await rollback(journal, pending, {
      timeoutMs: scenario.rollback.timeoutMs,
      onUndo: (id, status, detail) =>
        rec.event({ kind: 'undo', t: clock.now(), id, status, detail }, `undo ${id} ${status}: ${detail}`),
    });
  } catch (error) {
    rollbackResult = { complete: false, undone: 0, failed: [{ id: 'journal', error: describeError(error) }] };
  }
  // Complete: the shared copies of the journal go with the locks. Incomplete: they stay, and so does the
  // end entry below, for whoever rolls back from another machine.
  if (rollbackResult.complete) await journal.stopMirroring();
  await releaseLocks(locks, rollbackResult.complete);
  opts.signal?.removeEventListener('abort', onOuterAbort);
  const podTimings = targets?.kubernetes?.podTimings();
  await targets?.kubernetes?.close().catch(() => undefined);
  targets?.aws?.close();

  phase('measure');
  live.stop();
  const endT = clock.now();
  const invalidInput = isGamedayError(failure) && failure.kind === 'invalid-input';
  const aborted = failure !== undefined && (signal.aborted || (isGamedayError(failure) && failure.kind === 'aborted'));
  const abortReason = signal.aborted ? signal.reason : failure;
  const observations: RunObservations = {
    scenario,
    runId,
    seed,
    ...(plan ? { choices: planChoices(plan, stepOutcomes) } : {}),
    startedAt,
    startT,
    endT,
    clock,
    rec,
    probes,
    observeStartT,
    observeEndT,
    faults,
    stepOutcomes,
    runbook,
    stepsEndT,
    loadResult,
    markers: markers ? { acknowledged: markers.acknowledged, surviving, error: rpoError } : undefined,
    steadyAfterFailures,
    abortT,
    rollback: rollbackResult,
    failure:
      failure === undefined
        ? undefined
        : { aborted, reason: redactText(describeErrorWithHint(aborted ? abortReason : failure)) },
  };
  if (preflight && preflight.promql.length > 0) {
    const { bounds } = runWindows(observations);
    observations.prometheus = await measurePrometheus(scenario, bounds, (t) => clock.wall(t));
  }
  const report = buildReport(observations);
  Object.assign(report, liveReportParts(live));
  if (repairs.length > 0) report.repairs = repairs;
  if (podTimings && podTimings.disrupted > 0) report.measurements.pods = podTimings;
  if (operatorResult) report.measurements.k6Operator = operatorResult.report;
  const fis = fisMeasurements(stepOutcomes, faults);
  if (fis.length > 0) report.measurements.fis = fis;
  rec.event({ kind: 'run-end', t: endT, verdict: report.verdict });
  journal.append({
    type: 'end',
    at: new Date().toISOString(),
    verdict: report.verdict,
    rollbackComplete: rollbackResult.complete,
  });
  await journal.close();

  phase('report');
  const files = await writeReportFiles(runDir, report);
  await afterReport(opts.reportDir, runDir);
  return {
    report,
    runDir,
    files: { ...files, journal: journalPath },
    exitCode: exitCodeFor(report.verdict, rollbackResult.complete, invalidInput),
  };
}

/** Every steady-state probe must pass (retrying until the timeout). Before the faults a failure aborts
 * the run; afterwards failures are returned and become a failed objective. */
async function checkSteadyState(
  names: readonly string[],
  probes: readonly Probe[],
  clock: Clock,
  timeoutMs: number,
  signal: AbortSignal,
  when: 'before' | 'after',
): Promise<string[]> {
  const failures: string[] = [];
  await Promise.all(
    names.map(async (name) => {
      const probe = probes.find((p) => p.name === name);
      if (!probe) return;
      const sample = await waitUntilHealthy(probe, { clock, timeoutMs, signal });
      if (!sample?.ok) failures.push(`${name}: ${sample?.detail ?? 'no healthy sample'}`);
    }),
  );
  if (when === 'before' && failures.length > 0) {
    throw new GamedayError(`steady state not met before any fault: ${failures.join('; ')}`, {
      kind: 'aborted',
      code: 'STEADY_STATE',
      phase: 'steady-state',
      hint: 'the system must be healthy before gameday injects a fault; check the probes against it',
    });
  }
  return failures;
}
