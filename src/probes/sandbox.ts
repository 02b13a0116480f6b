// Sandbox probe: healthy when enough replicas of the local stack are ready. The status comes from an
// injected source so this module never imports a driver.

import type { CheckOutcome, Probe } from './types.js';
import { errorCode } from './detail.js';

/** Reads the sandbox fleet's desired and ready replica counts. */
export type SandboxStatusSource = (signal: AbortSignal) => Promise<{ desired: number; ready: number }>;

/** Build a sandbox readiness probe: ok when ready >= (readyAtLeast ?? desired); value = ready. */
export function createSandboxProbe(
  name: string,
  config: { readyAtLeast?: number },
  timing: { intervalMs: number; timeoutMs: number },
  source: SandboxStatusSource,
): Probe {
  async function check(signal: AbortSignal): Promise<CheckOutcome> {
    try {
      const { desired, ready } = await source(signal);
      const needed = config.readyAtLeast ?? desired;
      return { ok: ready >= needed, detail: `${ready}/${desired} ready`, value: ready };
    } catch (error) {
      return { ok: false, detail: signal.aborted ? 'aborted' : errorCode(error) };
    }
  }
  return { name, kind: 'sandbox', intervalMs: timing.intervalMs, timeoutMs: timing.timeoutMs, check };
}
