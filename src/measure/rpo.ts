// Recovery point objective and lost writes from the marker writer's acknowledgements.

import type { RpoMeasurement } from '../report/types.js';

export interface RpoInput {
  /** Every marker the primary acknowledged: its sequence number and epoch ms when it was written. */
  acknowledged: ReadonlyArray<{ seq: number; writtenAt: number }>;
  /** Sequence numbers present after recovery. */
  surviving: Iterable<number>;
  /** Epoch ms of the fault (t0). */
  faultAt: number;
  /** Epoch ms when the marker writer started; the recovery point when no acknowledged marker survived. */
  writerStartedAt?: number;
}

const toSeconds = (ms: number): number => Math.round(Math.max(0, ms)) / 1000;
const iso = (epochMs: number): string => new Date(epochMs).toISOString();

/**
 * Compare acknowledged markers with the surviving ones. Lost writes counts every acknowledged
 * marker that is missing (also those written after the fault); RPO only looks at markers
 * acknowledged at or before the fault: the newest of them minus the newest of them that survived.
 */
export function computeRpo(input: RpoInput): RpoMeasurement {
  const surviving = new Set(input.surviving);
  // Why: a seq acknowledged twice (a retried insert) is one write.
  const acked = new Map<number, number>();
  for (const a of input.acknowledged) {
    const prev = acked.get(a.seq);
    acked.set(a.seq, prev === undefined ? a.writtenAt : Math.min(prev, a.writtenAt));
  }

  let lostWrites = 0;
  let survivingAcked = 0;
  let newestBefore: number | null = null;
  let oldestBefore: number | null = null;
  let newestSurvivingBefore: number | null = null;
  for (const [seq, writtenAt] of acked) {
    const survived = surviving.has(seq);
    if (survived) survivingAcked++;
    else lostWrites++;
    // Why "at or before": a marker written in the same millisecond as the fault may have been lost to it.
    if (writtenAt > input.faultAt) continue;
    if (newestBefore === null || writtenAt > newestBefore) newestBefore = writtenAt;
    if (oldestBefore === null || writtenAt < oldestBefore) oldestBefore = writtenAt;
    if (survived && (newestSurvivingBefore === null || writtenAt > newestSurvivingBefore)) {
      newestSurvivingBefore = writtenAt;
    }
  }

  let seconds = 0;
  if (newestBefore !== null) {
    // Why: when nothing written before the fault survived, everything since the writer started
    // (or at least since the oldest acknowledged marker) is gone; that is a lower bound on RPO.
    const recoveryPoint = newestSurvivingBefore ?? input.writerStartedAt ?? oldestBefore ?? newestBefore;
    seconds = toSeconds(newestBefore - recoveryPoint);
  }

  return {
    seconds,
    lostWrites,
    acknowledged: acked.size,
    surviving: survivingAcked,
    newestSurvivingAt: newestSurvivingBefore === null ? null : iso(newestSurvivingBefore),
    newestAcknowledgedBeforeFaultAt: newestBefore === null ? null : iso(newestBefore),
  };
}

/** RPO of a restore drill in seconds: drill start minus the newest marker present in the restored copy. */
export function computeRestoreRpo(input: { drillStartAt: number; newestMarkerAt: number }): number {
  return toSeconds(input.drillStartAt - input.newestMarkerAt);
}
