// What every run starts with: its id, its directory, its journal (with the run header) and its recorder.

import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { GamedayError, describeError } from '../errors.js';
import type { Scenario } from '../scenario/types.js';
import { systemClock, type Clock } from '../util/clock.js';
import { selfIdentity } from '../util/process-identity.js';
import type { Reporter } from './events.js';
import { Journal } from './journal.js';
import { RunRecorder } from './recorder.js';

/** A sortable, unique run id: 20261126T151530Z-a1b2. */
export function newRunId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export interface OpenedRun {
  clock: Clock;
  runId: string;
  runDir: string;
  journalPath: string;
  journal: Journal;
  rec: RunRecorder;
  startT: number;
  startedAt: string;
}

/** Create <reportDir>/<scenario>/<runId>/, open its journal and announce the run to the reporters. */
export function openRun(
  scenario: Scenario,
  opts: { reportDir: string; clock?: Clock; runId?: string; reporters?: Reporter[] },
  label: 'run' | 'drill',
): OpenedRun {
  const clock = opts.clock ?? systemClock;
  const runId = opts.runId ?? newRunId();
  const runDir = resolve(opts.reportDir, scenario.name, runId);
  try {
    mkdirSync(runDir, { recursive: true });
  } catch (error) {
    // Nothing has happened yet: a report directory that cannot be made (read-only filesystem, as in a
    // container's root, or no permission) is the user's to fix, not an internal error.
    throw new GamedayError(`cannot create the run directory ${runDir}: ${describeError(error)}`, {
      kind: 'invalid-input',
      code: 'REPORT_DIR',
      cause: error,
      hint: 'give a writable --report-dir (in a container: a mounted volume, e.g. --report-dir /reports)',
    });
  }
  const journalPath = join(runDir, 'journal.ndjson');
  const journal = new Journal(journalPath);
  journal.append({
    type: 'run',
    at: new Date().toISOString(),
    runId,
    scenario: scenario.name,
    file: scenario.file,
    // pid, host and start time: `gameday rollback` refuses while this very process runs (a reused pid is not it).
    ...selfIdentity(),
  });
  const rec = new RunRecorder(clock, opts.reporters ?? []);
  const startT = clock.now();
  const startedAt = new Date(clock.wall(startT)).toISOString();
  rec.event(
    { kind: 'run-start', t: startT, scenario: scenario.name, runId, runDir },
    `${label} ${runId} of ${scenario.name}`,
  );
  return { clock, runId, runDir, journalPath, journal, rec, startT, startedAt };
}
