// Undos of actions with their secrets (header and environment values), kept in this process only:
// the journal holds them redacted, so the run's own rollback takes them from here.

import type { ResolvedCall } from '../scenario/types-gameday.js';

const undos = new Map<string, ResolvedCall>();

/** Keep the full undo of an action under the reference its journal entry carries. */
export function rememberUndo(ref: string, call: ResolvedCall): void {
  undos.set(ref, call);
}

/** The full undo for a journal reference, if this process journaled it. */
export function recallUndo(ref: string): ResolvedCall | undefined {
  return undos.get(ref);
}

/** Forget an undo once it ran. */
export function forgetUndo(ref: string): void {
  undos.delete(ref);
}
