// gameday rollback --target <scenario> / --orphans <scenarios…>: undo, from any machine, a run whose
// holder is gone, through the journal it mirrored next to its shared lock (Kubernetes Lease, S3 object).

import type { AwsWaiting } from '../../drivers/aws/index.js';
import { GamedayError, describeError, isGamedayError } from '../../errors.js';
import { configureAwsUndo } from '../../faults/aws/undo.js';
import { hostname } from 'node:os';
import { sharedBackend, type HolderState, type LockRecord, type TargetLockBackend } from '../../runner/lock/index.js';
import { describeHolder, rollbackHolder } from '../../runner/rollback-orphans.js';
import { sharedLockPlaces } from '../../runner/targets-shared-lock.js';
import { loadOrExplain } from '../scenarios.js';
import { scenarioFiles } from './scenario-files.js';
import type { CliIo } from '../io.js';

type Values = Record<string, string | boolean | undefined>;

/** Roll back one holder and print as `gameday rollback <dir>` does; the exit code. */
async function undoHolder(
  record: LockRecord,
  backend: TargetLockBackend,
  io: CliIo,
  opts: { timeoutMs: number; force: boolean; reportDir: string },
): Promise<number> {
  io.out(`${record.key}: held by ${describeHolder(record)}`);
  const awsClientOptions = {
    onWaiting: (w: AwsWaiting) =>
      io.err(`  waiting for ${w.endpoint} (${w.call}) … ${Math.round(w.elapsedMs / 1000)}s`),
  };
  configureAwsUndo(awsClientOptions);
  const { runDir, outcome } = await rollbackHolder(record, backend, {
    reportDir: opts.reportDir,
    timeoutMs: opts.timeoutMs,
    force: opts.force,
    awsClientOptions,
    log: (m) => io.err(`  ${m}`),
    onStart: ({ pending, checked, runDir }) => {
      for (const c of checked) io.out(`  target confirmed: ${c}`);
      io.out(`  rolling back ${pending} mutation(s) of ${runDir}, newest first`);
    },
    onUndo: (id, status, detail) =>
      status === 'ok' ? io.out(`  undone ${id}: ${detail}`) : io.err(`  FAILED ${id}: ${detail}`),
  });
  if (outcome.status === 'nothing-pending') {
    io.out(`  nothing to roll back: every mutation is already undone; removed the lock it left behind`);
    return 0;
  }
  if (!outcome.result.complete) {
    for (const f of outcome.result.failed) if (f.hint) io.err(`  what to do (${f.code ?? f.id}): ${f.hint}`);
    io.err(
      `  rollback incomplete: ${outcome.result.failed.length} mutation(s) could not be undone; a person must look`,
    );
    io.err(`  once the system is put back by hand: gameday rollback ${runDir} --resolved`);
    return 4;
  }
  io.out(`  rollback complete: ${outcome.result.undone} mutation(s) undone`);
  return 0;
}

/**
 * Why `--orphans` (the unattended watcher) leaves a holder alone; undefined when it rolls it back: a holder
 * that is gone and either set guards.deadman (it asked for this) or ran here (its process is known dead).
 * An expired holder without guards.deadman is left to whoever wants the target: the next run repairs it.
 */
function leftAlone(record: LockRecord, state: HolderState, file: string): string | undefined {
  if (state === 'alive') return 'still running, left alone';
  if (state === 'unknown')
    return `state unknown (its record names no lease); gameday rollback --target ${file} --force once it has ended`;
  if (record.holder.deadmanMs !== undefined || record.holder.host === hostname()) return undefined;
  return `stopped renewing, and set no guards.deadman: left to the next run on the target, or gameday rollback --target ${file}`;
}

/** `--target F` and `--orphans F…`. */
export async function rollbackShared(
  values: Values,
  positionals: string[],
  io: CliIo,
  common: { timeoutMs: number },
): Promise<number> {
  const target = values['target'];
  const orphans = values['orphans'] === true;
  if ((typeof target === 'string') === orphans) {
    throw new GamedayError('rollback: give either --target <scenario> or --orphans <scenario|dir…>', {
      kind: 'usage',
      code: 'USAGE',
      hint: 'gameday rollback --target scenarios/connectkit/az-loss.yaml, or gameday rollback --orphans scenarios/connectkit/',
    });
  }
  // --target F [more…]: the scenarios whose own lock keys to look at; --orphans: every lock in their places.
  const files = [...(typeof target === 'string' ? [target] : []), ...scenarioFiles(positionals)];
  if (files.length === 0) {
    throw new GamedayError('rollback --orphans: name the scenarios (or a directory of them) whose targets to look at', {
      kind: 'usage',
      code: 'USAGE',
      hint: 'gameday rollback --orphans scenarios/connectkit/',
    });
  }
  const scenarios = await loadOrExplain(files, io);
  const opts = {
    timeoutMs: common.timeoutMs,
    force: values['force'] === true,
    reportDir: typeof values['report-dir'] === 'string' ? values['report-dir'] : 'reports',
  };
  const signal = AbortSignal.timeout(120_000);
  let code = 0;
  const seen = new Set<string>();
  for (const scenario of scenarios) {
    const places = await sharedLockPlaces(scenario, signal);
    if (places.length === 0)
      io.err(`${scenario.file}: its targets keep no shared lock (sandbox, or aws without targets.aws.lock)`);
    for (const place of places) {
      const id = `${JSON.stringify(place.spec)}|${orphans ? '*' : place.key}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const backend = await sharedBackend(place.spec);
      try {
        const records = orphans
          ? await backend.store.list()
          : [await backend.read(place.key)].filter((r): r is LockRecord => r !== undefined);
        if (records.length === 0) io.out(`nothing to roll back: no run holds a lock in ${backend.location}`);
        for (const record of records) {
          const left = orphans ? leftAlone(record, backend.holderState(record), scenario.file) : undefined;
          if (left !== undefined) {
            io.out(`${record.key}: held by ${describeHolder(record)}: ${left}`);
            continue;
          }
          try {
            code = Math.max(code, await undoHolder(record, backend, io, opts));
          } catch (error) {
            // --orphans goes on with the next one; --target reports its one refusal as any command does.
            if (!orphans) throw error;
            io.err(`  ${describeError(error)}`);
            if (isGamedayError(error) && error.hint) io.err(`  hint: ${error.hint}`);
            code = Math.max(code, isGamedayError(error) && error.kind === 'rollback-incomplete' ? 4 : 3);
          }
        }
      } finally {
        backend.close();
      }
    }
  }
  return code;
}
