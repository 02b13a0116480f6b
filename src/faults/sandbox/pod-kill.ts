// pod-kill on the sandbox: SIGKILL (or SIGTERM with a grace period) N replicas; the supervisor replaces them.

import type { ResolvedFault } from '../../scenario/types.js';
import { sleep } from '../../util/clock.js';
import { formatDuration } from '../../util/duration.js';
import { selectReplicas } from '../select.js';
import type { FaultExecution, FaultModule, PlannedFault } from '../types.js';
import {
  SANDBOX_POOL,
  checkLiveFleet,
  fleetPoolSize,
  liveReplicas,
  sandboxInventory,
  sandboxRuntime,
} from './common.js';

type PodKill = Extract<ResolvedFault, { type: 'pod-kill' }>;

export const podKill: FaultModule<PodKill> = {
  type: 'pod-kill',

  plan(fault, inventory, rng): PlannedFault {
    const status = sandboxInventory(inventory, 'pod-kill');
    const chosen = selectReplicas(status.replicas, fault.select, rng);
    const how = fault.signal === 'SIGKILL' ? 'SIGKILL' : `SIGTERM (grace ${formatDuration(fault.graceMs)})`;
    const rounds = fault.repeat ? `, ${fault.repeat.times}× every ${formatDuration(fault.repeat.everyMs)}` : '';
    return {
      fault,
      target: 'sandbox',
      description: `kill ${chosen.length} of ${liveReplicas(status).length} replicas with ${how}${rounds}: ${chosen.map((r) => `${r.id} (zone ${r.zone})`).join(', ')}`,
      affected: chosen.map((r) => r.id),
      unavailable: chosen.length,
      fleet: status.desired,
      pools: [{ pool: SANDBOX_POOL, size: fleetPoolSize(status), ids: chosen.map((r) => r.id) }],
    };
  },

  async inject(fault, planned, runtime): Promise<FaultExecution> {
    const { client, controlUrl } = sandboxRuntime(runtime);
    const rounds = fault.repeat?.times ?? 1;
    const affected: string[] = [];
    let t0: number | undefined;
    for (let round = 0; round < rounds; round++) {
      if (round > 0) await sleep(fault.repeat?.everyMs ?? 0, runtime.signal);
      const status = await client.status(runtime.signal);
      // The plan is a preview: re-select when a planned replica is gone (an earlier step or round replaced it).
      const running = new Set(liveReplicas(status).map((r) => r.id));
      const ids =
        round === 0 && planned.affected.every((id) => running.has(id))
          ? planned.affected
          : selectReplicas(status.replicas, fault.select, runtime.rng).map((r) => r.id);
      if (ids.length === 0) continue;
      checkLiveFleet(runtime, status, ids);
      // Undo: the fleet back at its desired size (the supervisor replaces killed replicas; rollback verifies it).
      const id = await runtime.journal.intent(
        runtime.step,
        `kill ${ids.join(',')} ${fault.signal}`,
        `sandbox ${controlUrl}`,
        {
          driver: 'sandbox',
          op: 'ensure-fleet',
          args: { controlUrl, desired: status.desired },
        },
      );
      try {
        const result = await client.kill(ids, fault.signal, fault.graceMs);
        t0 ??= runtime.clock.now();
        runtime.journal.applied(id, `killed ${result.killed.map((k) => k.id).join(', ')}`);
        affected.push(...result.killed.map((k) => k.id));
      } catch (error) {
        runtime.journal.failed(id, String(error));
        throw error;
      }
    }
    return {
      t0: t0 ?? runtime.clock.now(),
      detail: `killed ${affected.length} replica(s) with ${fault.signal}: ${affected.join(', ')}`,
      affected,
      findings: affected.length === 0 ? ['no replica matched the selection; nothing was killed'] : [],
    };
  },
};
