// Unit tier: failure paths only (a real PostgreSQL is exercised by the integration tier).
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createSqlProbe, describeTarget } from './sql.js';

const timing = { intervalMs: 100, timeoutMs: 2000 };
const SECRET = 's3cr3t-Pa55';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe('sql probe', () => {
  it('fails on a closed port without revealing the URL or password', async () => {
    const port = await freePort();
    const url = `postgres://gameday:${SECRET}@127.0.0.1:${port}/appdb`;
    const probe = createSqlProbe('db', { url, query: 'select 1' }, timing);
    const outcome = await probe.check(AbortSignal.timeout(5000));
    await probe.close?.();
    expect(outcome.ok).toBe(false);
    expect(outcome.detail).toBe(`ECONNREFUSED at 127.0.0.1:${port}/appdb`);
    expect(outcome.detail).not.toContain(SECRET);
  });

  it('survives a server that closes every connection at once, and keeps working afterwards', async () => {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const url = `postgresql://gameday:${SECRET}@127.0.0.1:${port}/appdb?sslmode=disable`;
    const probe = createSqlProbe('db', { url, query: 'select 1', expectValue: 1 }, timing);
    for (let i = 0; i < 3; i++) {
      const outcome = await probe.check(AbortSignal.timeout(5000));
      expect(outcome.ok).toBe(false);
      expect(outcome.detail).toMatch(/ at 127\.0\.0\.1:\d+\/appdb$/);
      expect(outcome.detail).not.toContain(SECRET);
      expect(outcome.detail).not.toContain('gameday:');
    }
    await probe.close?.();
    await new Promise((resolve) => server.close(resolve));
  });

  it('gives up on a server that never answers when the signal aborts', async () => {
    const held: Socket[] = [];
    const server = createServer((socket) => {
      held.push(socket); // accept and stay silent
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const probe = createSqlProbe(
      'db',
      { url: `postgres://u:${SECRET}@127.0.0.1:${port}/d`, query: 'select 1' },
      timing,
    );
    const started = performance.now();
    const outcome = await probe.check(AbortSignal.timeout(200));
    expect(performance.now() - started).toBeLessThan(3000);
    expect(outcome).toEqual({ ok: false, detail: 'aborted' });
    await probe.close?.();
    for (const s of held) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('describes targets as host:port/db only', () => {
    expect(describeTarget(`postgres://user:${SECRET}@db.internal:6543/contacts`)).toBe('db.internal:6543/contacts');
    expect(describeTarget('postgres://localhost/app')).toBe('localhost:5432/app');
    expect(describeTarget('not a url')).toBe('postgres');
  });
});
