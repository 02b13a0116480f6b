// The balancer: an HTTP reverse proxy on a free loopback port, round-robin over upstreams that
// pass active health checks (GET /ready). It learns readiness only from its own checks, as a real
// load balancer does; the supervisor's ground truth comes from the replicas' IPC messages.
// With regions, every region's replicas are health-checked but only the serving region's get
// traffic, so a switch (the sandbox's DNS change) sends requests to replicas already known healthy.

import http from 'node:http';
import { listenOnLoopback } from '../../shared/net.mjs';
import { createBalancerMetrics } from './prometheus-sd.mjs';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade'];

function stripHopByHop(headers) {
  const out = { ...headers };
  for (const h of HOP_BY_HOP) delete out[h];
  return out;
}

function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * @param {{ upstreams: () => Array<{id: string, port: number, region?: string}>, healthIntervalMs: number,
 *   serving?: () => string }} opts
 */
export function createBalancer({ upstreams, healthIntervalMs, serving }) {
  /** @type {Map<string, {id: string, port: number, region?: string, healthy: boolean, checking: boolean}>} */
  const pool = new Map();
  const proxyAgent = new http.Agent({ keepAlive: true, maxFreeSockets: 32 });
  const healthAgent = new http.Agent({ keepAlive: true, maxFreeSockets: 64 });
  const checkTimeoutMs = Math.max(1000, healthIntervalMs * 5);
  const metrics = createBalancerMetrics();
  let cursor = 0;

  /** Follow the controller's list: new upstreams start unhealthy until their first passing check. */
  function sync() {
    const current = new Map(upstreams().map((u) => [u.id, u]));
    for (const id of pool.keys()) if (!current.has(id)) pool.delete(id);
    for (const u of current.values()) {
      const known = pool.get(u.id);
      if (!known || known.port !== u.port) pool.set(u.id, { ...u, healthy: false, checking: false });
    }
  }

  function check(u) {
    if (u.checking) return;
    u.checking = true;
    const done = (healthy) => {
      u.checking = false;
      if (pool.get(u.id) === u) u.healthy = healthy;
    };
    const req = http.get(
      { host: '127.0.0.1', port: u.port, path: '/ready', agent: healthAgent, timeout: checkTimeoutMs },
      (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode === 200));
        res.on('error', () => done(false));
      },
    );
    req.on('timeout', () => req.destroy(new Error('health check timed out')));
    req.on('error', () => done(false));
  }

  const timer = setInterval(() => {
    sync();
    for (const u of pool.values()) check(u);
  }, healthIntervalMs);

  function pick(exclude) {
    const region = serving?.();
    const healthy = [...pool.values()].filter(
      (u) => u.healthy && u.id !== exclude && (region === undefined || u.region === region),
    );
    if (healthy.length === 0) return null;
    cursor = (cursor + 1) % healthy.length;
    return healthy[cursor];
  }

  function forward(req, res, body, upstream, retried) {
    const headers = stripHopByHop(req.headers);
    headers['content-length'] = String(body.length);
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? '127.0.0.1';
    const out = http.request(
      { host: '127.0.0.1', port: upstream.port, method: req.method, path: req.url, headers, agent: proxyAgent },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, stripHopByHop(upstreamRes.headers));
        upstreamRes.pipe(res);
        upstreamRes.on('error', () => res.destroy());
      },
    );
    out.setTimeout(30_000, () => out.destroy(Object.assign(new Error('upstream timed out'), { code: 'ETIMEDOUT' })));
    out.on('error', (error) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // Why mark down at once: waiting for the next health check would send more requests to a dead replica.
      upstream.healthy = false;
      const next = !retried && IDEMPOTENT.has(req.method ?? 'GET') ? pick(upstream.id) : null;
      if (next) forward(req, res, body, next, true);
      else sendJson(res, 502, { error: `upstream ${upstream.id} failed: ${error.code ?? error.message}` });
    });
    out.end(body);
  }

  const server = http.createServer((req, res) => {
    res.on('finish', () => metrics.observe(res.statusCode));
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const upstream = pick(null);
      if (!upstream) {
        sendJson(res, 503, { error: 'no healthy upstream' });
        return;
      }
      forward(req, res, Buffer.concat(chunks), upstream, false);
    });
  });
  server.keepAliveTimeout = 30_000;

  return {
    sync,
    /** @returns {Promise<number>} */
    listen() {
      return listenOnLoopback(server);
    },
    /** Requests answered by status code (Prometheus text, and totals). */
    metrics,
    /** Ids of the upstreams that passed their last check (every region). */
    healthy: () => [...pool.values()].filter((u) => u.healthy).map((u) => u.id),
    close() {
      clearInterval(timer);
      proxyAgent.destroy();
      healthAgent.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
