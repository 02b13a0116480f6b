// Rollback: undo every journaled mutation that is not undone yet, newest first. It always runs —
// after success, failure, abort and signals — and `gameday rollback <run-dir>` replays it after a crash.

import { runUndo } from '../faults/undo.js';
import { describeError, isGamedayError } from '../errors.js';
import { redactText } from '../util/redact.js';
import { readJournal, type Journal, type PendingUndo } from './journal.js';

export interface RollbackResult {
  complete: boolean;
  undone: number;
  /** Each undo that failed; `code` and `hint` (what a person should do) when gameday raised the error. */
  failed: Array<{ id: string; error: string; code?: string; hint?: string }>;
}

export interface RollbackOptions {
  /** Time allowed for each undo. */
  timeoutMs: number;
  onUndo?(id: string, status: 'ok' | 'failed', detail: string): void;
}

/** Undo `pending` in reverse order. One failing undo does not stop the others. */
export async function rollback(
  journal: Journal,
  pending: readonly PendingUndo[],
  opts: RollbackOptions,
): Promise<RollbackResult> {
  const result: RollbackResult = { complete: true, undone: 0, failed: [] };
  // The whole journal, for undos that must know what the run started itself (faults/vanished.ts).
  const entries = readJournal(journal.path);
  // Why read the journal again: `pending` may be stale (another process undid some since); an undo the
  // journal already records is never run a second time.
  const done = new Set(entries.flatMap((e) => (e.type === 'undone' ? [e.id] : [])));
  for (const p of [...pending].reverse()) {
    if (done.has(p.id)) {
      opts.onUndo?.(p.id, 'ok', `${p.action}: already undone`);
      continue;
    }
    // Each undo gets its own time limit; rollback is never cancelled by the run's own abort signal.
    const signal = AbortSignal.timeout(opts.timeoutMs + 5_000);
    try {
      // Why no undo call: the mutating call never reached the system (connection refused), so the thing
      // it would have created or changed does not exist — retrying the undo against a dead endpoint
      // would leave the intent pending forever.
      const detail = p.notSent
        ? 'never created: the call never reached the system (connection refused), nothing to undo'
        : await runUndo(p.undo, { signal, timeoutMs: opts.timeoutMs, applied: p.applied, entries });
      journal.undone(p.id, detail);
      result.undone += 1;
      opts.onUndo?.(p.id, 'ok', `${p.action}: ${detail}`);
    } catch (error) {
      const message = redactText(describeError(error));
      journal.undoFailed(p.id, message);
      result.complete = false;
      result.failed.push({
        id: p.id,
        error: `${p.action}: ${message}`,
        ...(isGamedayError(error) ? { code: error.code } : {}),
        ...(isGamedayError(error) && error.hint !== undefined ? { hint: redactText(error.hint) } : {}),
      });
      opts.onUndo?.(p.id, 'failed', `${p.action}: ${message}`);
    }
  }
  return result;
}
