// zone-outage on the sandbox: every replica of one zone stops and none is placed there until the zone is back.

import type { ResolvedFault } from '../../scenario/types.js';
import { sleep } from '../../util/clock.js';
import { formatDuration } from '../../util/duration.js';
import { GamedayError } from '../../errors.js';
import type { FaultExecution, FaultModule, PlannedFault } from '../types.js';
import {
  SANDBOX_POOL,
  checkLiveFleet,
  fleetPoolSize,
  liveReplicas,
  sandboxInventory,
  sandboxRuntime,
} from './common.js';

type ZoneOutage = Extract<ResolvedFault, { type: 'zone-outage' }>;

export const zoneOutage: FaultModule<ZoneOutage> = {
  type: 'zone-outage',

  plan(fault, inventory): PlannedFault {
    const status = sandboxInventory(inventory, 'zone-outage');
    if (!(fault.zone in status.zones)) {
      throw new GamedayError(`zone "${fault.zone}" does not exist in the sandbox`, {
        kind: 'invalid-input',
        code: 'UNKNOWN_ZONE',
        hint: `zones: ${Object.keys(status.zones).join(', ')}`,
      });
    }
    const inZone = liveReplicas(status).filter((r) => r.zone === fault.zone);
    const until = fault.durationMs === undefined ? 'until rollback' : `for ${formatDuration(fault.durationMs)}`;
    return {
      fault,
      target: 'sandbox',
      description: `take zone ${fault.zone} down ${until}: ${inZone.length} replica(s) stop (${inZone.map((r) => r.id).join(', ') || 'none'})`,
      affected: [`zone ${fault.zone}`, ...inZone.map((r) => r.id)],
      unavailable: inZone.length,
      fleet: status.desired,
      pools: [{ pool: SANDBOX_POOL, size: fleetPoolSize(status), ids: inZone.map((r) => r.id) }],
    };
  },

  async inject(fault, _planned, runtime): Promise<FaultExecution> {
    const { client, controlUrl } = sandboxRuntime(runtime);
    if (runtime.blastRadius) {
      const status = await client.status(runtime.signal);
      const inZone = status.replicas.filter((r) => r.zone === fault.zone).map((r) => r.id);
      checkLiveFleet(runtime, status, inZone);
    }
    const id = await runtime.journal.intent(runtime.step, `zone ${fault.zone} down`, `sandbox ${controlUrl}`, {
      driver: 'sandbox',
      op: 'zone-up',
      args: { controlUrl, zone: fault.zone },
    });
    let t0: number;
    try {
      await client.zoneDown(fault.zone);
      t0 = runtime.clock.now();
      runtime.journal.applied(id);
    } catch (error) {
      runtime.journal.failed(id, String(error));
      throw error;
    }
    if (fault.durationMs === undefined) {
      return {
        t0,
        detail: `zone ${fault.zone} is down until rollback`,
        affected: [`zone ${fault.zone}`],
        findings: [],
      };
    }
    await sleep(fault.durationMs, runtime.signal);
    await client.zoneUp(fault.zone);
    const endT = runtime.clock.now();
    runtime.journal.undone(id, 'zone restored after its duration');
    return {
      t0,
      endT,
      detail: `zone ${fault.zone} was down for ${formatDuration(endT - t0)}`,
      affected: [`zone ${fault.zone}`],
      findings: [],
    };
  },
};
