// A loopback proxy in front of the sandbox's control API, for runs whose undo must fail or hang: the run
// reaches the sandbox through it (GAMEDAY_SANDBOX_URL), and a test decides per request whether it is
// forwarded, answered with a server error, or held until the test lets go. Not a mock: every request
// that is forwarded reaches the real control API.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxyRule = 'forward' | 'fail' | 'hold';

export interface ControlProxy {
  url: string;
  /** Decides each request by "METHOD /path"; default: forward. */
  rule: (request: string) => ProxyRule;
  /** Every request seen, as "METHOD /path", in order. */
  seen: string[];
  /** Requests being held: answer each with a connection reset (it never reaches the sandbox). */
  dropHeld(): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Start the proxy on 127.0.0.1 in front of `target` (the sandbox's control URL). */
export async function startControlProxy(target: string): Promise<ControlProxy> {
  const held = new Set<ServerResponse>();
  const proxy: ControlProxy = {
    url: '',
    rule: () => 'forward',
    seen: [],
    dropHeld: () => {
      for (const res of held) res.destroy();
      held.clear();
    },
    close: async () => {
      proxy.dropHeld();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const request = `${req.method} ${(req.url ?? '/').split('?')[0]}`;
      proxy.seen.push(request);
      const body = await readBody(req);
      const rule = proxy.rule(request);
      if (rule === 'hold') {
        held.add(res);
        return;
      }
      if (rule === 'fail') {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'control API unavailable (test proxy)' }));
        return;
      }
      try {
        const upstream = await fetch(`${target}${req.url ?? '/'}`, {
          method: req.method ?? 'GET',
          headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
          ...(body.length > 0 ? { body } : {}),
        });
        const text = Buffer.from(await upstream.arrayBuffer());
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
        res.end(text);
      } catch (error) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: String(error) }));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
