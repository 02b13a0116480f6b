// Small helpers shared by the Kubernetes fixture: ports, timing, polling, process checks.

import fs from 'node:fs';
import net from 'node:net';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Seconds since `t0` (a performance.now() value), e.g. "12.3s". */
export function since(t0) {
  return `${((performance.now() - t0) / 1000).toFixed(1)}s`;
}

/**
 * Ask the OS for `count` distinct free ports on 127.0.0.1. All listeners stay open
 * until every port is chosen, so the ports differ from each other.
 */
export async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
      servers.push(server);
    }
    return servers.map((s) => s.address().port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function isListening(port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (result) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** True when `pid` is a live (not zombie) process. */
export function isAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // no procfs: trust kill(0)
  }
}

/** The executable path of a process (from /proc), or null. */
export function processExe(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
  } catch {
    return null;
  }
}

/**
 * Call `probe` every `intervalMs` until it returns a truthy value, and return that value.
 * `check()` may throw to abort early (e.g. a component died). Throws after `timeoutMs`
 * with `what` and the last probe error or value.
 */
export async function waitFor(what, probe, { timeoutMs = 60_000, intervalMs = 250, check } = {}) {
  const deadline = performance.now() + timeoutMs;
  let last;
  for (;;) {
    if (check) check();
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (performance.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(
        `timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}${detail ? `: ${detail}` : ''}`,
      );
    }
    await sleep(intervalMs);
  }
}

/** Last `lines` lines of a file, or '' if it cannot be read. */
export function tail(file, lines = 15) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
