// A real HTTP server on loopback that records every request: the receiving end of webhooks and
// action calls in tests. Its answers can be scripted per request (status codes, delays).

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Parsed JSON body, when it is JSON. */
  json?: unknown;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Wait until `n` requests (matching `path`, if given) have arrived. */
  waitFor(n: number, path?: string, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** Start a receiver on 127.0.0.1 and a free port; `answer` gives each request's status (default 200). */
export async function startReceiver(
  answer: (req: ReceivedRequest, index: number) => number = () => 200,
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const r: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      try {
        r.json = JSON.parse(body);
      } catch {
        // Not JSON.
      }
      requests.push(r);
      res.statusCode = answer(r, requests.length - 1);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: requests.length, message: 'recorded' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    async waitFor(n, path, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const seen = requests.filter((r) => path === undefined || r.path === path);
        if (seen.length >= n) return seen;
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${n} request(s)${path ? ` to ${path}` : ''}; got ${seen.length}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
