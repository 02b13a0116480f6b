import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeApiError, KubeClient } from './client.js';
import { errorStatus } from './retry.js';

interface Seen {
  method: string;
  url: string;
  contentType: string | undefined;
  authorization: string | undefined;
  body: string;
}

const status = (code: number, reason: string, message: string): string =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });

/** A loopback API server answering the hot mutating calls the way kube-apiserver does. */
function apiServer(seen: Seen[]): Server {
  let flaky = 0;
  return createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        contentType: req.headers['content-type'],
        authorization: req.headers.authorization,
        body,
      });
      const reply = (code: number, text: string, headers: Record<string, string> = {}): void => {
        res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
        res.end(text);
      };
      const url = req.url ?? '';
      if (url.startsWith('/api/v1/namespaces/prod/pods?') && url.includes('watch=true')) {
        // A watch: two events, the second torn across two writes, then open (or closed, with close=yes).
        res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
        const event = (type: string, name: string): string =>
          JSON.stringify({ type, object: { kind: 'Pod', metadata: { name, namespace: 'prod' } } });
        res.write(`${event('ADDED', 'web-1')}\n`);
        const second = `${event('MODIFIED', 'web-2')}\n`;
        res.write(second.slice(0, 20));
        setTimeout(() => {
          res.write(second.slice(20));
          if (url.includes('close=yes')) res.end();
        }, 20);
        return;
      }
      if (url.startsWith('/api/v1/namespaces/prod/pods?limit=2')) {
        // A list in pages of 2, each answer written in small pieces that cut names and escapes in two.
        const second = url.includes('continue=tok');
        const names = second ? ['web-3'] : ['web-1', 'web-2 "quoted" \\ {x}'];
        const page = JSON.stringify({
          kind: 'PodList',
          apiVersion: 'v1',
          metadata: second ? { resourceVersion: '12' } : { resourceVersion: '11', continue: 'tok' },
          items: names.map((name) => ({ metadata: { name, namespace: 'prod', labels: { app: 'wéb' } } })),
        });
        res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
        const bytes = Buffer.from(page);
        for (let i = 0; i < bytes.length; i += 7) res.write(bytes.subarray(i, i + 7));
        res.end();
        return;
      }
      if (url === '/api/v1/namespaces/prod/pods/web-1/eviction') reply(201, status(201, '', ''));
      else if (url === '/api/v1/namespaces/prod/pods/web-2/eviction')
        reply(429, status(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget."));
      else if (url === '/api/v1/namespaces/prod/pods/gone/eviction') reply(404, status(404, 'NotFound', 'not found'));
      else if (url.startsWith('/api/v1/namespaces/prod/pods/flaky')) {
        flaky += 1;
        if (flaky === 1) reply(503, status(503, 'ServiceUnavailable', 'etcd leader changed'), { 'Retry-After': '0' });
        else reply(200, JSON.stringify({ kind: 'Pod', metadata: { name: 'flaky' } }));
      } else if (url === '/api/v1/nodes/n1' && req.method === 'GET')
        reply(200, JSON.stringify({ kind: 'Node', metadata: { name: 'n1', resourceVersion: '7' } }));
      else if (url === '/api/v1/nodes/n1' && req.method === 'PATCH') reply(200, JSON.stringify({ kind: 'Node' }));
      else if (url === '/api/v1/nodes/locked') reply(403, status(403, 'Forbidden', 'nodes "locked" is forbidden'));
      else reply(404, status(404, 'NotFound', 'not found'));
    });
  });
}

describe('KubeClient direct requests', () => {
  const seen: Seen[] = [];
  let server: Server;
  let dir: string;
  let client: KubeClient;

  beforeAll(async () => {
    server = apiServer(seen);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    dir = mkdtempSync(join(tmpdir(), 'gameday-kubeclient-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: c\n  cluster:\n    server: http://127.0.0.1:${port}\n    insecure-skip-tls-verify: true`,
        'users:',
        '- name: u\n  user:\n    token: secret-token',
        'contexts:',
        '- name: ctx\n  context:\n    cluster: c\n    user: u',
        'current-context: ctx',
      ].join('\n'),
    );
    client = new KubeClient({ kubeconfig, context: 'ctx' });
  });

  afterAll(async () => {
    client.close();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('evicts with the kubeconfig credentials; a 429 is a refusal, a 404 a pod already gone', async () => {
    expect(await client.evictPod('prod', 'web-1', 5)).toEqual({ status: 'evicted' });
    const eviction = seen.find((s) => s.url.endsWith('/web-1/eviction'));
    expect(eviction).toMatchObject({
      method: 'POST',
      contentType: 'application/json',
      authorization: 'Bearer secret-token',
    });
    expect(JSON.parse(eviction?.body ?? '')).toEqual({
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'web-1', namespace: 'prod' },
      deleteOptions: { gracePeriodSeconds: 5 },
    });
    const refused = await client.evictPod('prod', 'web-2');
    expect(refused.status).toBe('refused');
    expect(refused.status === 'refused' && refused.message).toContain('disruption budget');
    // Never retried here: a PodDisruptionBudget's 429 goes back to the fault, which decides.
    expect(seen.filter((s) => s.url.endsWith('/web-2/eviction'))).toHaveLength(1);
    expect(await client.evictPod('prod', 'gone')).toEqual({ status: 'gone' });
  });

  it('retries a 5xx, passes the grace period, and answers "gone" for a missing pod', async () => {
    const retriesBefore = client.stats.retries;
    expect(await client.deletePod('prod', 'flaky', 0)).toBe('deleted');
    expect(client.stats.retries).toBe(retriesBefore + 1);
    expect(seen.filter((s) => s.method === 'DELETE').map((s) => s.url)).toEqual([
      '/api/v1/namespaces/prod/pods/flaky?gracePeriodSeconds=0',
      '/api/v1/namespaces/prod/pods/flaky?gracePeriodSeconds=0',
    ]);
    expect(await client.deletePod('prod', 'nobody')).toBe('gone');
  });

  it('watches: events in order (a line torn across writes too), the token sent, abort ends it once, quietly', async () => {
    const events: string[] = [];
    const done: unknown[] = [];
    let second!: () => void;
    const both = new Promise<void>((resolve) => (second = resolve));
    const w = await client.watch(
      '/api/v1/namespaces/prod/pods',
      { resourceVersion: '5', labelSelector: undefined },
      (e) => {
        events.push(`${e.type} ${(e.object as { metadata: { name: string } }).metadata.name}`);
        if (events.length === 2) second();
      },
      (err) => done.push(err),
    );
    await both;
    expect(events).toEqual(['ADDED web-1', 'MODIFIED web-2']);
    const req = seen.find((s) => s.url.startsWith('/api/v1/namespaces/prod/pods?'));
    expect(req?.url).toBe('/api/v1/namespaces/prod/pods?watch=true&resourceVersion=5');
    expect(req?.authorization).toBe('Bearer secret-token');
    // The abort's error reaches onDone once; none escapes as an unhandled 'error' event (vitest fails on one).
    w.abort();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(done).toHaveLength(1);
    expect(done[0]).toBeInstanceOf(Error);
  });

  it('watches: a server that closes ends it with null; a refusal carries its status', async () => {
    const closed = await new Promise<unknown>((resolve) => {
      void client.watch('/api/v1/namespaces/prod/pods', { close: 'yes' }, () => undefined, resolve);
    });
    expect(closed).toBeNull();
    const refused = await new Promise<unknown>((resolve) => {
      void client.watch('/api/v1/namespaces/locked/pods', {}, () => undefined, resolve);
    });
    expect(errorStatus(refused)).toBe(404);
  });

  it('lists page by page: items parsed from an answer that arrives in pieces, with the continue token', async () => {
    const list = client.listPods('prod');
    const first = await list({ limit: 2 });
    expect(first).toEqual({
      items: [
        { metadata: { name: 'web-1', namespace: 'prod', labels: { app: 'wéb' } } },
        { metadata: { name: 'web-2 "quoted" \\ {x}', namespace: 'prod', labels: { app: 'wéb' } } },
      ],
      resourceVersion: '11',
      continue: 'tok',
    });
    const second = await list({ limit: 2, continue: 'tok' });
    expect(second).toEqual({
      items: [{ metadata: { name: 'web-3', namespace: 'prod', labels: { app: 'wéb' } } }],
      resourceVersion: '12',
    });
    const error = await client
      .listPods('locked')({ limit: 2 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 404 });
  });

  it('reads and merge-patches nodes; a 403 becomes K8S_FORBIDDEN with the server message', async () => {
    expect(await client.getNode('n1')).toEqual({ kind: 'Node', metadata: { name: 'n1', resourceVersion: '7' } });
    expect(await client.getNode('absent')).toBeUndefined();
    await client.patchNode('n1', { spec: { unschedulable: true } });
    const patch = seen.find((s) => s.method === 'PATCH');
    expect(patch).toMatchObject({ contentType: 'application/merge-patch+json' });
    expect(JSON.parse(patch?.body ?? '')).toEqual({ spec: { unschedulable: true } });
    const error = await client.patchNode('locked', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error).toMatchObject({ status: 403, reason: 'Forbidden', code: 'K8S_FORBIDDEN' });
    expect((error as Error).message).toContain('nodes "locked" is forbidden');
  });
});
