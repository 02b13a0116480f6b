// HTTP probe: one request per check through a keep-alive agent; status, optional body pattern and latency bound.

import { Agent, request } from 'undici';
import type { HttpCheck } from '../scenario/types.js';
import type { CheckOutcome, Probe } from './types.js';
import { errorCode, ms } from './detail.js';

/** Bodies are read only to match a pattern; this caps what one check may buffer. */
const MAX_BODY_BYTES = 1 << 20;

/** Build an HTTP probe. Connections are kept alive across checks and released by `close()`. */
export function createHttpProbe(
  name: string,
  config: HttpCheck,
  timing: { intervalMs: number; timeoutMs: number },
): Probe {
  // Keep-alive so a 10 Hz probe measures the service, not TCP handshakes; short idle timeout so a
  // replaced backend is reached on the next connection rather than through a stale socket.
  const agent = new Agent({ keepAliveTimeout: 4_000, keepAliveMaxTimeout: 10_000 });
  const pattern = config.bodyMatches === undefined ? undefined : new RegExp(config.bodyMatches);

  async function check(signal: AbortSignal): Promise<CheckOutcome> {
    const started = performance.now();
    try {
      const res = await request(config.url, {
        dispatcher: agent,
        method: config.method as 'GET',
        headers: config.headers,
        body: config.body ?? null,
        signal,
      });
      let text = '';
      if (pattern) {
        text = await readCapped(res.body);
      } else {
        await res.body.dump();
      }
      const elapsed = performance.now() - started;
      const base = `${res.statusCode} in ${ms(elapsed)}`;
      if (!config.expectStatus.includes(res.statusCode)) {
        return { ok: false, detail: `${base} (expected ${config.expectStatus.join('|')})`, value: res.statusCode };
      }
      if (pattern && !pattern.test(text)) {
        return { ok: false, detail: `${base}, body does not match /${config.bodyMatches}/`, value: res.statusCode };
      }
      if (config.maxLatencyMs !== undefined && elapsed > config.maxLatencyMs) {
        return { ok: false, detail: `${base} (slower than ${config.maxLatencyMs}ms)`, value: res.statusCode };
      }
      return { ok: true, detail: base, value: res.statusCode };
    } catch (error) {
      return { ok: false, detail: signal.aborted ? 'aborted' : errorCode(error) };
    }
  }

  return {
    name,
    kind: 'http',
    intervalMs: timing.intervalMs,
    timeoutMs: timing.timeoutMs,
    check,
    close: () => agent.close(),
  };
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= MAX_BODY_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}
