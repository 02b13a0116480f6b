// The part of a runbook's context every region-failover fault takes from its fault runtime.

import type { RunbookContext } from '../runbook/types.js';
import type { FaultRuntime } from './types.js';

/** Journal, clock, abort signal, step, log, RPO markers and poll interval; the caller adds its targets. */
export function runbookContextOf(
  runtime: FaultRuntime,
  pollMs: number | undefined,
): Pick<RunbookContext, 'journal' | 'clock' | 'signal' | 'step' | 'log' | 'markers' | 'pollMs'> {
  return {
    journal: runtime.journal,
    clock: runtime.clock,
    signal: runtime.signal,
    step: runtime.step,
    log: runtime.log,
    ...(runtime.markers ? { markers: runtime.markers } : {}),
    ...(pollMs === undefined ? {} : { pollMs }),
  };
}
