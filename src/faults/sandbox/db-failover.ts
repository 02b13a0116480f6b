// db-failover on the sandbox: the primary stops (crash or clean shutdown), the standby is promoted and the
// writer endpoint switches to it — the API reconnects as it would after an RDS Multi-AZ failover.

import { GamedayError } from '../../errors.js';
import type { ResolvedFault } from '../../scenario/types.js';
import type { FaultExecution, FaultModule, PlannedFault } from '../types.js';
import { sandboxInventory, sandboxRuntime } from './common.js';

type DbFailover = Extract<ResolvedFault, { type: 'db-failover' }>;

export const dbFailover: FaultModule<DbFailover> = {
  type: 'db-failover',

  plan(fault, inventory): PlannedFault {
    const status = sandboxInventory(inventory, 'db-failover');
    if (!status.db) {
      throw new GamedayError('db-failover needs the sandbox database, and this sandbox runs without one', {
        kind: 'invalid-input',
        code: 'NO_DATABASE',
        hint: 'set `targets.sandbox.database: true` (PostgreSQL server binaries must be installed)',
      });
    }
    if (!status.db.standby) {
      throw new GamedayError('db-failover needs a standby, and the sandbox database has none', {
        kind: 'invalid-input',
        code: 'NO_STANDBY',
        hint: 'an earlier failover left no standby; roll it back first (gameday rollback <run-dir>)',
      });
    }
    return {
      fault,
      target: 'sandbox',
      description: `stop primary ${status.db.primary.name} (${fault.mode}), promote standby ${status.db.standby.name}`,
      affected: [status.db.primary.name, status.db.standby.name],
      unavailable: 0,
      fleet: status.desired,
    };
  },

  async inject(fault, _planned, runtime): Promise<FaultExecution> {
    const { client, controlUrl } = sandboxRuntime(runtime);
    // Undo: a new standby built from the promoted primary, so the topology is primary + standby again.
    const id = runtime.journal.intent(runtime.step, `db failover (${fault.mode})`, `sandbox ${controlUrl}`, {
      driver: 'sandbox',
      op: 'rebuild-standby',
      args: { controlUrl },
    });
    let detail: string;
    try {
      const result = await client.dbFailover(fault.mode);
      detail = `primary ${result.oldPrimary} stopped (${fault.mode}); ${result.newPrimary} promoted`;
    } catch (error) {
      runtime.journal.failed(id, String(error));
      throw error;
    }
    const t0 = runtime.clock.now();
    runtime.journal.applied(id, detail);
    return { t0, detail, affected: [], findings: [] };
  },
};
