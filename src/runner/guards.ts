// Guards: checks that must pass before any fault — allowlists, blast radius, one run per target at a time.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GamedayError } from '../errors.js';
import type { Scenario } from '../scenario/types.js';
import type { Plan } from './plan.js';

/** Pure: every guard violation in the plan, as errors (the run refuses before any mutation). */
export function checkGuards(scenario: Scenario, plan: Plan): GamedayError[] {
  const errors: GamedayError[] = [];
  const { allowedZones, maxUnavailable } = scenario.guards;
  for (const step of plan.steps) {
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
    if (maxUnavailable) {
      const cap =
        'count' in maxUnavailable
          ? maxUnavailable.count
          : Math.floor((maxUnavailable.percent / 100) * step.planned.fleet);
      if (step.planned.unavailable > cap) {
        const capText =
          'count' in maxUnavailable ? `${cap}` : `${maxUnavailable.percent}% of ${step.planned.fleet} = ${cap}`;
        errors.push(
          new GamedayError(
            `step ${step.name}: would take ${step.planned.unavailable} replica(s) out of service, above guards.maxUnavailable (${capText})`,
            {
              kind: 'invalid-input',
              code: 'GUARD_BLAST_RADIUS',
              hint: 'select fewer replicas or raise guards.maxUnavailable',
            },
          ),
        );
      }
    }
  }
  return errors;
}

/** A lock held by a run on one target, so two runs never inject into the same system at once. */
export interface TargetLock {
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Take the lock for `targetKey`; a lock left by a dead process is taken over. */
export function acquireTargetLock(
  targetKey: string,
  runDir: string,
  lockDir = join(tmpdir(), 'gameday-locks'),
): TargetLock {
  mkdirSync(lockDir, { recursive: true });
  const path = join(lockDir, `${createHash('sha256').update(targetKey).digest('hex').slice(0, 16)}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, JSON.stringify({ pid: process.pid, runDir, targetKey }), { flag: 'wx' });
      return { release: () => rmSync(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder: { pid?: number; runDir?: string } = {};
      try {
        holder = JSON.parse(readFileSync(path, 'utf8')) as typeof holder;
      } catch {
        // A torn lock file is treated as stale.
      }
      if (holder.pid !== undefined && alive(holder.pid)) {
        throw new GamedayError(`another gameday run (pid ${holder.pid}) is acting on ${targetKey}`, {
          kind: 'invalid-input',
          code: 'TARGET_LOCKED',
          hint: `wait for it to finish${holder.runDir ? ` (run dir ${holder.runDir})` : ''}`,
        });
      }
      rmSync(path, { force: true });
    }
  }
  throw new GamedayError(`cannot lock ${targetKey}`, { kind: 'runtime', code: 'LOCK_FAILED' });
}
