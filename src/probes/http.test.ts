import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpCheck } from '../scenario/types.js';
import { createHttpProbe } from './http.js';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/ok') res.end('status: healthy');
    else if (req.url === '/down') {
      res.statusCode = 503;
      res.end('down');
    } else if (req.url === '/slow') setTimeout(() => res.end('late'), 300);
    else if (req.url === '/hang') {
      // never answers
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const timing = { intervalMs: 100, timeoutMs: 1000 };
const probeFor = (path: string, extra: Partial<HttpCheck> = {}) =>
  createHttpProbe('api', { url: `${base}${path}`, method: 'GET', headers: {}, expectStatus: [200], ...extra }, timing);

describe('http probe', () => {
  it('passes on the expected status and reports status and latency', async () => {
    const probe = probeFor('/ok');
    const outcome = await probe.check(AbortSignal.timeout(2000));
    await probe.close?.();
    expect(outcome.ok).toBe(true);
    expect(outcome.value).toBe(200);
    expect(outcome.detail).toMatch(/^200 in [\d.]+ms$/);
  });

  it('fails on an unexpected status', async () => {
    const probe = probeFor('/down');
    const outcome = await probe.check(AbortSignal.timeout(2000));
    await probe.close?.();
    expect(outcome).toMatchObject({ ok: false, value: 503 });
    expect(outcome.detail).toMatch(/^503 in .*\(expected 200\)$/);
  });

  it('checks the body pattern', async () => {
    const good = probeFor('/ok', { bodyMatches: 'healthy$' });
    const bad = probeFor('/ok', { bodyMatches: '^ready' });
    expect((await good.check(AbortSignal.timeout(2000))).ok).toBe(true);
    const outcome = await bad.check(AbortSignal.timeout(2000));
    expect(outcome.ok).toBe(false);
    expect(outcome.detail).toContain('body does not match /^ready/');
    await good.close?.();
    await bad.close?.();
  });

  it('fails a response slower than maxLatencyMs', async () => {
    const probe = probeFor('/slow', { maxLatencyMs: 50 });
    const outcome = await probe.check(AbortSignal.timeout(5000));
    await probe.close?.();
    expect(outcome.ok).toBe(false);
    expect(outcome.detail).toMatch(/^200 in \d+ms \(slower than 50ms\)$/);
  });

  it('reports a refused connection by its code', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const probe = createHttpProbe(
      'api',
      { url: `http://127.0.0.1:${port}/`, method: 'GET', headers: {}, expectStatus: [200] },
      timing,
    );
    const outcome = await probe.check(AbortSignal.timeout(2000));
    await probe.close?.();
    expect(outcome).toEqual({ ok: false, detail: 'ECONNREFUSED' });
  });

  it('honours the abort signal on a hanging server', async () => {
    const probe = probeFor('/hang');
    const started = performance.now();
    const outcome = await probe.check(AbortSignal.timeout(150));
    expect(performance.now() - started).toBeLessThan(3000);
    expect(outcome).toEqual({ ok: false, detail: 'aborted' });
    await probe.close?.();
  });
});
