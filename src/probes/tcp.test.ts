import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createTcpProbe } from './tcp.js';

const timing = { intervalMs: 100, timeoutMs: 1000 };

describe('tcp probe', () => {
  it('passes when the port accepts and fails with the error code when it is closed', async () => {
    const server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const probe = createTcpProbe('db-port', { host: '127.0.0.1', port }, timing);

    const up = await probe.check(AbortSignal.timeout(2000));
    expect(up.ok).toBe(true);
    expect(up.detail).toMatch(/^connected in [\d.]+ms$/);

    await new Promise((resolve) => server.close(resolve));
    const down = await probe.check(AbortSignal.timeout(2000));
    expect(down).toEqual({ ok: false, detail: 'ECONNREFUSED' });
  });

  it('returns at once when the signal is already aborted', async () => {
    const probe = createTcpProbe('x', { host: '127.0.0.1', port: 9 }, timing);
    expect(await probe.check(AbortSignal.abort())).toEqual({ ok: false, detail: 'aborted' });
  });
});
