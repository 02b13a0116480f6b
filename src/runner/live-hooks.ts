// What a run adds around its lifecycle for the people running it and for history: the inbox watched
// (notes, checkpoint answers), notes and checkpoints in report.json, the report directory's index.

import { describeError } from '../errors.js';
import { indexRun } from '../history/record.js';
import type { CheckpointIo } from '../live/checkpoint.js';
import { mergeInboxIntoReport } from '../live/notes.js';
import { LiveSession } from '../live/session.js';
import type { Report } from '../report/types.js';
import { redactText } from '../util/redact.js';
import type { RunRecorder } from './recorder.js';

/** The run's inbox watcher: notes on the timeline, acks to the waiting checkpoint, progress told. */
export function startLive(runDir: string, rec: RunRecorder, checkpoints: CheckpointIo | undefined): LiveSession {
  const live = new LiveSession(
    runDir,
    {
      clock: rec.clock,
      timeline: rec.timeline,
      log: (m) => rec.event({ kind: 'log', t: rec.clock.now(), level: 'info', message: m }),
    },
    checkpoints,
  );
  live.start();
  return live;
}

/** report.json's notes and checkpoints, when the run had any. */
export function liveReportParts(live: LiveSession): Pick<Report, 'notes' | 'checkpoints'> {
  return {
    ...(live.notes.length > 0 ? { notes: [...live.notes] } : {}),
    ...(live.checkpoints.length > 0 ? { checkpoints: [...live.checkpoints] } : {}),
  };
}

/** Once report.json is on disk: notes that arrived while it was written, and the report directory's index. */
export async function afterReport(reportDir: string, runDir: string): Promise<void> {
  // Neither may break a run whose reports are written: the inbox keeps the notes, the index can be rebuilt.
  await mergeInboxIntoReport(runDir).catch(() => undefined);
  await indexRun(reportDir, runDir).catch(() => undefined);
}

export function abortText(reason: unknown): string {
  return redactText(describeError(reason));
}
