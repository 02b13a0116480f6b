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
    if (!status.db.primary || !status.db.standby) {
      throw new GamedayError(
        'db-failover needs a running primary and a standby, and the sandbox database has not both',
        {
          kind: 'invalid-input',
          code: 'NO_STANDBY',
          hint: 'an earlier failover was not undone; roll it back first (gameday rollback <run-dir>)',
        },
      );
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
    // Undo (idempotent): restart the stopped primary if nothing was promoted yet, else clone a new standby
    // from the promoted primary, so the topology is primary + standby again.
    const id = await runtime.journal.intent(runtime.step, `db failover (${fault.mode})`, `sandbox ${controlUrl}`, {
      driver: 'sandbox',
      op: 'restore-database',
      args: { controlUrl },
    });
    try {
      // Two calls, as a real failover: t0 is when the primary is down, not when the standby took over.
      const stopped = await client.stopPrimary(fault.mode);
      const t0 = runtime.clock.now();
      runtime.log(`primary ${stopped.stopped} stopped (${fault.mode}); promoting ${stopped.standby}`);
      const promoted = await client.promoteStandby();
      const detail = `primary ${stopped.stopped} stopped (${fault.mode}); ${promoted.newPrimary} promoted after ${Math.round(runtime.clock.now() - t0)}ms`;
      runtime.journal.applied(id, detail);
      return { t0, detail, affected: [stopped.stopped, promoted.newPrimary], findings: [] };
    } catch (error) {
      runtime.journal.failed(id, String(error));
      throw error;
    }
  },
};
