import { describe, expect, it } from 'vitest';
import { GamedayError } from '../errors.js';
import type { ResolvedProbe } from '../scenario/types.js';
import { createProbe } from './create.js';

const base = { intervalMs: 500, timeoutMs: 1000 };

describe('createProbe', () => {
  it('builds each kind', () => {
    const kinds: ResolvedProbe[] = [
      {
        ...base,
        name: 'a',
        kind: 'http',
        check: { kind: 'http', url: 'http://127.0.0.1:1/', method: 'GET', headers: {}, expectStatus: [200] },
      },
      { ...base, name: 'b', kind: 'tcp', check: { kind: 'tcp', host: '127.0.0.1', port: 1 } },
      { ...base, name: 'c', kind: 'sql', check: { kind: 'sql', url: 'postgres://127.0.0.1:1/x', query: 'select 1' } },
      { ...base, name: 'd', kind: 'command', check: { kind: 'command', run: ['true'], expectExitCode: 0 } },
    ];
    for (const r of kinds) {
      const p = createProbe(r, {});
      expect(p).toMatchObject({ name: r.name, kind: r.kind, intervalMs: 500, timeoutMs: 1000 });
      void p.close?.();
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
