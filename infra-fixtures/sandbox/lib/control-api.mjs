// The control API: HTTP JSON on a free loopback port. Chaos faults are requests to it; replica
// *selection* happens in the caller (from GET /status), so every fault names its targets by id.

import http from 'node:http';
import { listenOnLoopback } from '../../shared/net.mjs';
import { NotFoundError } from './controller.mjs';
import { ConflictError } from './database.mjs';

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const SIGNALS = new Set(['SIGKILL', 'SIGTERM']);
const MODES = new Set(['fast', 'immediate']);

function nonNegative(value, name, fallback) {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new HttpError(400, `${name} must be a non-negative number of milliseconds`);
  }
  return value;
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (!text) return resolve({});
      try {
        const value = JSON.parse(text);
        if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
        resolve(value);
      } catch {
        reject(new HttpError(400, 'request body must be a JSON object'));
      }
    });
  });
}

/**
 * @param {{ controller: ReturnType<typeof import('./regions.mjs').createRegions>,
 *   database: ReturnType<typeof import('./database.mjs').createDatabase> | null,
 *   apiUrl: () => string, shutdown: () => void, metrics?: () => string }} deps
 */
export function createControlApi({ controller, database, apiUrl, shutdown, stateDir, metrics = () => '' }) {
  const needDb = () => {
    if (!database) throw new ConflictError('this sandbox runs without a database (database: false)');
    return database;
  };

  /** @type {Record<string, (body: any, params: string[]) => unknown>} */
  const routes = {
    // stateDir names this sandbox instance: gameday journals it, and rollback checks it is the same one.
    'GET /status': () => ({
      ...controller.status(),
      apiUrl: apiUrl(),
      db: database ? database.status() : null,
      stateDir,
    }),
    'POST /replicas/kill': (b) => {
      const signal = b.signal ?? 'SIGKILL';
      if (!SIGNALS.has(signal)) throw new HttpError(400, 'signal must be "SIGKILL" or "SIGTERM"');
      return controller.kill(b.ids, signal, nonNegative(b.graceMs, 'graceMs', 10_000));
    },
    'POST /replicas/interrupt': (b) =>
      controller.interrupt(b.ids, nonNegative(b.noticeMs, 'noticeMs', 2000), nonNegative(b.graceMs, 'graceMs', 5000)),
    'POST /zones/:zone/down': (_b, [zone]) => controller.zoneDown(zone),
    'POST /zones/:zone/up': (_b, [zone]) => controller.zoneUp(zone),
    'POST /db/failover': (b) => {
      const mode = b.mode ?? 'fast';
      if (!MODES.has(mode)) throw new HttpError(400, 'mode must be "fast" or "immediate"');
      return needDb().failover(mode);
    },
    'POST /db/stop-primary': (b) => {
      const mode = b.mode ?? 'fast';
      if (!MODES.has(mode)) throw new HttpError(400, 'mode must be "fast" or "immediate"');
      return needDb().stopPrimary(mode);
    },
    'POST /db/promote': () => needDb().promoteStandby(),
    'POST /db/restore': () => needDb().restore(),
    'POST /db/rebuild-standby': () => needDb().rebuildStandby(),
    'POST /desired': (b) => controller.setDesired(b.replicas),
    'POST /regions/:region/traffic': (b, [region]) => {
      if (b.force !== undefined && typeof b.force !== 'boolean') throw new HttpError(400, 'force must be a boolean');
      return controller.switchTraffic(region, b.force === true);
    },
    'POST /regions/:region/scale': (b, [region]) => {
      if (!Number.isInteger(b.replicas) || b.replicas < 0 || b.replicas > 64) {
        throw new HttpError(400, 'replicas must be an integer from 0 to 64');
      }
      return controller.scale(region, b.replicas);
    },
    'POST /regions/:region/down': (b, [region]) => {
      const mode = b.database ?? 'immediate';
      if (!MODES.has(mode) && mode !== 'none')
        throw new HttpError(400, 'database must be "immediate", "fast" or "none"');
      return controller.regionDown(region, mode);
    },
    'POST /regions/:region/up': (_b, [region]) => controller.regionUp(region),
    'POST /shutdown': () => {
      setImmediate(shutdown);
      return { stopping: true };
    },
  };

  function route(method, pathname) {
    const zone = /^\/zones\/([^/]+)\/(down|up)$/.exec(pathname);
    if (zone) return { handler: routes[`${method} /zones/:zone/${zone[2]}`], params: [decodeURIComponent(zone[1])] };
    const region = /^\/regions\/([^/]+)\/(traffic|scale|down|up)$/.exec(pathname);
    if (region) {
      return { handler: routes[`${method} /regions/:region/${region[2]}`], params: [decodeURIComponent(region[1])] };
    }
    return { handler: routes[`${method} ${pathname}`], params: [] };
  }

  const server = http.createServer(async (req, res) => {
    let status = 200;
    let body;
    try {
      const { pathname } = new URL(req.url ?? '/', 'http://control');
      if (req.method === 'GET' && pathname === '/metrics') {
        // Prometheus text, not JSON: the balancer's request counters for the Prometheus fixture.
        const text = metrics();
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'content-length': Buffer.byteLength(text) });
        res.end(text);
        return;
      }
      const { handler, params } = route(req.method ?? 'GET', pathname);
      if (!handler) throw new HttpError(404, `no route ${req.method} ${pathname}`);
      const input = req.method === 'POST' ? await readJson(req) : {};
      body = await handler(input, params);
    } catch (error) {
      status =
        error instanceof HttpError
          ? error.status
          : error instanceof NotFoundError
            ? 404
            : error instanceof ConflictError
              ? 409
              : error instanceof TypeError
                ? 400
                : 500;
      body = { error: error instanceof Error ? error.message : String(error) };
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });

  return {
    /** @returns {Promise<number>} */
    listen() {
      return listenOnLoopback(server);
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
