// One replica of the sandbox contacts API. Forked by the supervisor; configured from env:
// PORT (0 = free), ZONE, REGION (optional), REPLICA_ID, CAPACITY (spot|on-demand), STARTUP_DELAY_MS, DATABASE_URL.

import http from 'node:http';
import pg from 'pg';
import { createMetrics } from './lib/metrics.mjs';

const replicaId = process.env.REPLICA_ID ?? `api-${process.pid}`;
const zone = process.env.ZONE ?? 'a';
const region = process.env.REGION || null;
const capacity = process.env.CAPACITY ?? 'on-demand';
const startupDelayMs = Number(process.env.STARTUP_DELAY_MS ?? 0);
const databaseUrl = process.env.DATABASE_URL || null;

// Why exit at once when the IPC channel closes: the supervisor died, and no replica may outlive it.
if (process.send) process.on('disconnect', () => process.exit(0));
const send = (msg) => {
  if (process.send && process.connected) process.send(msg, () => {});
};

pg.types.setTypeParser(20, (v) => Number(v)); // bigserial ids as numbers, like the in-memory store
const pool = databaseUrl
  ? new pg.Pool({
      connectionString: databaseUrl,
      max: 4,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: 2_000,
      query_timeout: 5_000,
    })
  : null;
// Why: the writer endpoint drops connections on failover; an error on an idle client must not kill us.
pool?.on('error', (error) => console.error(`[${replicaId}] idle database client failed: ${error.message}`));

/** @type {Array<{id: number, name: string, email: string, created_at: string}>} */
const memory = [];
let nextId = 1;
let started = false;
let draining = false;
let stopping = false;
const metrics = createMetrics({ replica: replicaId, zone, capacity });

const ROUTES = new Set(['/health', '/ready', '/contacts', '/metrics']);

function json(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req, limit = 64 * 1024) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', (c) => {
      size += c.length;
      if (size > limit) reject(Object.assign(new Error('request body too large'), { status: 413 }));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function listContacts() {
  if (!pool) return memory.slice(-100).reverse();
  const r = await pool.query('SELECT id, name, email, created_at FROM contacts ORDER BY id DESC LIMIT 100');
  return r.rows;
}

async function addContact(name, email) {
  if (!pool) {
    const row = { id: nextId++, name, email, created_at: new Date().toISOString() };
    memory.push(row);
    if (memory.length > 10_000) memory.shift();
    return row;
  }
  const r = await pool.query(
    'INSERT INTO contacts (name, email) VALUES ($1, $2) RETURNING id, name, email, created_at',
    [name, email],
  );
  return r.rows[0];
}

async function handle(req, res) {
  const url = new URL(req.url ?? '/', 'http://replica');
  const route = url.pathname;
  if (route === '/health' && req.method === 'GET') return json(res, 200, { status: 'ok', replica: replicaId });
  if (route === '/ready' && req.method === 'GET') {
    const ready = started && !draining;
    return json(res, ready ? 200 : 503, { ready, replica: replicaId });
  }
  if (route === '/metrics' && req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    return res.end(metrics.render(started && !draining));
  }
  if (route === '/contacts' && req.method === 'GET') {
    try {
      return json(res, 200, await listContacts());
    } catch (error) {
      return json(res, 503, { error: `database unavailable: ${error.message}` });
    }
  }
  if (route === '/contacts' && req.method === 'POST') {
    let input;
    try {
      input = JSON.parse((await readBody(req)) || 'null');
    } catch (error) {
      return json(res, error.status ?? 400, { error: error.status ? error.message : 'body must be JSON' });
    }
    if (typeof input?.name !== 'string' || typeof input?.email !== 'string') {
      return json(res, 400, { error: 'body must be {"name": string, "email": string}' });
    }
    try {
      return json(res, 201, await addContact(input.name, input.email));
    } catch (error) {
      return json(res, 503, { error: `database unavailable: ${error.message}` });
    }
  }
  return json(res, ROUTES.has(route) ? 405 : 404, { error: `no route ${req.method} ${route}` });
}

const server = http.createServer((req, res) => {
  const t0 = performance.now();
  res.setHeader('x-replica', replicaId);
  if (region) res.setHeader('x-region', region);
  // While shutting down, ask clients (the balancer) not to reuse this connection.
  if (stopping) res.setHeader('connection', 'close');
  const path = new URL(req.url ?? '/', 'http://replica').pathname;
  const route = ROUTES.has(path) ? path : 'other';
  res.on('finish', () => {
    metrics.observe(req.method ?? 'GET', route, res.statusCode, (performance.now() - t0) / 1000);
  });
  handle(req, res).catch((error) => {
    if (!res.headersSent) json(res, 500, { error: error.message });
    else res.destroy();
  });
});
server.keepAliveTimeout = 30_000;

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  send({ type: 'listening', port });
  setTimeout(() => {
    if (stopping) return;
    started = true;
    send({ type: 'ready' });
  }, startupDelayMs);
});

process.on('message', (msg) => {
  if (msg && typeof msg === 'object' && msg.type === 'drain') draining = true;
});

/** Graceful stop: no new connections, finish in-flight requests, close the pool, exit 0. */
function shutdown() {
  if (stopping) return;
  stopping = true;
  draining = true;
  const sweep = setInterval(() => server.closeIdleConnections(), 20);
  server.close(async () => {
    clearInterval(sweep);
    await Promise.race([pool?.end(), new Promise((r) => setTimeout(r, 1000))]).catch(() => {});
    process.exit(0);
  });
  server.closeIdleConnections();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
