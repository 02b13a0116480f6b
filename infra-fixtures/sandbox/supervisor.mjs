// The sandbox supervisor: a local ConnectKit-like system in one process tree. It runs a balancer,
// a replica controller, optionally PostgreSQL primary + standby behind writer/reader endpoints, and
// a control API; it writes stateDir/sandbox.json once the fleet is whole and ground truth to
// stateDir/events.ndjson. Usage: node supervisor.mjs <config.json>

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBalancer } from './lib/balancer.mjs';
import { createControlApi } from './lib/control-api.mjs';
import { createController } from './lib/controller.mjs';
import { createDatabase } from './lib/database.mjs';
import { openEventLog } from './lib/events.mjs';
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
  if (config.ownerPid !== null && !(Number.isInteger(config.ownerPid) && config.ownerPid > 0)) {
    usage('ownerPid must be a pid');
  }
  return config;
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
  database = config.database ? createDatabase({ stateDir, events, onChange: () => changed() }) : null;
  // Replicas reach the database through the writer endpoint, which exists before the servers do.
  databaseUrl = database ? (await database.listen()).writerUrl : null;
} catch (error) {
  console.error(error.message);
  process.exit(1);
}

const controller = createController({
  apiScript: path.join(here, 'api.mjs'),
  zones: config.zones,
  desired: config.replicas,
  startupDelayMs: config.startupDelayMs,
  env: databaseUrl ? { DATABASE_URL: databaseUrl } : {},
  logDir: path.join(stateDir, 'logs'),
  events,
  onChange: () => changed(),
});
const balancer = createBalancer({ upstreams: () => controller.upstreams(), healthIntervalMs: config.healthIntervalMs });
const control = createControlApi({ controller, database, apiUrl: () => apiUrl, shutdown: () => void shutdown(0) });

/** Keep the balancer and, once up, sandbox.json in step with the fleet. */
function changed() {
  balancer.sync();
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
  controlUrl = `http://127.0.0.1:${await control.listen()}`;
  events.emit('sandbox-starting', { pid: process.pid, apiUrl, controlUrl, databaseUrl, ...config });
  controller.start();
  // The database and the fleet come up in parallel; replicas answer 503 on /contacts until it is there.
  await Promise.all([database?.start(), controller.whenWhole()]);
  // "Up" also means the balancer has seen the fleet, so the API serves as soon as sandbox.json exists.
  while (balancer.healthy().length < controller.status().ready) await sleep(5);
  up = true;
  writeState();
  events.emit('sandbox-up', { apiUrl, controlUrl, databaseUrl });
} catch (error) {
  console.error(`sandbox failed to start: ${error.message}`);
  await shutdown(1);
}
