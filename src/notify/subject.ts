// What notifications say about a run: from its start and abort events, and from its report.

import { metricsFromReport } from '../history/metrics.js';
import { scoreReport } from '../history/score.js';
import type { Report } from '../report/types.js';
import type { Reporter } from '../runner/events.js';
import { formatDuration } from '../util/duration.js';
import type { NotifySubject } from './payloads.js';
import type { Notifier } from './send.js';

/** The end-of-run subject: verdict, score, the headline numbers, every objective. */
export function subjectFromReport(report: Report, kind: 'run' | 'drill', runDir?: string): NotifySubject {
  const m = metricsFromReport(report);
  const facts: Record<string, string> = {};
  if (m.rtoMs !== undefined)
    facts['RTO'] = `${formatDuration(m.rtoMs)}${m.rtoErrorBoundMs ? ` ± ${formatDuration(m.rtoErrorBoundMs)}` : ''}`;
  if (m.availability !== undefined) facts['Availability'] = `${m.availability.toFixed(2)} %`;
  if (m.p95Ms !== undefined) facts['p95'] = formatDuration(m.p95Ms);
  if (m.restoreMs !== undefined) facts['Restore'] = formatDuration(m.restoreMs);
  if (m.rpoS !== undefined) facts['RPO'] = `${m.rpoS.toFixed(1)} s`;
  return {
    kind,
    name: report.scenario,
    runId: report.runId,
    startedAt: report.startedAt,
    endedAt: report.endedAt,
    verdict: report.verdict,
    score: scoreReport(report).score,
    ...(report.reason === undefined ? {} : { reason: report.reason }),
    ...(runDir === undefined ? {} : { runDir }),
    objectives: report.objectives.map(({ name, target, actual, pass }) => ({ name, target, actual, pass })),
    facts,
  };
}

/** A reporter that sends `start` when the run starts and `abort` the moment it begins to abort. */
export function notifyingReporter(notifier: Notifier, kind: 'run' | 'drill', description?: string): Reporter {
  let started: NotifySubject | undefined;
  return {
    onEvent(e) {
      if (e.kind === 'run-start') {
        started = {
          kind,
          name: e.scenario,
          runId: e.runId,
          startedAt: new Date().toISOString(),
          runDir: e.runDir,
          ...(description === undefined ? {} : { description }),
        };
        notifier.send('start', started);
      } else if (e.kind === 'abort' && started) {
        notifier.send('abort', { ...started, reason: e.reason });
      }
    },
  };
}
