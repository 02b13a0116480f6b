// spot-interruption on the sandbox: a notice takes the replica out of the balancer, SIGTERM follows after
// the notice period and SIGKILL after the grace period — as an interrupted spot instance would.

import type { ResolvedFault } from '../../scenario/types.js';
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

type SpotInterruption = Extract<ResolvedFault, { type: 'spot-interruption' }>;

export const spotInterruption: FaultModule<SpotInterruption> = {
  type: 'spot-interruption',

  plan(fault, inventory, rng): PlannedFault {
    const status = sandboxInventory(inventory, 'spot-interruption');
    const select = { ...fault.select, capacity: fault.select.capacity ?? 'spot' };
    const chosen = selectReplicas(status.replicas, select, rng);
    return {
      fault,
      target: 'sandbox',
      description: `interrupt ${chosen.length} ${select.capacity} replica(s) with a ${formatDuration(fault.noticeMs)} notice: ${chosen.map((r) => `${r.id} (zone ${r.zone})`).join(', ')}`,
      affected: chosen.map((r) => r.id),
      unavailable: chosen.length,
      fleet: liveReplicas(status).length,
      pools: [{ pool: SANDBOX_POOL, size: fleetPoolSize(status), ids: chosen.map((r) => r.id) }],
    };
  },

  async inject(fault, planned, runtime): Promise<FaultExecution> {
    const { client, controlUrl } = sandboxRuntime(runtime);
    const status = await client.status(runtime.signal);
    const running = new Set(liveReplicas(status).map((r) => r.id));
    const ids = planned.affected.filter((id) => running.has(id));
    checkLiveFleet(runtime, status, ids);
    const id = await runtime.journal.intent(runtime.step, `interrupt ${ids.join(',')}`, `sandbox ${controlUrl}`, {
      driver: 'sandbox',
      op: 'ensure-fleet',
      args: { controlUrl, desired: status.desired },
    });
    try {
      await client.interrupt(ids, fault.noticeMs, fault.graceMs);
    } catch (error) {
      runtime.journal.failed(id, String(error));
      throw error;
    }
    const t0 = runtime.clock.now();
    runtime.journal.applied(id);
    return {
      t0,
      detail: `interruption notice to ${ids.join(', ')}; SIGTERM in ${formatDuration(fault.noticeMs)}`,
      affected: ids,
      findings: ids.length < planned.affected.length ? ['some planned replicas were already gone'] : [],
    };
  },
};
