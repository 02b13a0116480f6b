// The blast radius over a whole run: guards.maxUnavailable caps what is out of service at any moment,
// counting what earlier steps took out and has not recovered. Planning sums it over the steps (pure);
// at run time each fault checks the live state again right before its mutating call.

import { GamedayError } from '../errors.js';
import type { ResolvedGuards } from '../scenario/types.js';

/** One pool of interchangeable replicas a fault takes members of: the sandbox fleet, a Kubernetes workload. */
export interface PoolImpact {
  /** "sandbox fleet", "workload production/connectkit". */
  pool: string;
  /** Members the cap is a share of. */
  size: number;
  /** Members this step takes out of service. */
  ids: string[];
}

export type MaxUnavailable = NonNullable<ResolvedGuards['maxUnavailable']>;

/** The most members of a pool of `size` that may be out of service at once, and how that was worked out. */
export function capFor(max: MaxUnavailable, size: number): { cap: number; text: string } {
  if ('count' in max) return { cap: max.count, text: `${max.count}` };
  const cap = Math.floor((max.percent / 100) * size);
  return { cap, text: `${max.percent}% of ${size} = ${cap}` };
}

/** The run-time half: what a fault needs to check the live state before a mutating call. */
export interface LiveBlastRadius {
  max: MaxUnavailable;
  /**
   * Refuse (abort the run, which rolls back; exit 3) when taking `taking` of `pool` out of service now,
   * with `unavailableNow` of its `size` members already out, would exceed the cap.
   */
  check(step: string, pool: string, size: number, unavailableNow: number, taking: number): void;
}

/** The live check for `max` (undefined when the scenario sets no cap). */
export function liveBlastRadius(max: MaxUnavailable | undefined): LiveBlastRadius | undefined {
  if (!max) return undefined;
  return {
    max,
    check(step, pool, size, unavailableNow, taking) {
      const { cap, text } = capFor(max, size);
      const after = unavailableNow + taking;
      if (taking === 0 || after <= cap) return;
      // Why refuse the step rather than take fewer: the scenario asked for this fault; doing less
      // than asked would measure something else, doing it would break the promise of the cap.
      throw new GamedayError(
        `step ${step} refused: ${unavailableNow} of ${size} in ${pool} are out of service now; taking ${taking} more would leave ${after} out, above guards.maxUnavailable (${text})`,
        {
          kind: 'aborted',
          code: 'GUARD_BLAST_RADIUS_LIVE',
          phase: 'inject',
          target: pool,
          hint: 'the system had not recovered from earlier faults; add a `wait: { for: <probe> }` before this step or raise guards.maxUnavailable',
        },
      );
    },
  };
}
