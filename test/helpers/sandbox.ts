// Waiting on a real sandbox between tests.

import type { SandboxClient } from '../../src/drivers/sandbox/index.js';
import { eventually } from './cli.js';

/**
 * Wait until every zone is up and the fleet is whole: ready = desired, no move under way, and no replica
 * still starting or terminating (status lists a stopped replica until its process has exited).
 */
export async function fleetWhole(client: SandboxClient, timeoutMs = 30_000): Promise<void> {
  await eventually(
    async () => {
      const s = await client.status();
      const settled = s.replicas.length === s.desired && s.replicas.every((r) => r.state === 'ready');
      return s.ready === s.desired && settled && !s.rebalancing && Object.values(s.zones).every((z) => z.up)
        ? true
        : undefined;
    },
    timeoutMs,
    'the sandbox fleet to be whole',
  );
}
