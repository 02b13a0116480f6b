// One scenario run as every command runs it: notifications on start, abort and end (the scenario's
// `notify:` and the CLI's `--notify`), and the report directory uploaded to shared history.

import { uploadRun } from '../history/record.js';
import type { HistoryStore } from '../history/store.js';
import { describeError } from '../errors.js';
import { updateReport } from '../live/notes.js';
import { Notifier } from '../notify/send.js';
import { notifyingReporter, subjectFromReport } from '../notify/subject.js';
import { runDrillScenario } from '../runner/drill.js';
import { runScenario, type RunOptions, type RunResult } from '../runner/run.js';
import type { Scenario } from '../scenario/types.js';
import type { ResolvedNotifyTarget } from '../scenario/types-gameday.js';

export interface SuiteServices {
  /** Shared history (S3): each run directory is uploaded and indexed there too. */
  history?: HistoryStore;
  /** Notification targets from the command line, on top of each scenario's own. */
  notify?: ResolvedNotifyTarget[];
  /** Where `urlEnv` and `tokenEnv` are read (default process.env). */
  env?: Record<string, string | undefined>;
  /** Hears what went wrong around the run without failing it: a notification or an upload that failed. */
  warn?(message: string): void;
}

/** Whether a scenario runs as a restore drill (a drill section and no steps). */
export function isDrill(scenario: Scenario): boolean {
  return scenario.drill !== undefined && scenario.steps.length === 0;
}

/** Run one scenario (or drill) with notifications and shared history. Never throws for run-time failures. */
export async function runWithServices(
  scenario: Scenario,
  opts: RunOptions,
  services: SuiteServices = {},
): Promise<RunResult> {
  const kind = isDrill(scenario) ? 'drill' : 'run';
  const notifier = new Notifier([...(scenario.notify ?? []), ...(services.notify ?? [])], services.env);
  const reporters = notifier.active
    ? [...(opts.reporters ?? []), notifyingReporter(notifier, kind, scenario.description)]
    : opts.reporters;
  const run = kind === 'drill' ? runDrillScenario : runScenario;
  const result = await run(scenario, { ...opts, ...(reporters ? { reporters } : {}) });
  if (notifier.active) {
    notifier.send('end', subjectFromReport(result.report, kind, result.runDir));
    const sent = await notifier.flush();
    for (const n of sent)
      if (!n.ok)
        services.warn?.(`notification ${n.channel} ${n.event} to ${n.target} failed: ${n.error ?? 'unknown error'}`);
    if (sent.length > 0) {
      result.report.notifications = [...sent];
      // The outcome of each webhook belongs in the run's reports, like any other fact about the run.
      await updateReport(result.runDir, (r) => (r.notifications = [...sent])).catch((error: unknown) =>
        services.warn?.(`could not add the notifications to ${result.runDir}: ${describeError(error)}`),
      );
    }
  }
  if (services.history) {
    await uploadRun(opts.reportDir, result.runDir, services.history).catch((error: unknown) =>
      services.warn?.(`could not record the run in ${services.history?.location}: ${describeError(error)}`),
    );
  }
  return result;
}
