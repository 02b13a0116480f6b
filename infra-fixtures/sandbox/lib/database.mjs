// The sandbox database: a primary and a streaming standby behind a writer and a reader endpoint.
// Server mechanics are in pg.mjs; this module owns the topology and the failover sequence.

import path from 'node:path';
import {
  createStandby,
  findPgBinDir,
  initPrimary,
  nodeUrl,
  preparePgRoot,
  promote,
  readPid,
  start,
  stop,
} from './pg.mjs';
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
  /** The primary that was stopped and whose standby is not promoted yet (between the two failover steps). */
  let stoppedPrimary = null;

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
    /** Failover step 1: stop the primary (pg_ctl stop -m mode). Writes fail until the standby is promoted. */
    stopPrimary(mode) {
      return exclusive('stop the primary', async () => {
        if (!env || !primary) throw new ConflictError('cannot stop the primary: the database is not running');
        if (!standby) {
          throw new ConflictError('cannot fail over: there is no standby to promote (POST /db/rebuild-standby first)');
        }
        const old = primary;
        await stop(env, old, mode);
        stoppedPrimary = old;
        primary = null;
        const stopped = events.emit('db-primary-stopped', { mode, name: old.name });
        return { stopped: old.name, standby: standby.name, stoppedAt: stopped.at };
      });
    },
    /** Failover step 2: promote the standby and switch the endpoints to it. */
    promoteStandby() {
      return exclusive('promote the standby', async () => {
        if (!env || !standby) throw new ConflictError('cannot promote: there is no standby');
        if (primary)
          throw new ConflictError(`cannot promote: primary ${primary.name} is still running (stop it first)`);
        const next = standby;
        await promote(env, next);
        primary = next;
        standby = null;
        const old = stoppedPrimary;
        stoppedPrimary = null;
        // Why drop connections: clients must reconnect to the new primary, as after an RDS failover.
        writer.setTarget(next.port);
        reader.setTarget(next.port);
        const promoted = events.emit('db-promoted', { newPrimary: next.name, port: next.port });
        return { oldPrimary: old?.name ?? null, newPrimary: next.name, promotedAt: promoted.at };
      });
    },
    /** Both failover steps at once. */
    async failover(mode) {
      const stopped = await this.stopPrimary(mode);
      events.emit('db-failover', { mode, oldPrimary: stopped.stopped, standby: stopped.standby });
      const promoted = await this.promoteStandby();
      return { oldPrimary: stopped.stopped, newPrimary: promoted.newPrimary, promotedAt: promoted.promotedAt };
    },
    /**
     * Undo of a failover, idempotent: a primary stopped but not yet replaced is started again;
     * otherwise a missing standby is cloned from the current primary.
     */
    async restore() {
      if (stoppedPrimary && !primary) {
        const node = stoppedPrimary;
        await exclusive('restart the primary', async () => {
          if (!env) throw new ConflictError('the database is not running');
          await start(env, node);
          primary = node;
          stoppedPrimary = null;
          events.emit('db-primary-restarted', { name: node.name });
        });
        return { restored: 'primary restarted', primary: describe(primary), standby: describe(standby) };
      }
      if (!standby) {
        const r = await this.rebuildStandby();
        return { restored: 'standby rebuilt', ...r };
      }
      return { restored: 'nothing to do', primary: describe(primary), standby: describe(standby) };
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
