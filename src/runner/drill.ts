// The drill lifecycle (gameday drill): targets → markers (so the backup holds some) → restore drill
// (source → scratch → restore → validations → cleanup) → rollback (always) → measurements → reports.

import { drillMeasurements, runDrill } from '../drill/index.js';
import type { DrillResult } from '../drill/types.js';
import type { AwsDrillSources } from '../drivers/aws/drill-sources.js';
import type { MarkerWriter } from '../drivers/postgres/markers.js';
import { startMarkers } from './markers-start.js';
import { GamedayError, describeError, isGamedayError } from '../errors.js';
import { seedFrom, seededRandom } from '../faults/select.js';
import { REPORT_SCHEMA_VERSION, type Report } from '../report/types.js';
import { writeReportFiles } from '../report/index.js';
import type { Scenario } from '../scenario/types.js';
import { sleep } from '../util/clock.js';
import { formatDuration } from '../util/duration.js';
import { redactText } from '../util/redact.js';
import type { Verdict } from './events.js';
import { pendingUndos, readJournal } from './journal.js';
import { rollback, type RollbackResult } from './rollback.js';
import { openRun } from './open-run.js';
import type { RunOptions, RunResult } from './run.js';
import { connectTargets, fillRuntimeVariables, journalSystems } from './targets.js';
import { abortText, afterReport, liveReportParts, startLive } from './live-hooks.js';

const VERDICT: Record<DrillResult['status'], Verdict> = {
  passed: 'pass',
  failed: 'fail',
  aborted: 'aborted',
  error: 'error',
};

/** Run the scenario's backup-restore drill. Never throws for run-time failures: they become the verdict. */
export async function runDrillScenario(scenario: Scenario, opts: RunOptions): Promise<RunResult> {
  if (!scenario.drill) {
    throw new GamedayError(`scenario ${scenario.name} has no drill section`, {
      kind: 'invalid-input',
      code: 'NOT_A_DRILL',
      hint: 'gameday drill runs scenarios with a `drill:` section; use gameday run for chaos experiments',
    });
  }
  const { clock, runId, runDir, journalPath, journal, rec, startT, startedAt } = openRun(scenario, opts, 'drill');
  const seed = opts.seed ?? seedFrom(runId);
  const ctl = new AbortController();
  const onOuterAbort = (): void => ctl.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  ctl.signal.addEventListener(
    'abort',
    () => rec.event({ kind: 'abort', t: clock.now(), reason: abortText(ctl.signal.reason) }),
    {
      once: true,
    },
  );
  const live = startLive(runDir, rec, opts.checkpoints);
  const phase = (p: 'targets' | 'steps' | 'rollback' | 'measure' | 'report', detail?: string): void =>
    rec.event(
      { kind: 'phase', t: clock.now(), phase: p, ...(detail === undefined ? {} : { detail }) },
      `phase ${p}${detail ? `: ${detail}` : ''}`,
    );

  let result: DrillResult | undefined;
  let failure: unknown;
  let markers: MarkerWriter | undefined;
  let aws: AwsDrillSources | undefined;
  let closeAws: (() => void) | undefined;
  try {
    phase('targets');
    const targets = await connectTargets(scenario, {
      journal,
      signal: ctl.signal,
      ...(opts.sandboxUrl === undefined ? {} : { sandboxUrl: opts.sandboxUrl }),
      ...(opts.startSandbox === undefined ? {} : { startSandbox: opts.startSandbox }),
      log: (m) => rec.note('targets', m),
    });
    // The systems the drill reads and writes markers to: rollback checks it reaches these same ones.
    journalSystems(journal, targets.systems);
    const drill = fillRuntimeVariables(scenario.drill, targets.vars);
    closeAws = targets.aws?.close;
    // s3 and rds sources need the AWS driver (targets.aws); without it createSource says so.
    if (targets.aws) aws = (await import('../drivers/aws/drill-sources.js')).awsDrillSources(targets.aws.driver, runId);
    const pm = scenario.markers.postgres ? fillRuntimeVariables(scenario.markers.postgres, targets.vars) : undefined;
    if (pm) {
      // Markers written before the backup make the drill's RPO measurable (newest marker in the copy).
      await startMarkers(journal, pm, runId, clock, (writer) => (markers = writer));
      rec.note('markers', `writing markers every ${formatDuration(pm.intervalMs)}`);
      await sleep(opts.baselineMs ?? 2000, ctl.signal);
    }
    phase('steps', `restore drill from ${drill.source.kind}`);
    // Its one random choice: the backup, with `pick: random`.
    rec.note('plan', `seed ${seed} (gameday drill --seed ${seed} makes the same choices)`);
    result = await runDrill(drill, {
      random: seededRandom(seed),
      journal,
      clock,
      signal: ctl.signal,
      ...(aws ? { sources: aws.sources } : {}),
      onProgress: (e) => {
        if (e.kind === 'step') rec.note('drill', `${e.step} ${e.status}${e.detail ? `: ${e.detail}` : ''}`);
        else if (e.kind === 'validation')
          rec.note('validation', `${e.result.name}: ${e.result.pass ? 'ok' : 'FAILED'} — ${e.result.detail}`);
      },
    });
  } catch (error) {
    failure = error;
    rec.note('error', redactText(describeError(error)), 'error');
  } finally {
    await markers?.close();
    aws?.close();
  }

  phase('rollback');
  let rollbackResult: RollbackResult;
  try {
    rollbackResult = await rollback(journal, pendingUndos(readJournal(journalPath)), {
      timeoutMs: scenario.rollback.timeoutMs,
      onUndo: (id, status, detail) =>
        rec.event({ kind: 'undo', t: clock.now(), id, status, detail }, `undo ${id} ${status}: ${detail}`),
    });
  } catch (error) {
    rollbackResult = { complete: false, undone: 0, failed: [{ id: 'journal', error: describeError(error) }] };
  }
  opts.signal?.removeEventListener('abort', onOuterAbort);
  closeAws?.();
  if (result && !result.cleanup.complete) {
    rollbackResult = {
      ...rollbackResult,
      complete: false,
      failed: [...rollbackResult.failed, ...result.cleanup.failed.map((f) => ({ id: 'drill-cleanup', error: f }))],
    };
  }

  phase('measure');
  live.stop();
  const endT = clock.now();
  const measured = result ? drillMeasurements(result) : null;
  let verdict: Verdict = result ? VERDICT[result.status] : 'error';
  if (failure !== undefined)
    verdict = ctl.signal.aborted || (isGamedayError(failure) && failure.kind === 'aborted') ? 'aborted' : 'error';
  const reason =
    failure !== undefined
      ? redactText(describeError(failure))
      : result?.error
        ? `${result.error.step ?? 'drill'}: ${result.error.message}`
        : undefined;
  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    scenario: scenario.name,
    runId,
    seed,
    startedAt,
    endedAt: new Date(clock.wall(endT)).toISOString(),
    verdict,
    measurements: {
      rto: null,
      rpo: measured?.rpo ?? null,
      slos: [],
      ...(measured ? { restore: measured.restore, validations: result?.validations ?? [] } : {}),
    },
    objectives: result?.objectives ?? [],
    timeline: [...rec.timeline, ...(result?.timeline ?? [])]
      .sort((a, b) => a.t - b.t)
      .map((e) => ({ ...e, t: Math.round((e.t - startT) * 1000) / 1000 })),
    probes: [],
    load: null,
    rollback: rollbackResult,
  };
  if (reason !== undefined) report.reason = reason;
  Object.assign(report, liveReportParts(live));
  rec.event({ kind: 'run-end', t: endT, verdict });
  journal.append({ type: 'end', at: new Date().toISOString(), verdict, rollbackComplete: rollbackResult.complete });
  await journal.close();
  phase('report');
  const files = await writeReportFiles(runDir, report);
  await afterReport(opts.reportDir, runDir);
  const invalid = isGamedayError(failure) && failure.kind === 'invalid-input';
  const exitCode: RunResult['exitCode'] = !rollbackResult.complete
    ? 4
    : invalid
      ? 2
      : verdict === 'pass'
        ? 0
        : verdict === 'fail'
          ? 1
          : 3;
  return { report, runDir, files: { ...files, journal: journalPath }, exitCode };
}
