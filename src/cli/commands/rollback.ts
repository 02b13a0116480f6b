// gameday rollback <run-dir>: undo whatever a crashed or killed run left behind.

import type { AwsWaiting } from '../../drivers/aws/index.js';
import { GamedayError } from '../../errors.js';
import { configureAwsUndo } from '../../faults/aws/undo.js';
import { rollbackJournal } from '../../runner/rollback-journal.js';
import { parseDuration } from '../../util/duration.js';
import { parseCommandArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { rollbackShared } from './rollback-shared.js';

export const rollbackHelp = `Usage: gameday rollback <run-dir> [--timeout 2m] [--force] [--resolved] [--json] [--quiet]
       gameday rollback --target <scenario> [<scenario…>] [--force] [--report-dir D]
       gameday rollback --orphans <scenario|dir…> [--report-dir D]

Replay the undo of every journaled mutation of a run that was not undone (newest first): for a run
killed with SIGKILL, a crash, or a rollback that did not finish. Safe to run more than once.
It refuses (exit 2, nothing changed) while the run that owns the journal is still running (send that run
SIGINT instead: it rolls back by itself), and when the credentials given reach another system than the
one the run acted on (Kubernetes API server and CA, AWS account and region, sandbox instance). It holds
the run's target locks while it works; a new run on those targets waits for it.
  --timeout D   time allowed for each undo (default 2m)
  --force       roll back although the run ran on another host, whose processes cannot be checked from here
  --resolved    after a person put the system back by hand (an undo that cannot succeed, exit 4): record
                every pending mutation as resolved, run no undo, and release the run's target locks
  --json        print { runDir, pending, complete, undone, failed } at the end
  --quiet       print failures only
  --target F    from any machine: find the run that holds the shared lock (Kubernetes Lease, S3 object) of
                scenario F's targets and, once its holder is gone (its pid ended on this host, or it stopped
                renewing for its lease), undo it from the journal it mirrored there (copied to --report-dir)
  --orphans     from any machine: every run in the shared lock places of the scenarios given whose holder
                is gone and set guards.deadman (or ran on this host); live holders are left alone, and so
                are expired ones without guards.deadman (the next run on their target repairs them). Suits
                a schedule (a CronJob, a CI cron) as the dead-man's watcher.
  --report-dir D  where journals copied from a shared store are written (default reports/)
Exit 0 when everything is undone, 2 when refused, 3 when a target lock is held, 4 when something could not
be undone (a person must look).`;

function timeoutOf(values: Record<string, string | boolean | undefined>): number {
  const text = values['timeout'] ?? values['timeout-ms'];
  if (text === undefined) return 120_000;
  const ms = values['timeout'] !== undefined ? parseDuration(String(text)) : Number(text);
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) {
    throw new GamedayError(`rollback: --timeout takes a duration, got "${String(text)}"`, {
      kind: 'usage',
      code: 'USAGE',
      hint: 'e.g. --timeout 2m or --timeout 90s',
    });
  }
  return ms;
}

export async function rollbackCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('rollback', argv, {
    help: { type: 'boolean', short: 'h' },
    timeout: { type: 'string' },
    'timeout-ms': { type: 'string' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    force: { type: 'boolean' },
    resolved: { type: 'boolean' },
    target: { type: 'string' },
    orphans: { type: 'boolean' },
    'report-dir': { type: 'string' },
  });
  if (values['help']) {
    io.out(rollbackHelp);
    return 0;
  }
  if (values['target'] !== undefined || values['orphans'] === true) {
    return rollbackShared(values, positionals, io, { timeoutMs: timeoutOf(values) });
  }
  if (positionals.length !== 1) {
    throw new GamedayError('rollback: give exactly one run directory', {
      kind: 'usage',
      code: 'USAGE',
      hint: 'gameday rollback reports/<scenario>/<run-id>',
    });
  }
  const dir = positionals[0] as string;
  const json = values['json'] === true;
  // --json: one document at the end; --quiet: failures only.
  const say = json || values['quiet'] ? (): void => undefined : (line: string): void => io.out(line);
  const summary = (pending: number, complete: boolean, undone: number, failed: unknown[]): void => {
    if (json) io.out(JSON.stringify({ runDir: dir, pending, complete, undone, failed }, null, 2));
  };
  // AWS undos and the identity check show what they wait for, as a run does.
  const awsClientOptions = {
    onWaiting: (w: AwsWaiting) =>
      io.err(`  waiting for ${w.endpoint} (${w.call}) … ${Math.round(w.elapsedMs / 1000)}s`),
  };
  configureAwsUndo(awsClientOptions);
  const outcome = await rollbackJournal(dir, {
    timeoutMs: timeoutOf(values),
    force: values['force'] === true,
    resolved: values['resolved'] === true,
    awsClientOptions,
    log: (m) => (json || values['quiet'] ? undefined : io.err(`  ${m}`)),
    onStart: ({ pending, checked }) => {
      for (const c of checked) say(`  target confirmed: ${c}`);
      say(`rolling back ${pending} mutation(s), newest first`);
    },
    onUndo: (id, status, detail) =>
      status === 'ok' ? say(`  undone ${id}: ${detail}`) : io.err(`  FAILED ${id}: ${detail}`),
  });
  if (outcome.status === 'nothing-pending') {
    say(`nothing to roll back in ${dir}: every mutation is already undone`);
    if (outcome.staleLocksRemoved > 0) say(`  removed ${outcome.staleLocksRemoved} lock(s) the run left behind`);
    summary(0, true, 0, []);
    return 0;
  }
  const { result } = outcome;
  summary(outcome.pending, result.complete, result.undone, result.failed);
  if (!result.complete) {
    for (const f of result.failed) if (f.hint) io.err(`  what to do (${f.code ?? f.id}): ${f.hint}`);
    io.err(`rollback incomplete: ${result.failed.length} mutation(s) could not be undone; a person must look`);
    io.err(`  once the system is put back by hand: gameday rollback ${dir} --resolved (releases the run's locks)`);
    return 4;
  }
  say(`rollback complete: ${result.undone} mutation(s) undone`);
  return 0;
}
