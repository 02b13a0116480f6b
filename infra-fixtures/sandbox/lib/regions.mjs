// Regions: one replica controller per region, the serving region (what the balancer routes to, as
// DNS would) and regional outages. With one region (the default) this is a thin wrapper around a
// single controller and the sandbox behaves exactly as it did before regions existed.

import { createController, NotFoundError } from './controller.mjs';
import { ConflictError } from './database.mjs';

/**
 * @typedef {{ name: string, zones: string[], replicas: number }} RegionConfig
 * @param {{ regions: RegionConfig[], multi: boolean, apiScript: string, startupDelayMs: number,
 *   env: Record<string, string>, logDir: string, events: { emit: (e: string, f?: object) => { at: number } },
 *   database: ReturnType<typeof import('./database.mjs').createDatabase> | null, onChange: () => void }} opts
 *   multi: zone names are qualified with the region ("west-a") and events carry the region.
 */
export function createRegions(opts) {
  const { multi, events, database } = opts;
  /** @type {Map<string, { config: RegionConfig, zones: string[], controller: ReturnType<typeof createController>, down: boolean }>} */
  const regions = new Map();
  for (const config of opts.regions) {
    const zones = multi ? config.zones.map((z) => `${config.name}-${z}`) : config.zones;
    // Why a scoped event log: ground truth must say which region a replica or a fleet event belongs to.
    const scoped = multi ? { emit: (e, f = {}) => events.emit(e, { ...f, region: config.name }) } : events;
    const controller = createController({
      apiScript: opts.apiScript,
      zones,
      desired: config.replicas,
      startupDelayMs: opts.startupDelayMs,
      env: multi ? { ...opts.env, REGION: config.name } : opts.env,
      logDir: opts.logDir,
      events: scoped,
      onChange: opts.onChange,
    });
    regions.set(config.name, { config, zones, controller, down: false });
  }
  const names = [...regions.keys()];
  let serving = /** @type {string} */ (names[0]);

  function get(name) {
    const region = regions.get(name);
    if (!region) throw new NotFoundError(`unknown region "${name}" (regions: ${names.join(', ')})`);
    return region;
  }

  /** The controller that owns `zone`. */
  function owner(zone) {
    for (const r of regions.values()) if (r.zones.includes(zone)) return r.controller;
    const all = [...regions.values()].flatMap((r) => r.zones);
    throw new NotFoundError(`unknown zone "${zone}" (zones: ${all.join(', ')})`);
  }

  const servingController = () => get(serving).controller;

  return {
    names,
    get serving() {
      return serving;
    },
    start() {
      for (const r of regions.values()) r.controller.start();
    },
    whenWhole: () => Promise.all([...regions.values()].map((r) => r.controller.whenWhole())),
    /** Every region's replicas; the balancer health-checks them all and routes to the serving region's. */
    upstreams: () =>
      [...regions.entries()].flatMap(([name, r]) => r.controller.upstreams().map((u) => ({ ...u, region: name }))),
    pids: () => [...regions.values()].flatMap((r) => r.controller.pids()),
    readyTotal: () => [...regions.values()].reduce((n, r) => n + r.controller.status().ready, 0),
    kill: (ids, signal, graceMs) => {
      const all = [...regions.values()].map((r) => r.controller);
      if (all.length === 1) return all[0].kill(ids, signal, graceMs);
      const byController = groupIds(ids, all);
      return { killed: byController.flatMap(([c, own]) => c.kill(own, signal, graceMs).killed) };
    },
    interrupt: (ids, noticeMs, graceMs) => {
      const all = [...regions.values()].map((r) => r.controller);
      if (all.length === 1) return all[0].interrupt(ids, noticeMs, graceMs);
      const byController = groupIds(ids, all);
      return { interrupted: byController.flatMap(([c, own]) => c.interrupt(own, noticeMs, graceMs).interrupted) };
    },
    zoneDown: (zone) => owner(zone).zoneDown(zone),
    zoneUp: (zone) => owner(zone).zoneUp(zone),
    /** POST /desired: the serving region's fleet (the only one without regions). */
    setDesired: (n) => servingController().setDesired(n),
    /** Point traffic at `name` (plays a DNS record change). A down region is refused unless `force`. */
    switchTraffic(name, force) {
      const region = get(name);
      if (region.down && !force) {
        throw new ConflictError(
          `cannot switch traffic to region ${name}: it is down (POST /regions/${name}/up first, or pass force: true)`,
        );
      }
      const previous = serving;
      if (previous === name) return { servingRegion: name, previous, changed: false };
      serving = name;
      const at = events.emit('traffic-switched', { from: previous, to: name }).at;
      opts.onChange();
      return { servingRegion: name, previous, changed: true, switchedAt: at };
    },
    /** Set a region's replica count (plays scaling the DR cluster). */
    scale(name, replicas) {
      const region = get(name);
      if (region.down) {
        throw new ConflictError(`cannot scale region ${name}: it is down (POST /regions/${name}/up first)`);
      }
      const previous = region.controller.status().desired;
      const result = region.controller.setDesired(replicas);
      events.emit('region-scaled', { region: name, from: previous, to: replicas });
      return { region: name, previous, desired: result.desired };
    },
    /** A regional outage: every zone of the region goes down and its database server stops with `dbMode`. */
    async regionDown(name, dbMode) {
      const region = get(name);
      const killed = [];
      region.down = true;
      events.emit('region-down', { region: name, database: dbMode });
      killed.push(...region.controller.zonesDown(region.zones).killed);
      const db = database && dbMode !== 'none' ? await database.regionDown(name, dbMode) : { stopped: [] };
      return { region: name, killed, databaseStopped: db.stopped };
    },
    /** The region is back: zones up together (replicas spread over them again), database servers restarted. */
    async regionUp(name) {
      const region = get(name);
      const db = database ? await database.regionUp(name) : { started: [] };
      region.controller.zonesUp(region.zones);
      if (region.down) {
        region.down = false;
        events.emit('region-up', { region: name });
      }
      return { region: name, up: true, databaseStarted: db.started };
    },
    /** The top-level status is the serving region's fleet (so zone and replica faults act on it), plus all regions. */
    status() {
      const top = servingController().status();
      const all = [...regions.entries()].map(([name, r]) => ({ name, r, s: r.controller.status() }));
      return {
        ...top,
        replicas: multi ? all.flatMap(({ name, s }) => s.replicas.map((x) => ({ ...x, region: name }))) : top.replicas,
        zones: multi ? Object.assign({}, ...all.map(({ s }) => s.zones)) : top.zones,
        rebalancing: all.some(({ s }) => s.rebalancing),
        servingRegion: serving,
        regions: Object.fromEntries(
          all.map(({ name, r, s }) => [
            name,
            {
              zones: r.zones,
              desired: s.desired,
              ready: s.ready,
              serving: name === serving,
              down: r.down,
              database: database ? database.roleIn(name) : null,
            },
          ]),
        ),
      };
    },
    stop: (graceMs) => Promise.all([...regions.values()].map((r) => r.controller.stop(graceMs))),
    killAllNow() {
      for (const r of regions.values()) r.controller.killAllNow();
    },
  };
}

/** Split replica ids by the controller that owns them; unknown ids are a 404 naming them. */
function groupIds(ids, controllers) {
  if (!Array.isArray(ids) || ids.length === 0) throw new TypeError('ids must be a non-empty array of replica ids');
  const known = new Map();
  for (const c of controllers) for (const r of c.status().replicas) known.set(r.id, c);
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new NotFoundError(`unknown replica ids: ${unknown.join(', ')}`);
  const groups = new Map();
  for (const id of ids) {
    const c = known.get(id);
    groups.set(c, [...(groups.get(c) ?? []), id]);
  }
  return [...groups.entries()];
}
