// Waiting on a test sandbox (a condition, never a fixed sleep).

import type { SandboxHandle } from '../../src/drivers/sandbox/index.js';
import { eventually } from './cli.js';

/** Resolve once every desired replica of the sandbox is ready again. */
export async function fleetWhole(sandbox: SandboxHandle, timeoutMs = 30_000): Promise<void> {
  await eventually(
    async () => {
      const s = await sandbox.client.status();
      return s.ready === s.desired ? true : undefined;
    },
    timeoutMs,
    'the sandbox fleet to be whole',
  );
}
