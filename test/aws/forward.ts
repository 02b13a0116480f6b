// Sending a request a loopback test server received on to moto as it came: method, path, body and every
// header, Host included — the SigV4 signature covers the Host the client signed for, so moto (which checks
// signatures when it enforces IAM) must see that one, not its own.

import { request, type IncomingMessage } from 'node:http';

export interface Forwarded {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** Send `req` (whose body was read as `body`) to moto at `motoEndpoint`; moto's answer. */
export function forwardToMoto(motoEndpoint: string, req: IncomingMessage, body: Buffer | string): Promise<Forwarded> {
  const target = new URL(motoEndpoint);
  const data = typeof body === 'string' ? Buffer.from(body) : body;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || ['connection', 'content-length', 'transfer-encoding'].includes(k)) continue;
    headers[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  if (data.length > 0) headers['content-length'] = String(data.length);
  return new Promise((resolve, reject) => {
    const out = request(
      { host: target.hostname, port: target.port, method: req.method ?? 'GET', path: req.url ?? '/', headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const h: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h[k] = v;
          resolve({ status: res.statusCode ?? 0, headers: h, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    out.on('error', reject);
    out.end(data);
  });
}
