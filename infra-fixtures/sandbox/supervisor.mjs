// The sandbox supervisor: a local ConnectKit-like system in one process tree. It runs a balancer,
// a replica controller, optionally PostgreSQL primary + standby behind writer/reader endpoints, and
// a control API; it writes stateDir/sandbox.json once the fleet is whole and ground truth to
// stateDir/events.ndjson. Usage: node supervisor.mjs <config.json>

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBalancer } from './lib/balancer.mjs';
import { createControlApi } from './lib/control-api.mjs';
import { createDatabase } from './lib/database.mjs';
import { openEventLog } from './lib/events.mjs';
import { createRegions } from './lib/regions.mjs';
import { createFileSd } from './lib/prometheus-sd.mjs';
import { isAlive, sleep, writeJsonAtomic } from './lib/util.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Read and check the config file; exits 2 with a message on invalid input. */
function loadConfig(file) {
  if (!file) usage('missing config file argument');
  let raw;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    usage(`cannot read config ${file}: ${error.message}`);
  }
  const config = {
    stateDir: raw.stateDir,
    replicas: raw.replicas ?? 6,
    zones: raw.zones ?? ['a', 'b', 'c'],
    startupDelayMs: raw.startupDelayMs ?? 0,
    database: raw.database ?? true,
    healthIntervalMs: raw.healthIntervalMs ?? 100,
    ownerPid: raw.ownerPid ?? null,
    regions: null,
    replicationLagMs: raw.replicationLagMs ?? 0,
  };
  if (typeof config.stateDir !== 'string' || !path.isAbsolute(config.stateDir))
    usage('stateDir must be an absolute path');
  if (!Number.isInteger(config.replicas) || config.replicas < 0 || config.replicas > 64)
    usage('replicas must be 0..64');
  if (!Array.isArray(config.zones) || config.zones.length === 0 || !config.zones.every((z) => /^[a-z0-9-]+$/.test(z))) {
    usage('zones must be a non-empty array of names like "a"');
  }
  if (!(config.startupDelayMs >= 0)) usage('startupDelayMs must be >= 0');
  if (!(config.healthIntervalMs >= 10)) usage('healthIntervalMs must be >= 10');
  if (!(config.replicationLagMs >= 0 && config.replicationLagMs <= 10_000)) usage('replicationLagMs must be 0..10000');
  if (config.ownerPid !== null && !(Number.isInteger(config.ownerPid) && config.ownerPid > 0)) {
    usage('ownerPid must be a pid');
  }
  config.regions = loadRegions(raw.regions, config);
  return config;
}

/**
 * Regions (opt-in): `[{name, zones?, replicas?}, …]`, 1 or 2 of them. The first is the primary region
 * (PostgreSQL primary, serves traffic, `replicas` defaults to the top-level count); the second is the
 * DR region (the standby, `replicas` defaults to 0). Without `regions`, one region holds everything.
 */
function loadRegions(value, config) {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || value.length < 1 || value.length > 2)
    usage('regions must be an array of 1 or 2 regions');
  const names = new Set();
  return value.map((r, i) => {
    if (typeof r !== 'object' || r === null || typeof r.name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(r.name)) {
      usage(`regions[${i}].name must be a name like "west"`);
    }
    if (names.has(r.name)) usage(`regions[${i}].name "${r.name}" is used twice`);
    names.add(r.name);
    const zones = r.zones ?? config.zones;
    if (!Array.isArray(zones) || zones.length === 0 || !zones.every((z) => /^[a-z0-9-]+$/.test(z))) {
      usage(`regions[${i}].zones must be a non-empty array of names like "a"`);
    }
    const replicas = r.replicas ?? (i === 0 ? config.replicas : 0);
    if (!Number.isInteger(replicas) || replicas < 0 || replicas > 64) usage(`regions[${i}].replicas must be 0..64`);
    return { name: r.name, zones, replicas };
  });
}

function usage(message) {
  console.error(`supervisor: ${message}`);
  process.exit(2);
}

const config = loadConfig(process.argv[2]);
const { stateDir } = config;
fs.mkdirSync(path.join(stateDir, 'logs'), { recursive: true });
fs.writeFileSync(path.join(stateDir, 'supervisor.pid'), `${process.pid}\n`);
const events = openEventLog(path.join(stateDir, 'events.ndjson'));

let up = false;
let apiUrl = '';
let controlUrl = '';
/** @type {string | null} */
let databaseUrl = null;

/** @type {ReturnType<typeof createDatabase> | null} */
let database = null;
try {
  database = config.database
    ? createDatabase({
        stateDir,
        events,
        onChange: () => changed(),
        replicationLagMs: config.replicationLagMs,
        ...(config.regions ? { regions: config.regions.map((r) => r.name) } : {}),
      })
    : null;
  // Replicas reach the database through the writer endpoint, which exists before the servers do.
  databaseUrl = database ? (await database.listen()).writerUrl : null;
} catch (error) {
  console.error(error.message);
  process.exit(1);
}

// Every region's replicas reach the database through the same writer endpoint, as an app would
// through a global writer DNS name: after a promotion they reconnect to the new primary.
const controller = createRegions({
  regions: config.regions ?? [{ name: 'local', zones: config.zones, replicas: config.replicas }],
  multi: config.regions !== null,
  apiScript: path.join(here, 'api.mjs'),
  startupDelayMs: config.startupDelayMs,
  env: databaseUrl ? { DATABASE_URL: databaseUrl } : {},
  logDir: path.join(stateDir, 'logs'),
  events,
  database,
  onChange: () => changed(),
});
const balancer = createBalancer({
  upstreams: () => controller.upstreams(),
  healthIntervalMs: config.healthIntervalMs,
  serving: () => controller.serving,
});
const control = createControlApi({
  controller,
  database,
  apiUrl: () => apiUrl,
  shutdown: () => void shutdown(0),
  stateDir,
  metrics: () => balancer.metrics.render(),
});
const fileSd = createFileSd();
let controlPort = null;

/** Keep the balancer, the Prometheus targets and, once up, sandbox.json in step with the fleet. */
function changed() {
  balancer.sync();
  try {
    fileSd.update(controller.status().replicas, controlPort, apiUrl);
  } catch (error) {
    console.error(`prometheus targets: ${error.message}`);
  }
  if (up) writeState();
}

function writeState() {
  writeJsonAtomic(path.join(stateDir, 'sandbox.json'), {
    pid: process.pid,
    controlUrl,
    apiUrl,
    databaseUrl,
    readerUrl: database ? database.status().readerUrl : null,
    pids: [...controller.pids(), ...(database ? database.pids() : [])],
    pgDataDirs: database ? database.dataDirs() : [],
    pgBinDir: database ? database.binDir : null,
    fileSd: fileSd.file,
  });
}

let stopping = null;
/** Orderly shutdown: replicas, balancer, database, control API; then exit. */
function shutdown(code) {
  if (stopping) return stopping;
  events.emit('sandbox-stopping', { code });
  stopping = (async () => {
    const errors = [];
    await controller.stop(3000).catch((e) => errors.push(e));
    await balancer.close().catch((e) => errors.push(e));
    if (database) await database.stop().catch((e) => errors.push(e));
    await control.close().catch((e) => errors.push(e));
    fileSd.remove();
    for (const e of errors) console.error(`shutdown: ${e.message}`);
    events.emit('sandbox-stopped', { errors: errors.length });
    events.close();
    process.exit(errors.length > 0 && code === 0 ? 1 : code);
  })();
  return stopping;
}

let signals = 0;
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(signal, () => {
    // A second signal means "now": kill replicas outright and leave PostgreSQL to `down`.
    if (++signals > 1) {
      controller.killAllNow();
      process.exit(1);
    }
    void shutdown(0);
  });
}
// Why watch the owner: a test run or `gameday run` killed before it could stop us must not leave
// replicas and PostgreSQL behind. Without ownerPid (the CLI's `up`) the sandbox lives until `down`.
if (config.ownerPid) {
  const owner = config.ownerPid;
  setInterval(() => {
    if (!isAlive(owner)) {
      events.emit('owner-gone', { ownerPid: owner });
      void shutdown(0);
    }
  }, 250).unref();
}
process.on('uncaughtException', (error) => {
  console.error(`supervisor crashed: ${error.stack ?? error}`);
  controller.killAllNow();
  void shutdown(1);
});

try {
  apiUrl = `http://127.0.0.1:${await balancer.listen()}`;
  controlPort = await control.listen();
  controlUrl = `http://127.0.0.1:${controlPort}`;
  changed();
  events.emit('sandbox-starting', { pid: process.pid, apiUrl, controlUrl, databaseUrl, ...config });
  controller.start();
  // The database and the fleet come up in parallel; replicas answer 503 on /contacts until it is there.
  await Promise.all([database?.start(), controller.whenWhole()]);
  // "Up" also means the balancer has seen the fleet, so the API serves as soon as sandbox.json exists.
  while (balancer.healthy().length < controller.readyTotal()) await sleep(5);
  up = true;
  writeState();
  events.emit('sandbox-up', { apiUrl, controlUrl, databaseUrl });
} catch (error) {
  console.error(`sandbox failed to start: ${error.message}`);
  await shutdown(1);
}
