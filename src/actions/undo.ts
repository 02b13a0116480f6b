// The undo handler of action steps: replays the journaled call. Header and environment values were
// left out of the journal; they come from this process (the run's own rollback) or, after a crash,
// from the scenario file read again with the current environment.

import { GamedayError } from '../errors.js';
import { loadScenarioFile } from '../scenario/load.js';
import type { ResolvedCall } from '../scenario/types-gameday.js';
import { describeCall, journalCall } from './describe.js';
import { forgetUndo, recallUndo } from './registry.js';
import { performCall } from './run.js';

type Args = Record<string, unknown>;

const stable = (v: unknown): string => JSON.stringify(v, Object.keys(v as object).sort());

/** The undo as recorded, with its secrets restored. */
async function fullUndo(args: Args): Promise<ResolvedCall> {
  const recorded = args['undo'] as Record<string, unknown> | undefined;
  if (recorded === undefined) {
    throw new GamedayError('action undo: the journal entry has no call', {
      kind: 'rollback-incomplete',
      code: 'UNDO_ARGS',
    });
  }
  const ref = typeof args['ref'] === 'string' ? args['ref'] : '';
  const inProcess = recallUndo(ref);
  if (inProcess) return inProcess;
  if (args['secret'] !== true) return recorded as unknown as ResolvedCall;
  const file = String(args['file'] ?? '');
  const index = Number(args['step']);
  const shown = describeCall(recorded as unknown as ResolvedCall);
  const { scenario } = await loadScenarioFile(file);
  const step = scenario?.steps[index];
  // Why compare: the file may have changed since the crash; replay only the very call that was journaled.
  if (step?.kind === 'action' && stable(journalCall(step.undo).call) === stable(recorded)) return step.undo;
  throw new GamedayError(`action undo (${shown}): its header or environment values are not in the journal`, {
    kind: 'rollback-incomplete',
    code: 'ACTION_UNDO_SECRETS',
    hint: `set the variables ${file} needs (the game day's variables too) and run gameday rollback again, or undo by hand: ${shown}`,
  });
}

export const actionUndoHandlers: Record<string, (args: Args, ctx: { signal: AbortSignal }) => Promise<string>> = {
  async 'action:call'(args, ctx) {
    const call = await fullUndo(args);
    const outcome = await performCall(call, ctx.signal);
    if (!outcome.ok) {
      throw new GamedayError(`action undo failed: ${outcome.detail}`, {
        kind: 'rollback-incomplete',
        code: 'ACTION_UNDO_FAILED',
        hint: `check the system and undo by hand: ${describeCall(call)}`,
      });
    }
    if (typeof args['ref'] === 'string') forgetUndo(args['ref']);
    return outcome.detail;
  },
};
