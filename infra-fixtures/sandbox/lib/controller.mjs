// The replica controller: keeps `desired` API replicas running as OS processes, spread evenly over
// the zones that are up, each zone with on-demand and spot capacity, as a ReplicaSet with topology
// spread constraints would. A replica that is terminating or draining no longer counts, so its
// replacement starts at once. When the spread is uneven (a zone came back), one replica at a time is
// moved: a surge replica starts in the emptiest zone and, once it is ready, one in the fullest zone
// stops — so the fleet never drops below `desired` while it is rebalanced.

import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { nowMs } from './events.mjs';

/** Raised for requests naming unknown replicas or zones; the control API maps it to 404. */
export class NotFoundError extends Error {}

const ACTIVE = new Set(['starting', 'ready']);

/**
 * @typedef {{ id: string, zone: string, capacity: 'spot'|'on-demand', child: import('node:child_process').ChildProcess,
 *   pid: number, port: number|null, state: 'starting'|'ready'|'draining'|'terminating', startedAt: number,
 *   readyAt: number|null, timers: NodeJS.Timeout[], exited: Promise<void>, listened: boolean }} Replica
 * @param {{ apiScript: string, zones: string[], desired: number, startupDelayMs: number, env: Record<string,string>,
 *   logDir: string, events: { emit: (e: string, f?: object) => { at: number } }, onChange: () => void }} opts
 */
export function createController(opts) {
  const { apiScript, zones, startupDelayMs, logDir, events, onChange } = opts;
  let desired = opts.desired;
  /** @type {Map<string, Replica>} */
  const replicas = new Map();
  /** @type {Map<string, boolean>} */
  const zoneUp = new Map(zones.map((z) => [z, true]));
  let counter = 0;
  let stopping = false;
  let whole = false;
  /** @type {number | null} */
  let lastFleetWholeAt = null;
  let crashes = 0;
  /** @type {NodeJS.Timeout | null} */
  let backoff = null;
  /** @type {Array<() => void>} */
  let wholeWaiters = [];
  /** The surge replica started to even out the zones, until it is ready (or gone). */
  /** @type {string | null} */
  let surge = null;

  const active = () => [...replicas.values()].filter((r) => ACTIVE.has(r.state));
  const readyCount = () => [...replicas.values()].filter((r) => r.state === 'ready').length;

  /** Log fleet-degraded / fleet-whole on every transition of ready === desired. */
  function checkFleet() {
    const ready = readyCount();
    const nowWhole = ready >= desired && active().length === desired + (surge ? 1 : 0);
    if (nowWhole && !whole) {
      lastFleetWholeAt = events.emit('fleet-whole', { ready, desired }).at;
      const waiters = wholeWaiters;
      wholeWaiters = [];
      for (const w of waiters) w();
    } else if (!nowWhole && whole) {
      events.emit('fleet-degraded', { ready, desired });
    }
    whole = nowWhole;
  }

  /** Zone for the next replica: the up zone with the fewest active replicas (ties: config order). */
  function placement() {
    const up = zones.filter((z) => zoneUp.get(z));
    if (up.length === 0) return null;
    const inZone = (z) => active().filter((r) => r.zone === z);
    const zone = up.reduce((best, z) => (inZone(z).length < inZone(best).length ? z : best));
    const here = inZone(zone);
    const onDemand = here.filter((r) => r.capacity === 'on-demand').length;
    const capacity = onDemand <= here.length - onDemand ? 'on-demand' : 'spot';
    return { zone, capacity };
  }

  function spawnReplica(zone, capacity) {
    const id = `api-${zone}-${++counter}`;
    const log = fs.openSync(path.join(logDir, `${id}.log`), 'a');
    const child = fork(apiScript, [], {
      env: {
        ...process.env,
        ...opts.env,
        PORT: '0',
        ZONE: zone,
        REPLICA_ID: id,
        CAPACITY: capacity,
        STARTUP_DELAY_MS: String(startupDelayMs),
      },
      stdio: ['ignore', log, log, 'ipc'],
    });
    fs.closeSync(log);
    /** @type {() => void} */
    let onExit = () => {};
    /** @type {Replica} */
    const replica = {
      id,
      zone,
      capacity,
      child,
      pid: child.pid ?? 0,
      port: null,
      state: 'starting',
      startedAt: nowMs(),
      readyAt: null,
      timers: [],
      exited: new Promise((resolve) => (onExit = resolve)),
      listened: false,
    };
    replicas.set(id, replica);
    events.emit('replica-started', { id, zone, capacity, pid: replica.pid });
    child.on('message', (msg) => {
      if (msg?.type === 'listening') {
        replica.port = msg.port;
        replica.listened = true;
        events.emit('replica-listening', { id, port: msg.port });
        onChange();
      } else if (msg?.type === 'ready' && replica.state === 'starting') {
        replica.state = 'ready';
        crashes = 0;
        replica.readyAt = events.emit('replica-ready', { id, zone, capacity }).at;
        // The surge replica is ready: the move finishes when reconcile stops one in the fullest zone.
        if (surge === id) surge = null;
        reconcile();
        checkFleet();
        onChange();
      }
    });
    child.on('error', () => {}); // exit follows; signalling a dead child must not crash us
    child.on('exit', (code, signal) => {
      const previous = replica.state;
      for (const t of replica.timers) clearTimeout(t);
      replicas.delete(id);
      if (surge === id) surge = null;
      events.emit('replica-exited', { id, zone, capacity, pid: replica.pid, code, signal, state: previous });
      if (!replica.listened && !stopping) crashes++;
      checkFleet();
      onExit();
      reconcile();
      onChange();
    });
    return id;
  }

  /** Start or stop replicas until `desired` are active. */
  function reconcile() {
    if (stopping || backoff) return;
    if (crashes > 0) {
      // Why back off: a replica that dies before listening would otherwise be respawned in a hot loop.
      const delay = Math.min(100 * 2 ** (crashes - 1), 5000);
      backoff = setTimeout(() => {
        backoff = null;
        if (crashes > 0) crashes = Math.max(0, crashes - 1);
        reconcileNow();
      }, delay);
      return;
    }
    reconcileNow();
  }

  function reconcileNow() {
    if (stopping) return;
    while (active().length < desired) {
      const spot = placement();
      if (!spot) break; // every zone is down: wait for one to come up
      spawnReplica(spot.zone, spot.capacity);
    }
    const extra = active().length - desired - (surge ? 1 : 0);
    if (extra > 0) {
      // Scale down: not-yet-ready replicas first (never the surge one), then from the most crowded zone.
      const byZone = (z) => active().filter((r) => r.zone === z).length;
      // Within the most crowded zone, the capacity the fleet has more of goes first, so a refill after a
      // zone outage ends with as much spot capacity as before.
      const byCapacity = (c) => active().filter((r) => r.capacity === c).length;
      const victims = active()
        .filter((r) => r.id !== surge)
        .sort((x, y) =>
          x.state === y.state
            ? byZone(y.zone) - byZone(x.zone) || byCapacity(y.capacity) - byCapacity(x.capacity)
            : x.state === 'starting'
              ? -1
              : 1,
        )
        .slice(0, extra);
      for (const r of victims) terminate(r, 'SIGTERM', 5000);
    }
    rebalance();
    checkFleet();
    onChange();
  }

  /**
   * Even out the zones that are up (max skew 1), one replica at a time and only while the fleet is
   * steady (every replica ready, none starting): a surge replica in the emptiest zone first; the one it
   * replaces in the fullest zone stops once the surge replica is ready (reconcile scales down then).
   */
  function rebalance() {
    if (surge || desired === 0) return;
    const up = zones.filter((z) => zoneUp.get(z));
    const live = active();
    if (up.length < 2 || live.length !== desired || live.some((r) => r.state !== 'ready')) return;
    const count = (z) => live.filter((r) => r.zone === z).length;
    const emptiest = up.reduce((best, z) => (count(z) < count(best) ? z : best));
    const fullest = up.reduce((best, z) => (count(z) > count(best) ? z : best));
    if (count(fullest) - count(emptiest) <= 1) return;
    const spot = placement();
    if (!spot) return;
    events.emit('zones-rebalancing', {
      from: fullest,
      to: spot.zone,
      counts: Object.fromEntries(up.map((z) => [z, count(z)])),
    });
    surge = spawnReplica(spot.zone, spot.capacity);
  }

  /** Send `signal`; after SIGTERM, SIGKILL follows after graceMs if the replica still runs. */
  function terminate(replica, signal, graceMs) {
    replica.state = 'terminating';
    events.emit('replica-signalled', { id: replica.id, zone: replica.zone, pid: replica.pid, signal });
    replica.child.kill(signal);
    if (signal !== 'SIGKILL') replica.timers.push(setTimeout(() => replica.child.kill('SIGKILL'), graceMs));
  }

  function lookup(ids) {
    if (!Array.isArray(ids) || ids.length === 0) throw new TypeError('ids must be a non-empty array of replica ids');
    const unknown = ids.filter((id) => !replicas.has(id));
    if (unknown.length > 0) throw new NotFoundError(`unknown replica ids: ${unknown.join(', ')}`);
    return ids.map((id) => /** @type {Replica} */ (replicas.get(id)));
  }

  function checkZone(zone) {
    if (!zoneUp.has(zone)) throw new NotFoundError(`unknown zone "${zone}" (zones: ${zones.join(', ')})`);
  }

  return {
    start: () => reconcile(),
    /** Resolves at the next moment the fleet is whole (at once if it is). */
    whenWhole: () => (whole ? Promise.resolve() : new Promise((resolve) => wholeWaiters.push(resolve))),
    kill(ids, signal, graceMs) {
      const targets = lookup(ids);
      for (const r of targets) terminate(r, signal, graceMs);
      reconcile();
      return { killed: targets.map((r) => ({ id: r.id, zone: r.zone, pid: r.pid })) };
    },
    interrupt(ids, noticeMs, graceMs) {
      const targets = lookup(ids);
      for (const r of targets) {
        if (r.state === 'terminating') continue;
        r.state = 'draining';
        events.emit('replica-draining', { id: r.id, zone: r.zone, pid: r.pid, noticeMs, graceMs });
        if (r.child.connected) r.child.send({ type: 'drain' }, () => {});
        r.timers.push(setTimeout(() => terminate(r, 'SIGTERM', graceMs), noticeMs));
      }
      reconcile();
      return { interrupted: targets.map((r) => ({ id: r.id, zone: r.zone, pid: r.pid })) };
    },
    zoneDown(zone) {
      return this.zonesDown([zone]);
    },
    /** Several zones lose power at once (a regional outage): no replica is moved between them. */
    zonesDown(names) {
      for (const zone of names) checkZone(zone);
      const killed = [];
      for (const zone of names) {
        const victims = [...replicas.values()].filter((r) => r.zone === zone);
        zoneUp.set(zone, false);
        events.emit('zone-down', { zone, replicas: victims.map((r) => r.id) });
        // A power loss: no notice, no graceful stop.
        for (const r of victims) terminate(r, 'SIGKILL', 0);
        killed.push(...victims.map((r) => ({ id: r.id, zone: r.zone, pid: r.pid })));
      }
      reconcile();
      return names.length === 1 ? { zone: names[0], killed } : { zones: names, killed };
    },
    zoneUp(zone) {
      this.zonesUp([zone]);
      return { zone, up: true };
    },
    /**
     * Several zones come back at once (a region is back): all are up before anything is placed, so
     * the replicas spread over them (1/1/1, not 3/0/0 as zone-by-zone would place them).
     */
    zonesUp(names) {
      for (const zone of names) checkZone(zone);
      for (const zone of names) {
        if (!zoneUp.get(zone)) {
          zoneUp.set(zone, true);
          events.emit('zone-up', { zone });
        }
      }
      reconcile();
      return { zones: names, up: true };
    },
    setDesired(n) {
      if (!Number.isInteger(n) || n < 0 || n > 64) throw new TypeError('replicas must be an integer from 0 to 64');
      desired = n;
      events.emit('desired-changed', { desired: n });
      reconcile();
      return { desired };
    },
    /** Replicas the balancer may route to (it still health-checks them). */
    upstreams: () =>
      active()
        .filter((r) => r.port !== null)
        .map((r) => ({ id: r.id, port: /** @type {number} */ (r.port) })),
    pids: () => [...replicas.values()].map((r) => r.pid),
    status() {
      return {
        desired,
        ready: readyCount(),
        replicas: [...replicas.values()].map((r) => ({
          id: r.id,
          zone: r.zone,
          capacity: r.capacity,
          pid: r.pid,
          port: r.port,
          state: r.state,
          startedAt: r.startedAt,
          readyAt: r.readyAt,
        })),
        zones: Object.fromEntries(zones.map((z) => [z, { up: Boolean(zoneUp.get(z)) }])),
        // A replica is being moved to even out the zones (a surge replica is starting).
        rebalancing: surge !== null,
        lastFleetWholeAt,
      };
    },
    /** Stop every replica: SIGTERM, then SIGKILL after graceMs. */
    async stop(graceMs = 3000) {
      stopping = true;
      if (backoff) clearTimeout(backoff);
      const all = [...replicas.values()];
      for (const r of all) if (r.state !== 'terminating') terminate(r, 'SIGTERM', graceMs);
      await Promise.all(all.map((r) => r.exited));
    },
    /** Last resort when the supervisor itself is failing: SIGKILL everything synchronously. */
    killAllNow() {
      stopping = true;
      for (const r of replicas.values()) r.child.kill('SIGKILL');
    },
  };
}
