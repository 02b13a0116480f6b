// Guards: checks that must pass before any fault — allowlists and the blast radius over the whole run.
// (The lock that keeps one run per target is in lock/.)

import { GamedayError } from '../errors.js';
import { capFor } from '../faults/blast-radius.js';
import type { Scenario } from '../scenario/types.js';
import type { Plan, PlannedStep } from './plan.js';

const isRecovery = (s: PlannedStep): boolean => s.kind === 'wait-probe' || s.kind === 'verify';

/**
 * Pure: every guard violation in the plan, as errors (the run refuses before any mutation). The blast
 * radius counts, per pool, every member taken out since the last wait for recovery: steps without a
 * `wait: { for: … }` (or a `verify`) between them add up, as their targets have not come back yet.
 */
export function checkGuards(scenario: Scenario, plan: Plan): GamedayError[] {
  const errors: GamedayError[] = [];
  const { allowedZones, maxUnavailable } = scenario.guards;
  // Per pool since the last recovery: members out and the steps that took them.
  let out = new Map<string, { ids: Set<string>; steps: string[]; size: number }>();
  // Zones and named nodes taken down since the last recovery, by step.
  let taken = new Map<string, string>();
  for (const step of plan.steps) {
    if (isRecovery(step)) {
      out = new Map();
      taken = new Map();
      continue;
    }
    if (step.kind !== 'fault') continue;
    const { fault } = step.planned;
    if (fault.type === 'zone-outage' && allowedZones && !allowedZones.includes(fault.zone)) {
      errors.push(
        new GamedayError(
          `step ${step.name}: zone ${fault.zone} is not in guards.allowedZones (${allowedZones.join(', ')})`,
          {
            kind: 'invalid-input',
            code: 'GUARD_ZONE',
            hint: 'add the zone to guards.allowedZones or choose another zone',
          },
        ),
      );
    }
    for (const target of step.planned.affected.filter((a) => a.startsWith('zone ') || a.startsWith('node/'))) {
      const before = taken.get(target);
      if (before !== undefined) {
        errors.push(
          new GamedayError(`step ${step.name}: ${target} is already taken down by step ${before}`, {
            kind: 'invalid-input',
            code: 'GUARD_TWICE',
            hint: `add a \`wait: { for: <probe> }\` after step ${before} so it has recovered, or choose another target`,
          }),
        );
      }
      taken.set(target, step.name);
    }
    if (!maxUnavailable) continue;
    const pools = step.planned.pools;
    if (pools === undefined) {
      // A fault without pools (AWS) is capped on its own numbers.
      const { cap, text } = capFor(maxUnavailable, step.planned.fleet);
      if (step.planned.unavailable > cap) {
        errors.push(
          new GamedayError(
            `step ${step.name}: would take ${step.planned.unavailable} replica(s) out of service, above guards.maxUnavailable (${text})`,
            {
              kind: 'invalid-input',
              code: 'GUARD_BLAST_RADIUS',
              hint: 'select fewer replicas or raise guards.maxUnavailable',
            },
          ),
        );
      }
      continue;
    }
    for (const pool of pools) {
      const prev = out.get(pool.pool) ?? { ids: new Set<string>(), steps: [], size: 0 };
      const ids = new Set([...prev.ids, ...pool.ids]);
      // Why the largest size seen and the members chosen: steps are planned from snapshots of a fleet that
      // may be replacing members (a refill starts one before stopping one), and a pool is at least as
      // large as the distinct members chosen from it.
      const size = Math.max(pool.size, prev.size, ids.size);
      const { cap, text } = capFor(maxUnavailable, size);
      if (ids.size > cap) {
        const earlier = ids.size - pool.ids.filter((id) => !prev.ids.has(id)).length;
        errors.push(
          new GamedayError(
            `step ${step.name}: would have ${ids.size} of ${size} in ${pool.pool} out of service at once (${pool.ids.length} from this step${earlier > 0 ? `, ${earlier} from step${prev.steps.length > 1 ? 's' : ''} ${prev.steps.join(', ')}, not recovered yet` : ''}), above guards.maxUnavailable (${text})`,
            {
              kind: 'invalid-input',
              code: 'GUARD_BLAST_RADIUS',
              hint:
                earlier > 0
                  ? 'add a `wait: { for: <probe> }` step between the faults so the fleet recovers, select fewer, or raise guards.maxUnavailable'
                  : 'select fewer replicas or raise guards.maxUnavailable',
            },
          ),
        );
      }
      out.set(pool.pool, { ids, steps: [...prev.steps, step.name], size });
    }
  }
  return errors;
}
