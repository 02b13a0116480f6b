// Helpers shared by the sandbox faults.

import { GamedayError } from '../../errors.js';
import type { FaultRuntime, Inventory } from '../types.js';
import type { SandboxStatus } from '../../drivers/sandbox/index.js';

/** The sandbox inventory, or a clear error when the scenario has no sandbox target. */
export function sandboxInventory(inventory: Inventory, fault: string): SandboxStatus {
  if (!inventory.sandbox) {
    throw new GamedayError(`fault ${fault} needs the sandbox target, which is not available`, {
      kind: 'invalid-input',
      code: 'TARGET_MISSING',
      hint: 'add `targets: { sandbox: {} }` to the scenario',
    });
  }
  return inventory.sandbox;
}

/** The sandbox connection at run time. */
export function sandboxRuntime(runtime: FaultRuntime): NonNullable<FaultRuntime['sandbox']> {
  if (!runtime.sandbox) {
    throw new GamedayError('the sandbox target is not connected', {
      kind: 'runtime',
      code: 'TARGET_MISSING',
      phase: 'inject',
    });
  }
  return runtime.sandbox;
}

/** Replicas that currently serve or are about to. */
export function liveReplicas(status: SandboxStatus): SandboxStatus['replicas'] {
  return status.replicas.filter((r) => r.state === 'ready' || r.state === 'starting');
}

/**
 * The size of the sandbox fleet as a blast-radius pool: the replicas that run or start, or the desired
 * count when fewer. Why not the desired count alone: while a zone is refilled, a replacement starts
 * before the replica it replaces stops, and a plan that may pick it must count it in the pool too.
 */
export function fleetPoolSize(status: SandboxStatus): number {
  return Math.max(status.desired, liveReplicas(status).length);
}

/** The sandbox fleet as one blast-radius pool. */
export const SANDBOX_POOL = 'the sandbox fleet';

/**
 * Live blast-radius check before a sandbox mutation: replicas not ready now plus the ready ones `ids`
 * would take must stay within guards.maxUnavailable of the desired fleet.
 */
export function checkLiveFleet(runtime: FaultRuntime, status: SandboxStatus, ids: readonly string[]): void {
  if (!runtime.blastRadius) return;
  const take = new Set(ids);
  const taking = status.replicas.filter((r) => take.has(r.id) && r.state === 'ready').length;
  runtime.blastRadius.check(
    runtime.step,
    SANDBOX_POOL,
    status.desired,
    Math.max(0, status.desired - status.ready),
    taking,
  );
}
