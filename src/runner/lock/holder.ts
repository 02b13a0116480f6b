// Reading a stored holder back: every backend stores the holder as JSON that a person, another gameday
// version or a torn write may have changed; what is not a valid field reads as a holder that is gone.

import type { LockHolder } from './types.js';

/** A holder from stored JSON; missing or malformed fields get values that read as a dead holder. */
export function holderFrom(raw: unknown): LockHolder {
  const h = (raw !== null && typeof raw === 'object' ? raw : {}) as Partial<Record<keyof LockHolder, unknown>>;
  return {
    runId: String(h.runId ?? '(unknown)'),
    pid: typeof h.pid === 'number' ? h.pid : 0,
    host: String(h.host ?? ''),
    ...(typeof h.startTime === 'string' ? { startTime: h.startTime } : {}),
    journalPath: String(h.journalPath ?? ''),
    since: String(h.since ?? ''),
    purpose: h.purpose === 'rollback' ? 'rollback' : 'run',
    ...(typeof h.leaseMs === 'number' ? { leaseMs: h.leaseMs } : {}),
    ...(typeof h.deadmanMs === 'number' ? { deadmanMs: h.deadmanMs } : {}),
    ...(typeof h.journal === 'string' ? { journal: h.journal } : {}),
  };
}
