// Waiting on a real sandbox between tests.

import type { SandboxClient } from '../../src/drivers/sandbox/index.js';
import { eventually } from './cli.js';

/** Wait until every zone is up and the fleet is whole (ready = desired). */
export async function fleetWhole(client: SandboxClient, timeoutMs = 30_000): Promise<void> {
  await eventually(
    async () => {
      const s = await client.status();
      return s.ready === s.desired && !s.rebalancing && Object.values(s.zones).every((z) => z.up) ? true : undefined;
    },
    timeoutMs,
    'the sandbox fleet to be whole',
  );
}
