// A TCP endpoint with a movable target, like an RDS writer/reader endpoint: clients keep one
// address while the server behind it changes. Switching the target drops existing connections.

import net from 'node:net';
import { listenOnLoopback } from '../../shared/net.mjs';

/**
 * Create an endpoint on a free loopback port; `setTarget(port|null)` moves it. With `delayMs`, every
 * chunk is delivered that much later in each direction (a long-distance link); when either side
 * closes, data still queued on the link is lost, as when a region goes dark with its network.
 */
export function createTcpProxy({ delayMs = 0 } = {}) {
  /** @type {number | null} */
  let target = null;
  /** @type {Set<net.Socket>} */
  const sockets = new Set();
  const track = (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server = net.createServer((client) => {
    track(client);
    client.on('error', () => client.destroy());
    if (target === null) {
      // Nothing behind the endpoint (e.g. mid-failover): refuse like a dead endpoint would.
      client.destroy();
      return;
    }
    const upstream = net.connect({ host: '127.0.0.1', port: target });
    track(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    if (delayMs > 0) {
      // Timers with the same delay fire in the order they were set, so the byte order is kept.
      client.on('data', (chunk) => setTimeout(() => upstream.destroyed || upstream.write(chunk), delayMs));
      upstream.on('data', (chunk) => setTimeout(() => client.destroyed || client.write(chunk), delayMs));
    } else {
      client.pipe(upstream);
      upstream.pipe(client);
    }
  });
  return {
    /** @returns {Promise<number>} the port it listens on */
    listen() {
      return listenOnLoopback(server);
    },
    get target() {
      return target;
    },
    /** Point the endpoint at `port` (null: nothing) and drop every existing connection. */
    setTarget(port) {
      target = port;
      for (const socket of sockets) socket.destroy();
    },
    close() {
      target = null;
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
