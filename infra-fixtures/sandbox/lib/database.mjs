// The sandbox database: a primary and a streaming standby behind a writer and a reader endpoint.
// Server mechanics are in pg.mjs; this module owns the topology and the failover sequence.

import path from 'node:path';
import { createStandby, findPgBinDir, initPrimary, nodeUrl, preparePgRoot, promote, readPid, stop } from './pg.mjs';
import { createTcpProxy } from './tcp-proxy.mjs';
import { freePort } from './util.mjs';

/** Raised when the topology does not allow an operation; the control API maps it to 409. */
export class ConflictError extends Error {}

/**
 * @param {{ stateDir: string, events: { emit: (e: string, f?: object) => unknown }, onChange: () => void }} opts
 */
export function createDatabase({ stateDir, events, onChange }) {
  // Fail before anything starts when the binaries are missing.
  const binDir = findPgBinDir();
  const writer = createTcpProxy();
  const reader = createTcpProxy();
  /** @type {import('./pg.mjs').PgEnv | null} */
  let env = null;
  /** @type {import('./pg.mjs').PgNode | null} */
  let primary = null;
  /** @type {import('./pg.mjs').PgNode | null} */
  let standby = null;
  /** @type {import('./pg.mjs').PgNode[]} */
  const nodes = [];
  let writerPort = 0;
  let readerPort = 0;
  let busy = false;
  let counter = 0;

  const nextName = () => `pg-${++counter}`;

  /** Run one topology change at a time. */
  async function exclusive(what, fn) {
    if (busy) throw new ConflictError(`cannot ${what}: another database operation is in progress`);
    busy = true;
    try {
      return await fn();
    } finally {
      busy = false;
      onChange();
    }
  }

  function describe(node) {
    return node ? { name: node.name, port: node.port, pid: readPid(node.dataDir) } : null;
  }

  return {
    binDir,
    /** Open the endpoints first, so replicas can be given the writer URL before the servers exist. */
    async listen() {
      writerPort = await writer.listen();
      readerPort = await reader.listen();
      return { writerUrl: nodeUrl(writerPort), readerUrl: nodeUrl(readerPort) };
    },
    /** initdb + start the primary, clone the standby, point the endpoints at them. */
    async start() {
      env = await preparePgRoot(binDir, path.join(stateDir, 'pg'));
      const p = await initPrimary(env, nextName(), await freePort());
      nodes.push(p);
      primary = p;
      writer.setTarget(p.port);
      reader.setTarget(p.port);
      events.emit('db-primary-ready', { name: p.name, port: p.port, pid: readPid(p.dataDir) });
      onChange();
      const s = await createStandby(env, p, nextName(), await freePort());
      nodes.push(s);
      standby = s;
      reader.setTarget(s.port);
      events.emit('db-standby-ready', { name: s.name, port: s.port, pid: readPid(s.dataDir), primary: p.name });
      onChange();
    },
    /** Stop the primary (pg_ctl stop -m mode), promote the standby, switch the writer endpoint. */
    failover(mode) {
      return exclusive('fail over', async () => {
        if (!env || !primary) throw new ConflictError('cannot fail over: the database is not running');
        if (!standby) {
          throw new ConflictError('cannot fail over: there is no standby to promote (POST /db/rebuild-standby first)');
        }
        const oldPrimary = primary;
        const newPrimary = standby;
        await stop(env, oldPrimary, mode);
        events.emit('db-failover', { mode, oldPrimary: oldPrimary.name, standby: newPrimary.name });
        await promote(env, newPrimary);
        primary = newPrimary;
        standby = null;
        // Why drop connections: clients must reconnect to the new primary, as after an RDS failover.
        writer.setTarget(newPrimary.port);
        reader.setTarget(newPrimary.port);
        const promoted = events.emit('db-promoted', { newPrimary: newPrimary.name, port: newPrimary.port });
        return { oldPrimary: oldPrimary.name, newPrimary: newPrimary.name, promotedAt: promoted.at };
      });
    },
    /** Clone a fresh standby from the current primary (undoes a failover). */
    rebuildStandby() {
      return exclusive('rebuild the standby', async () => {
        if (!env || !primary) throw new ConflictError('cannot rebuild the standby: the database is not running');
        if (standby) throw new ConflictError(`cannot rebuild the standby: standby ${standby.name} already exists`);
        const s = await createStandby(env, primary, nextName(), await freePort());
        nodes.push(s);
        standby = s;
        reader.setTarget(s.port);
        events.emit('db-standby-ready', { name: s.name, port: s.port, pid: readPid(s.dataDir), primary: primary.name });
        return { standby: describe(s), primary: describe(primary) };
      });
    },
    status() {
      return {
        writerUrl: nodeUrl(writerPort),
        readerUrl: nodeUrl(readerPort),
        primary: describe(primary),
        standby: describe(standby),
      };
    },
    dataDirs: () => nodes.map((n) => n.dataDir),
    pids: () => nodes.map((n) => readPid(n.dataDir)).filter((pid) => pid !== null),
    /** Stop every server (fast, then immediate if that fails) and close the endpoints. */
    async stop() {
      await writer.close();
      await reader.close();
      if (!env) return;
      const e = env;
      await Promise.all(nodes.map((n) => stop(e, n, 'fast').catch(() => stop(e, n, 'immediate'))));
    },
  };
}
