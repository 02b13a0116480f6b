// Rolling back a run whose holder is gone, from the journal it mirrored next to its shared lock — on any
// machine: `gameday rollback --target <scenario>`, `gameday rollback --orphans`, and the next run on the
// same target before it takes the lock (a repair, reported in that run's report).

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { AwsClientOptions } from '../drivers/aws/index.js';
import { GamedayError } from '../errors.js';
import type { RepairResult } from '../report/types.js';
import { journalRun, parseJournal, readJournal, type Journal } from './journal.js';
import type { LockRecord, TargetLockBackend } from './lock/index.js';
import type { RunRecorder } from './recorder.js';
import { rollbackJournal, type JournalRollbackOptions, type JournalRollbackOutcome } from './rollback-journal.js';

export interface OrphanRollbackOptions {
  /** Where a journal copied from a shared store is written: <reportDir>/<scenario>/<run-id>/journal.ndjson. */
  reportDir: string;
  /** Time allowed for each undo (default 2m). */
  timeoutMs?: number;
  /** Roll back although the holder's state is unknown (another host, no dead-man time): a person knows it ended. */
  force?: boolean;
  awsClientOptions?: AwsClientOptions;
  log?(message: string): void;
  /** As JournalRollbackOptions.onStart, with the run directory whose journal is undone. */
  onStart?(start: { pending: number; checked: string[]; runDir: string }): void;
  onUndo?: JournalRollbackOptions['onUndo'];
}

const since = (r: LockRecord): string => {
  const ms = Date.now() - Date.parse(r.renewedAt);
  return Number.isFinite(ms) ? `last renewed ${Math.round(ms / 1000)}s ago` : 'never renewed';
};

/** One line for a person: who holds the record, since when, where. */
export function describeHolder(r: LockRecord): string {
  const h = r.holder;
  return `${h.purpose === 'rollback' ? 'gameday rollback of' : 'run'} ${h.runId} (pid ${h.pid} on ${h.host || 'an unknown host'}, since ${h.since || '?'}, ${since(r)})`;
}

/**
 * The run directory whose journal.ndjson is the holder's journal: its own, when it ran on this machine;
 * else a copy of the one it mirrored to the shared store, under `reportDir`.
 */
async function journalDir(record: LockRecord, backend: TargetLockBackend, reportDir: string): Promise<string> {
  const path = record.holder.journalPath;
  if (path !== '' && existsSync(path)) {
    try {
      if (journalRun(readJournal(path))?.runId === record.holder.runId) return dirname(path);
    } catch {
      // Unreadable here: the shared copy below.
    }
  }
  const text = await backend.readJournal?.(record);
  if (text === undefined) {
    throw new GamedayError(
      `${record.key} is held by ${describeHolder(record)}, and its journal is found neither here nor at ${record.holder.journal ?? backend.describe(record.key)}`,
      {
        kind: 'rollback-incomplete',
        code: 'JOURNAL_NOT_FOUND',
        target: record.key,
        hint: `gameday cannot tell what that run changed; check the target by hand, then remove the ${backend.describe(record.key)}`,
      },
    );
  }
  const scenario = journalRun(parseJournal(text, record.holder.journal ?? 'shared journal'))?.scenario ?? 'orphans';
  const dir = resolve(reportDir, scenario, record.holder.runId);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'journal.ndjson'), text, { mode: 0o600 });
  return dir;
}

/**
 * Roll back what the holder of `record` left behind. Refuses (exit 2) while it is alive — it rolls back
 * by itself — and, without `force`, while its state is unknown. Every check of `gameday rollback` applies.
 */
export async function rollbackHolder(
  record: LockRecord,
  backend: TargetLockBackend,
  opts: OrphanRollbackOptions,
): Promise<{ runDir: string; outcome: JournalRollbackOutcome }> {
  const state = backend.holderState(record);
  if (state === 'alive') {
    throw new GamedayError(`${record.key} is held by ${describeHolder(record)}, which is still running`, {
      kind: 'invalid-input',
      code: 'RUN_ALIVE',
      phase: 'rollback',
      target: record.key,
      hint: `a live run rolls back by itself when it ends; stop it with SIGINT (kill -INT ${record.holder.pid} on ${record.holder.host})`,
    });
  }
  if (state === 'unknown' && opts.force !== true) {
    throw new GamedayError(
      `${record.key} is held by ${describeHolder(record)}; gameday cannot tell from here whether it still runs (it set no guards.deadman)`,
      {
        kind: 'invalid-input',
        code: 'RUN_ON_OTHER_HOST',
        phase: 'rollback',
        target: record.key,
        hint: `pass --force once you know that run has ended (its host ${record.holder.host} is gone, or its process is)`,
      },
    );
  }
  const runDir = await journalDir(record, backend, opts.reportDir);
  const outcome = await rollbackJournal(runDir, {
    timeoutMs: opts.timeoutMs ?? 120_000,
    ownerGone: state === 'dead',
    force: opts.force === true,
    ...(opts.awsClientOptions ? { awsClientOptions: opts.awsClientOptions } : {}),
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.onStart ? { onStart: (start) => opts.onStart?.({ ...start, runDir }) } : {}),
    ...(opts.onUndo ? { onUndo: opts.onUndo } : {}),
  });
  return { runDir, outcome };
}

/** What the start of a run repaired: the gone holder's run, rolled back before the lock was taken. */
export type Repair = RepairResult;

/**
 * The start of a run on a target whose lock a gone holder keeps: roll back that holder's run from its
 * journal. `onRepair` hears of it, complete or not; an incomplete one throws (the run does not start).
 */
export async function repairOrphan(
  record: LockRecord,
  backend: TargetLockBackend,
  opts: {
    reportDir: string;
    timeoutMs?: number;
    scenarioFile?: string;
    log(message: string): void;
    onRepair?(repair: Repair): void;
  },
): Promise<void> {
  const { runDir, outcome } = await rollbackHolder(record, backend, {
    reportDir: opts.reportDir,
    log: opts.log,
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
  });
  const h = record.holder;
  const result = outcome.status === 'nothing-pending' ? { complete: true, undone: 0, failed: [] } : outcome.result;
  opts.onRepair?.({
    key: record.key,
    runId: h.runId,
    host: h.host,
    since: h.since,
    renewedAt: record.renewedAt,
    journal: runDir,
    undone: result.undone,
    complete: result.complete,
    failed: result.failed.map((f) => ({ id: f.id, error: f.error })),
  });
  if (!result.complete) {
    const again = opts.scenarioFile === undefined ? runDir : `--target ${opts.scenarioFile}`;
    throw new GamedayError(
      `the rollback of ${describeHolder(record)}, which left ${record.key} changed, did not complete (${result.failed.length} failed); this run does not start`,
      {
        kind: 'runtime',
        code: 'TARGET_PENDING_ROLLBACK',
        phase: 'guards',
        target: record.key,
        hint: `gameday rollback ${again}; where it cannot complete (exit 4), put the system back as it says, then gameday rollback ${runDir} --resolved`,
      },
    );
  }
}

/** A repair in the repairing run's journal and on its timeline (the report lists it too, see run.ts). */
export function recordRepair(r: Repair, journal: Journal, rec: RunRecorder): void {
  const { key, runId, host, undone, complete } = r;
  journal.append({
    type: 'repair',
    at: new Date().toISOString(),
    key,
    runId,
    host,
    journal: r.journal,
    undone,
    complete,
  });
  const failed = complete ? '' : `, ${r.failed.length} failed`;
  rec.note(
    'repair',
    `${complete ? 'repaired' : 'could not repair'} ${key}: rolled back run ${runId} (on ${host || 'an unknown host'}, last renewed ${r.renewedAt || 'never'}): ${undone} mutation(s) undone${failed} (journal ${r.journal})`,
    complete ? 'warn' : 'error',
  );
}
