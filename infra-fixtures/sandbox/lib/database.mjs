// The sandbox database: a primary and a streaming standby behind a writer and a reader endpoint.
// Server mechanics are in pg.mjs; this module owns the topology, the failover sequence and, with
// regions, which region each server lives in (primary in one region, standby in the other).

import path from 'node:path';
import { findPostgresBinDir, readPostmasterPid } from '../../shared/postgres.mjs';
import {
  createStandby,
  initPrimary,
  nodeUrl,
  preparePgRoot,
  promote,
  shutdownCheckpointLsn,
  start,
  stop,
  waitReplayed,
  waitStreaming,
} from './pg.mjs';
import { createTcpProxy } from './tcp-proxy.mjs';
import { freePort } from '../../shared/net.mjs';

/** Raised when the topology does not allow an operation; the control API maps it to 409. */
export class ConflictError extends Error {}

/**
 * @typedef {import('./pg.mjs').PgNode & { region: string }} DbNode
 * @param {{ stateDir: string, events: { emit: (e: string, f?: object) => { at: number } }, onChange: () => void,
 *   regions?: string[], replicationLagMs?: number }} opts
 *   regions: region names, the first holds the primary and the second (if any) the standby.
 *   replicationLagMs: one-way delay of the link each standby streams over (0: direct).
 */
export function createDatabase({ stateDir, events, onChange, regions = ['local'], replicationLagMs = 0 }) {
  // Fail before anything starts when the binaries are missing.
  const binDir = findPostgresBinDir();
  const writer = createTcpProxy();
  const reader = createTcpProxy();
  /** @type {import('./pg.mjs').PgEnv | null} */
  let env = null;
  /** @type {DbNode | null} */
  let primary = null;
  /** @type {DbNode | null} */
  let standby = null;
  /** @type {DbNode[]} */
  const nodes = [];
  /** Regions whose servers are down (a regional outage): nothing is started or placed there. */
  const downRegions = new Set();
  let writerPort = 0;
  let readerPort = 0;
  let busy = false;
  let counter = 0;
  /** The primary that was stopped and whose standby is not promoted yet (between the two failover steps). */
  /** @type {DbNode | null} */
  let stoppedPrimary = null;
  /**
   * The last WAL record (shutdown checkpoint) of a primary stopped cleanly by stopPrimary: the
   * standby must have replayed it before it is promoted, or acknowledged writes would be lost.
   * @type {string | null}
   */
  let stoppedPrimaryLsn = null;
  /** A standby stopped by an outage of its region; restarted when the region is back. */
  /** @type {DbNode | null} */
  let stoppedStandby = null;

  const nextName = () => `pg-${++counter}`;
  const primaryRegion = regions[0];
  const standbyRegion = regions[1] ?? regions[0];

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
    return node
      ? { name: node.name, port: node.port, pid: readPostmasterPid(node.dataDir), region: node.region }
      : null;
  }

  /** Where a new standby goes: the region without the primary (the only region when there is one). */
  function standbyHome(current) {
    if (regions.length === 1) return regions[0];
    return regions.find((r) => r !== current.region) ?? current.region;
  }

  /**
   * The replication link each standby streams over, by standby name. A link lives exactly as long as
   * its standby streams: it closes when that standby is promoted (or fails to start), so failovers
   * never pile up listeners in the supervisor.
   * @type {Map<string, ReturnType<typeof createTcpProxy>>}
   */
  const links = new Map();

  /**
   * Where a standby connects to stream from `source`: the server itself, or with replicationLagMs a
   * delaying link in between (cross-region replication). Why a link that loses what it holds when
   * the primary dies: a regional outage takes the primary's network down with it, so WAL sent but
   * not yet received is lost — the asynchronous-replication loss an RPO measurement must catch.
   */
  async function replicationSource(source) {
    if (replicationLagMs <= 0) return { from: source, link: null };
    const link = createTcpProxy({ delayMs: replicationLagMs });
    const port = await link.listen();
    link.setTarget(source.port);
    return { from: { ...source, port }, link };
  }

  /** Close the link `name` streamed over (it was promoted: nothing streams over it any more). */
  async function closeLink(name) {
    const link = links.get(name);
    links.delete(name);
    await link?.close();
  }

  async function addStandby(source, region) {
    if (!env) throw new ConflictError('the database is not running');
    const { from, link } = await replicationSource(source);
    const name = nextName();
    let node;
    try {
      node = await createStandby(env, from, name, await freePort(), { serverPort: source.port });
    } catch (error) {
      await link?.close();
      throw error;
    }
    if (link) links.set(name, link);
    const s = /** @type {DbNode} */ ({ ...node, region });
    nodes.push(s);
    standby = s;
    reader.setTarget(s.port);
    const fields = { name: s.name, port: s.port, pid: readPostmasterPid(s.dataDir), primary: source.name, region };
    events.emit('db-standby-ready', fields);
    return s;
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
      const p = /** @type {DbNode} */ ({
        ...(await initPrimary(env, nextName(), await freePort())),
        region: primaryRegion,
      });
      nodes.push(p);
      primary = p;
      writer.setTarget(p.port);
      reader.setTarget(p.port);
      events.emit('db-primary-ready', {
        name: p.name,
        port: p.port,
        pid: readPostmasterPid(p.dataDir),
        region: p.region,
      });
      onChange();
      await addStandby(p, standbyRegion);
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
        const clean = mode !== 'immediate';
        if (clean) {
          // Why first: a clean stop ships the primary's WAL only over a walsender that is already
          // streaming; one still in its handshake (a standby just rebuilt, a slow link) is terminated
          // and ships nothing, so the promoted standby would miss every write since its base backup.
          await waitStreaming(standby, old.port).catch((error) => {
            throw new ConflictError(
              `cannot stop primary ${old.name} cleanly: standby ${standby?.name} is not streaming from it, ` +
                `so its WAL would not reach the standby (${error.message})`,
            );
          });
        }
        await stop(env, old, mode);
        stoppedPrimary = old;
        primary = null;
        stoppedPrimaryLsn = clean ? await shutdownCheckpointLsn(env, old) : null;
        const stopped = events.emit('db-primary-stopped', {
          mode,
          name: old.name,
          region: old.region,
          ...(stoppedPrimaryLsn ? { lsn: stoppedPrimaryLsn } : {}),
        });
        return { stopped: old.name, standby: standby.name, stoppedAt: stopped.at, lsn: stoppedPrimaryLsn };
      });
    },
    /** Failover step 2: promote the standby and switch the endpoints to it (plays RDS PromoteReadReplica). */
    promoteStandby() {
      return exclusive('promote the standby', async () => {
        if (!env || !standby) throw new ConflictError('cannot promote: there is no standby');
        if (primary)
          throw new ConflictError(`cannot promote: primary ${primary.name} is still running (stop it first)`);
        if (downRegions.has(standby.region)) {
          throw new ConflictError(
            `cannot promote: standby ${standby.name} is in region ${standby.region}, which is down`,
          );
        }
        const next = standby;
        const lsn = stoppedPrimaryLsn;
        if (lsn) {
          // A clean stop promises no lost write: promote only once everything the old primary wrote
          // (up to its shutdown checkpoint) is replayed here, and refuse loudly otherwise.
          await waitReplayed(next.port, lsn).catch((error) => {
            throw new ConflictError(
              `cannot promote standby ${next.name}: it has not replayed the WAL of the cleanly stopped primary ` +
                `${stoppedPrimary?.name ?? '?'} up to ${lsn}, so acknowledged writes would be lost (${error.message})`,
            );
          });
        }
        await promote(env, next);
        await closeLink(next.name);
        primary = next;
        standby = null;
        const old = stoppedPrimary;
        stoppedPrimary = null;
        stoppedPrimaryLsn = null;
        // Why drop connections: clients must reconnect to the new primary, as after an RDS failover.
        writer.setTarget(next.port);
        reader.setTarget(next.port);
        const promoted = events.emit('db-promoted', { newPrimary: next.name, port: next.port, region: next.region });
        if (old) events.emit('db-node-retired', { name: old.name, region: old.region });
        return { oldPrimary: old?.name ?? null, newPrimary: next.name, promotedAt: promoted.at, region: next.region };
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
     * otherwise a missing standby is cloned from the current primary (into the region without it).
     */
    async restore() {
      if (stoppedPrimary && !primary) {
        const node = stoppedPrimary;
        await exclusive('restart the primary', async () => {
          if (!env) throw new ConflictError('the database is not running');
          if (downRegions.has(node.region)) {
            throw new ConflictError(`cannot restart primary ${node.name}: its region ${node.region} is down`);
          }
          await start(env, node);
          primary = node;
          stoppedPrimary = null;
          stoppedPrimaryLsn = null;
          writer.setTarget(node.port);
          events.emit('db-primary-restarted', { name: node.name, region: node.region });
        });
        return { restored: 'primary restarted', primary: describe(primary), standby: describe(standby) };
      }
      if (!standby && !stoppedStandby) {
        const r = await this.rebuildStandby();
        return { restored: 'standby rebuilt', ...r };
      }
      return { restored: 'nothing to do', primary: describe(primary), standby: describe(standby) };
    },
    /** Clone a fresh standby from the current primary (undoes a failover). */
    rebuildStandby() {
      return exclusive('rebuild the standby', async () => {
        if (!env || !primary) throw new ConflictError('cannot rebuild the standby: the database is not running');
        if (standby || stoppedStandby) {
          const s = /** @type {DbNode} */ (standby ?? stoppedStandby);
          throw new ConflictError(`cannot rebuild the standby: standby ${s.name} already exists`);
        }
        const region = standbyHome(primary);
        if (downRegions.has(region)) {
          throw new ConflictError(
            `cannot rebuild the standby: region ${region} is down (POST /regions/${region}/up first)`,
          );
        }
        const s = await addStandby(primary, region);
        return { standby: describe(s), primary: describe(primary) };
      });
    },
    /** A regional outage: the region's servers stop with `mode` (immediate = crash). */
    regionDown(region, mode) {
      return exclusive(`take region ${region} down`, async () => {
        downRegions.add(region);
        if (!env) return { stopped: [] };
        const stopped = [];
        if (primary?.region === region) {
          await stop(env, primary, mode);
          stopped.push(primary.name);
          events.emit('db-primary-stopped', { mode, name: primary.name, region, cause: 'region-down' });
          stoppedPrimary = primary;
          // An outage is not a planned stop: promoting after it accepts whatever did not replicate.
          stoppedPrimaryLsn = null;
          primary = null;
        }
        if (standby?.region === region) {
          await stop(env, standby, mode);
          stopped.push(standby.name);
          events.emit('db-standby-stopped', { mode, name: standby.name, region });
          stoppedStandby = standby;
          standby = null;
          if (primary) reader.setTarget(primary.port);
        }
        return { stopped };
      });
    },
    /** The region is back: a primary not replaced meanwhile and a stopped standby start again. */
    regionUp(region) {
      return exclusive(`bring region ${region} up`, async () => {
        downRegions.delete(region);
        if (!env) return { started: [] };
        const started = [];
        if (stoppedPrimary?.region === region && !primary) {
          const node = stoppedPrimary;
          await start(env, node);
          primary = node;
          stoppedPrimary = null;
          stoppedPrimaryLsn = null;
          writer.setTarget(node.port);
          started.push(node.name);
          events.emit('db-primary-restarted', { name: node.name, region });
        }
        if (stoppedStandby?.region === region && !standby) {
          const node = stoppedStandby;
          await start(env, node);
          standby = node;
          stoppedStandby = null;
          reader.setTarget(node.port);
          started.push(node.name);
          events.emit('db-standby-restarted', { name: node.name, region });
        }
        return { started };
      });
    },
    /** 'primary' | 'standby' | null: the role of the database server that lives in `region`. */
    roleIn(region) {
      if (primary?.region === region) return 'primary';
      if (standby?.region === region) return 'standby';
      return null;
    },
    status() {
      return {
        writerUrl: nodeUrl(writerPort),
        readerUrl: nodeUrl(readerPort),
        primary: describe(primary),
        standby: describe(standby),
        stoppedPrimary: describe(stoppedPrimary),
        replicationLinks: links.size,
      };
    },
    dataDirs: () => nodes.map((n) => n.dataDir),
    pids: () => nodes.map((n) => readPostmasterPid(n.dataDir)).filter((pid) => pid !== null),
    /** Stop every server (fast, then immediate if that fails) and close the endpoints. */
    async stop() {
      await writer.close();
      await reader.close();
      await Promise.all([...links.values()].map((l) => l.close()));
      links.clear();
      if (!env) return;
      const e = env;
      await Promise.all(nodes.map((n) => stop(e, n, 'fast').catch(() => stop(e, n, 'immediate'))));
    },
  };
}
