import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { GamedayError } from '../errors.js';
import type { ResolvedProbe } from '../scenario/types.js';
import { createProbe } from './create.js';

const base = { intervalMs: 500, timeoutMs: 1000 };

describe('createProbe', () => {
  it('builds each kind from its config: a check against a healthy and an unhealthy target tells them apart', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const http = (url: string): ResolvedProbe => ({
      ...base,
      name: 'http',
      kind: 'http',
      check: { kind: 'http', url, method: 'GET', headers: {}, expectStatus: [200] },
    });
    const tcp = (p: number): ResolvedProbe => ({
      ...base,
      name: 'tcp',
      kind: 'tcp',
      check: { kind: 'tcp', host: '127.0.0.1', port: p },
    });
    const command = (run: string[]): ResolvedProbe => ({
      ...base,
      name: 'cmd',
      kind: 'command',
      check: { kind: 'command', run, expectExitCode: 0 },
    });
    const pairs: Array<[ResolvedProbe, ResolvedProbe]> = [
      [http(`http://127.0.0.1:${port}/`), http(`http://127.0.0.1:${closedPort}/`)],
      [tcp(port), tcp(closedPort)],
      [command(['true']), command(['false'])],
    ];
    try {
      for (const [healthy, unhealthy] of pairs) {
        for (const [r, ok] of [
          [healthy, true],
          [unhealthy, false],
        ] as const) {
          const p = createProbe(r, {});
          expect(p).toMatchObject({ name: r.name, kind: r.kind, intervalMs: 500, timeoutMs: 1000 });
          expect((await p.check(AbortSignal.timeout(5000))).ok, `${r.kind} ${JSON.stringify(r.check)}`).toBe(ok);
          await p.close?.();
        }
      }
      // The sql probe: a server that is not there is a failing outcome naming host:port/db, never the password.
      const sql = createProbe(
        {
          ...base,
          name: 'db',
          kind: 'sql',
          check: { kind: 'sql', url: `postgres://app:hunter22@127.0.0.1:${closedPort}/x`, query: 'select 1' },
        },
        {},
      );
      const outcome = await sql.check(AbortSignal.timeout(5000));
      expect(outcome.ok).toBe(false);
      expect(outcome.detail).toMatch(/ECONNREFUSED/);
      expect(JSON.stringify(outcome)).not.toContain('hunter22');
      await sql.close?.();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses a sandbox probe without a status source', () => {
    const r: ResolvedProbe = { ...base, name: 'fleet', kind: 'sandbox', check: { kind: 'sandbox' } };
    expect(() => createProbe(r, {})).toThrow(GamedayError);
    try {
      createProbe(r, {});
    } catch (error) {
      expect(error).toMatchObject({ kind: 'invalid-input', code: 'PROBE_SANDBOX_UNAVAILABLE' });
    }
  });

  it('sandbox probe: ready against desired or readyAtLeast', async () => {
    const status = { desired: 6, ready: 5 };
    const deps = { sandboxStatus: async () => status };
    const all = createProbe({ ...base, name: 'fleet', kind: 'sandbox', check: { kind: 'sandbox' } }, deps);
    const some = createProbe(
      { ...base, name: 'fleet', kind: 'sandbox', check: { kind: 'sandbox', readyAtLeast: 5 } },
      deps,
    );
    const signal = AbortSignal.timeout(1000);
    expect(await all.check(signal)).toEqual({ ok: false, detail: '5/6 ready', value: 5 });
    expect(await some.check(signal)).toEqual({ ok: true, detail: '5/6 ready', value: 5 });
  });

  it('sandbox probe: a failing source is a failing outcome, not an exception', async () => {
    const probe = createProbe(
      { ...base, name: 'fleet', kind: 'sandbox', check: { kind: 'sandbox' } },
      {
        sandboxStatus: async () =>
          Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
      },
    );
    expect(await probe.check(AbortSignal.timeout(1000))).toEqual({ ok: false, detail: 'ECONNREFUSED' });
  });
});
