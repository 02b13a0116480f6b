// region-failover on the sandbox: optionally a regional outage of the serving region (its replicas
// die, its database primary crashes), then the failover runbook moves service to the DR region.
// Failback is the same fault with from/to swapped (and a runbook that rebuilds the standby first).

import { primaryRegion } from '../../drivers/sandbox/regions.js';
import { runbookContextOf } from '../runbook-context.js';
import { GamedayError, isGamedayError } from '../../errors.js';
import { checkRunbook, defaultFailoverRunbook, runRunbook, runbookTimings } from '../../runbook/index.js';
import type { RegionFailoverFault, RunbookResult, RunbookStep, RunbookTiming } from '../../runbook/index.js';
import type { ResolvedFault } from '../../scenario/types.js';
import { formatDuration } from '../../util/duration.js';
import type { FaultExecution, FaultRuntime, Inventory, PlannedFault } from '../types.js';
import { SANDBOX_POOL, sandboxInventory, sandboxRuntime } from './common.js';

/** A FaultExecution that also carries the runbook's per-step timings (for report.json). */
export interface RegionFailoverExecution extends FaultExecution {
  runbook: RunbookTiming[];
}

/** The runbook failed: carries which step, why, and the timings of every step, rolled back or not. */
export class RunbookFailedError extends GamedayError {
  readonly runbook: RunbookTiming[];
  readonly t0: number | null;

  constructor(result: RunbookResult, t0: number | null, target: string) {
    const f = result.failed ?? { step: '?', reason: 'unknown' };
    const rb = result.rollback;
    const rolledBack = rb?.complete
      ? 'the steps done were rolled back'
      : `rollback incomplete: ${rb?.errors.join('; ')}`;
    super(`runbook step ${f.step} failed: ${f.reason}; ${rolledBack}`, {
      kind: rb?.complete === false ? 'rollback-incomplete' : 'runtime',
      code: 'RUNBOOK_FAILED',
      phase: 'inject',
      target,
      hint: 'the report lists each runbook step with its duration; fix the failing step and run again',
      ...(f.error === undefined ? {} : { cause: f.error }),
    });
    this.runbook = runbookTimings(result);
    this.t0 = t0;
  }
}

/**
 * The runbook failed because gameday itself was refused (its AWS principal lacks a permission): a harness
 * error to fix in gameday's setup, not a finding about the DR plan.
 */
export function refusedToHarness(error: RunbookFailedError): boolean {
  const cause = (error as { cause?: unknown }).cause;
  return isGamedayError(cause) && cause.code === 'AWS_ACCESS_DENIED';
}

/** The regions a failover moves between, checked against the inventory. */
function resolveRegions(fault: RegionFailoverFault, inventory: Inventory): { from: string; to: string } {
  const status = sandboxInventory(inventory, 'region-failover');
  const names = Object.keys(status.regions ?? {});
  const bad = (message: string, hint: string): GamedayError =>
    new GamedayError(message, { kind: 'invalid-input', code: 'REGION_FAILOVER_TOPOLOGY', hint });
  if (names.length < 2) {
    throw bad(
      'region-failover needs a sandbox with two regions, and this one has one',
      'set `targets.sandbox.regions: [{name: west}, {name: east, replicas: 0}]`',
    );
  }
  const from = fault.from ?? status.servingRegion;
  const to = fault.to ?? names.find((n) => n !== from) ?? '';
  for (const r of [from, to]) {
    if (!names.includes(r)) throw bad(`region "${r}" does not exist in the sandbox`, `regions: ${names.join(', ')}`);
  }
  if (from === to) throw bad(`region-failover from and to are both "${from}"`, 'name two different regions');
  return { from, to };
}

/** The steps to run: the scenario's, or the default one sized from the inventory. */
function stepsFor(fault: RegionFailoverFault, inventory: Inventory, to: string, from: string): RunbookStep[] {
  if (fault.runbook) return fault.runbook;
  const status = sandboxInventory(inventory, 'region-failover');
  return defaultFailoverRunbook({ to, replicas: Math.max(1, status.regions[from]?.desired ?? status.desired) });
}

/**
 * Typed like a FaultModule over RegionFailoverFault. Why not FaultModule<…>: the resolved scenario
 * union (src/scenario/types.ts) does not contain region-failover yet; the registry casts, as it does
 * for every module.
 */
export const regionFailover = {
  type: 'region-failover' as const,

  plan(fault: RegionFailoverFault, inventory: Inventory): PlannedFault {
    const status = sandboxInventory(inventory, 'region-failover');
    const { from, to } = resolveRegions(fault, inventory);
    const steps = stepsFor(fault, inventory, to, from);
    const errors = checkRunbook(steps);
    if (errors.length > 0) {
      throw new GamedayError(`invalid runbook: ${errors.join('; ')}`, {
        kind: 'invalid-input',
        code: 'INVALID_RUNBOOK',
        hint: 'fix the runbook steps of the region-failover fault',
      });
    }
    const fromFleet = status.regions[from]?.desired ?? 0;
    const outage = fault.outage ? `outage of ${from} (database ${fault.outage.database}), then ` : '';
    return {
      fault: { ...fault, runbook: steps } as unknown as ResolvedFault,
      target: 'sandbox',
      description: `${outage}fail over ${from} → ${to}: ${steps.map((s) => s.name).join(' → ')}`,
      affected: [`region ${from}`, `region ${to}`, ...steps.map((s) => `${s.name} (${s.action})`)],
      // An outage takes the whole serving fleet out at once; a planned failover takes none by itself.
      unavailable: fault.outage ? fromFleet : 0,
      fleet: fromFleet,
      ...(fault.outage
        ? {
            pools: [
              {
                pool: SANDBOX_POOL,
                size: fromFleet,
                ids: status.replicas.filter((r) => r.region === from && r.state === 'ready').map((r) => r.id),
              },
            ],
          }
        : {}),
    };
  },

  async inject(fault: RegionFailoverFault, planned: PlannedFault, runtime: FaultRuntime): Promise<FaultExecution> {
    const { client, controlUrl } = sandboxRuntime(runtime);
    const inventory = { sandbox: await client.status(runtime.signal) };
    const { from, to } = resolveRegions(fault, inventory);
    const steps = (planned.fault as unknown as RegionFailoverFault).runbook ?? stepsFor(fault, inventory, to, from);
    const findings: string[] = [];
    let outageT: number | null = null;

    if (fault.outage) {
      // Undo: the region comes back, and the database primary returns to where it is now.
      const databasePrimary = primaryRegion(inventory.sandbox);
      const id = await runtime.journal.intent(
        runtime.step,
        `region ${from} down (database ${fault.outage.database})`,
        `sandbox ${controlUrl}`,
        { driver: 'sandbox', op: 'region-up', args: { controlUrl, region: from, databasePrimary } },
      );
      try {
        const down = await client.regionDown(from, fault.outage.database, runtime.signal);
        outageT = runtime.clock.now();
        const detail = `${down.killed.length} replica(s) killed, database stopped: ${down.databaseStopped.join(', ') || 'none'}`;
        runtime.journal.applied(id, detail);
        runtime.log(`region ${from} down: ${detail}`);
      } catch (error) {
        runtime.journal.failed(id, String(error));
        throw error;
      }
    }

    const result = await runRunbook(steps, {
      ...runbookContextOf(runtime, fault.pollMs),
      sandbox: { client, controlUrl },
    });
    const t0 = outageT ?? result.firstMutationT;
    if (!result.ok) throw new RunbookFailedError(result, t0, `sandbox ${controlUrl}`);

    const timings = runbookTimings(result);
    const total = result.steps.reduce((n, s) => n + (s.durationMs ?? 0), 0);
    const lines = timings.map((s) => `${s.step} (${s.action}) ${formatDuration(s.durationMs ?? 0)}`);
    findings.push(`runbook timings: ${lines.join(', ')}`);
    const execution: RegionFailoverExecution = {
      t0: t0 ?? runtime.clock.now(),
      detail: `${fault.outage ? `region ${from} down; ` : ''}failed over ${from} → ${to} in ${formatDuration(total)}: ${lines.join(', ')}`,
      affected: [`region ${from}`, `region ${to}`],
      findings,
      runbook: timings,
    };
    return execution;
  },
};
