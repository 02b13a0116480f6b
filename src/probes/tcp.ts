// TCP probe: healthy when a connection to host:port is accepted.

import { connect } from 'node:net';
import type { CheckOutcome, Probe } from './types.js';
import { errorCode, ms } from './detail.js';

/** Build a TCP connect probe. */
export function createTcpProbe(
  name: string,
  config: { host: string; port: number },
  timing: { intervalMs: number; timeoutMs: number },
): Probe {
  function check(signal: AbortSignal): Promise<CheckOutcome> {
    return new Promise((resolve) => {
      if (signal.aborted) {
        resolve({ ok: false, detail: 'aborted' });
        return;
      }
      const started = performance.now();
      const socket = connect({ host: config.host, port: config.port });
      const finish = (outcome: CheckOutcome): void => {
        signal.removeEventListener('abort', onAbort);
        socket.removeAllListeners();
        socket.on('error', () => {}); // late errors after destroy must not become uncaught
        socket.destroy();
        resolve(outcome);
      };
      const onAbort = (): void => finish({ ok: false, detail: 'aborted' });
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', () => finish({ ok: true, detail: `connected in ${ms(performance.now() - started)}` }));
      socket.once('error', (error) => finish({ ok: false, detail: errorCode(error) }));
    });
  }
  return { name, kind: 'tcp', intervalMs: timing.intervalMs, timeoutMs: timing.timeoutMs, check };
}
