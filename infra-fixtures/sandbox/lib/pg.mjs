// PostgreSQL server management for the sandbox: create a primary, clone a streaming standby, promote,
// stop and dump. Finding the binaries and running their tools is ../../shared/postgres.mjs (shared
// with src/drivers/postgres). Topology (which node is primary) lives in database.mjs; this module only
// knows about single servers, so a second region or a restore drill can reuse it.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { postgresOwner, readPostmasterPid, runPostgresTool, stopPostgres } from '../../shared/postgres.mjs';

/**
 * @typedef {{ name: string, dataDir: string, port: number, logFile: string }} PgNode
 * @typedef {{ binDir: string, root: string }} PgEnv
 */

/**
 * Run a server tool in the servers' root (as `postgres` when we are root, see the shared module).
 * @param {PgEnv} env @param {string} tool @param {string[]} args @param {{timeoutMs?: number}} [opts]
 */
export function runPgTool(env, tool, args, opts = {}) {
  return runPostgresTool(env.binDir, tool, args, { cwd: env.root, ...opts });
}

/** Create the directory the servers live in (owned by the server user) and check that user can reach it. */
export async function preparePgRoot(binDir, root) {
  fs.mkdirSync(root, { recursive: true });
  const owner = postgresOwner();
  if (owner) {
    fs.chownSync(root, owner.uid, owner.gid);
    // mkdtemp creates the state dir 0700; postgres must traverse it to reach its data dirs.
    const stateDir = path.dirname(root);
    const mode = fs.statSync(stateDir).mode & 0o7777;
    if ((mode & 0o001) === 0) fs.chmodSync(stateDir, mode | 0o711);
  }
  /** @type {PgEnv} */
  const env = { binDir, root };
  if (owner) {
    await runPgTool(env, 'pg_ctl', ['--version']).catch((cause) => {
      // Say what failed: a state dir postgres cannot reach, or runuser (in /usr/sbin) not on PATH.
      const why = String(cause?.message ?? cause).replace(/^pg_ctl --version failed: /, '');
      throw new Error(
        `user postgres cannot run pg_ctl in ${root} (${why}): the state dir must be one postgres can reach (under /tmp), and runuser (util-linux, /usr/sbin) must be on PATH`,
        { cause },
      );
    });
  }
  return env;
}

/** Connection string for a node. */
export function nodeUrl(port, database = 'connectkit') {
  return `postgres://postgres@127.0.0.1:${port}/${database}`;
}

function serverSettings(env, port) {
  return [
    '',
    '# gameday sandbox settings',
    "listen_addresses = '127.0.0.1'",
    `port = ${port}`,
    // Why no Unix socket: every client connects over TCP, and a socket path under a deep TMPDIR
    // would pass the 107-byte limit of socket addresses and keep the server from starting.
    "unix_socket_directories = ''",
    'wal_level = replica',
    'max_wal_senders = 10',
    "wal_keep_size = '256MB'",
    'hot_standby = on',
    'max_connections = 200',
    "shared_buffers = '32MB'",
    // Why fsync/full_page_writes off: these servers live for one test run on a machine that does not
    // crash; an immediate shutdown still keeps everything handed to the OS, so RPO measurements are
    // unaffected, and start-up, checkpoints and pg_basebackup are several times faster.
    'fsync = off',
    'full_page_writes = off',
    "log_min_messages = 'warning'",
    '',
  ].join('\n');
}

/** Start a server and wait until it accepts connections. */
export async function start(env, node) {
  await runPgTool(env, 'pg_ctl', ['start', '-w', '-t', '60', '-D', node.dataDir, '-l', node.logFile]);
  return readPostmasterPid(node.dataDir);
}

/** initdb, configure and start a primary, then create database `connectkit` and table `contacts`. */
export async function initPrimary(env, name, port) {
  /** @type {PgNode} */
  const node = { name, port, dataDir: path.join(env.root, name), logFile: path.join(env.root, `${name}.log`) };
  await runPgTool(env, 'initdb', ['-D', node.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  fs.appendFileSync(path.join(node.dataDir, 'postgresql.conf'), serverSettings(env, port));
  await start(env, node);
  await withClient(port, 'postgres', (c) => c.query('CREATE DATABASE connectkit'));
  await withClient(port, 'connectkit', async (c) => {
    await c.query(
      'CREATE TABLE contacts (id bigserial PRIMARY KEY, name text, email text, created_at timestamptz DEFAULT now())',
    );
    // A few thousand rows, so restores, row counts and checksums have real data to work on.
    await c.query(
      "INSERT INTO contacts (name, email) SELECT 'Contact ' || g, 'contact' || g || '@example.test' FROM generate_series(1, 5000) g",
    );
  });
  return node;
}

/**
 * Clone `primary` with pg_basebackup -R into a new streaming standby, start it, wait until it streams.
 * `primary.port` is where the standby connects (possibly a link in front of the server);
 * `serverPort` is the server itself, asked whether the standby's walsender streams (default: the same).
 */
export async function createStandby(env, primary, name, port, { serverPort = primary.port } = {}) {
  /** @type {PgNode} */
  const node = { name, port, dataDir: path.join(env.root, name), logFile: path.join(env.root, `${name}.log`) };
  await runPgTool(env, 'pg_basebackup', [
    '-D', node.dataDir, '-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres',
    '-R', '-X', 'stream', '-c', 'fast', '--no-sync',
  ]); // prettier-ignore
  // The copied postgresql.conf carries the primary's port; a later line wins. Why cluster_name: the
  // walreceiver uses it as its application_name, so the primary's pg_stat_replication names this node.
  fs.appendFileSync(path.join(node.dataDir, 'postgresql.conf'), `\nport = ${port}\ncluster_name = '${name}'\n`);
  await start(env, node);
  await waitStreaming(node, serverPort);
  return node;
}

/**
 * Where replication of standby `name` stands, seen from both ends: the primary's walsender state
 * (pg_stat_replication, null when it has none for this standby) and the standby's walreceiver.
 */
export async function replicationState(primaryPort, standby) {
  const sender = await withClient(primaryPort, 'postgres', (c) =>
    c.query(
      'SELECT state, sent_lsn::text AS sent, flush_lsn::text AS flushed FROM pg_stat_replication WHERE application_name = $1',
      [standby.name],
    ),
  )
    .then((r) => r.rows[0] ?? null)
    .catch((e) => ({ error: e.message }));
  const receiver = await withClient(standby.port, 'postgres', (c) =>
    c.query('SELECT status, latest_end_lsn::text AS latest_end FROM pg_stat_wal_receiver'),
  )
    .then((r) => r.rows[0] ?? null)
    .catch((e) => ({ error: e.message }));
  return { sender, receiver };
}

/**
 * Wait until `standby` really streams from the server on `primaryPort`, asking the primary. Why not
 * the walreceiver's status alone: PostgreSQL reports "streaming" there as soon as the walreceiver
 * starts, before it has even connected; over a slow link the handshake takes several round trips,
 * and a walsender that has not started streaming is simply terminated by a fast shutdown, shipping
 * nothing.
 */
export async function waitStreaming(standby, primaryPort, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await replicationState(primaryPort, standby);
    // The walsender's state is what counts: "streaming" means START_REPLICATION has begun (a fast
    // shutdown now ships all WAL and waits for the standby's flush) and it has sent all WAL so far.
    if (state.sender?.state === 'streaming' && state.receiver?.status === 'streaming') return state;
    if (Date.now() > deadline) {
      throw new Error(
        `standby ${standby.name} (port ${standby.port}) is not streaming from port ${primaryPort} after ${timeoutMs} ms: ` +
          `walsender ${JSON.stringify(state.sender)}, walreceiver ${JSON.stringify(state.receiver)} (see ${standby.logFile})`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The last WAL position of a cleanly stopped server: its shutdown checkpoint, the last record it
 * wrote (read with pg_controldata). Null when the server was not shut down cleanly (crash/immediate).
 */
export async function shutdownCheckpointLsn(env, node) {
  const { stdout } = await runPgTool(env, 'pg_controldata', ['-D', node.dataDir]);
  const field = (name) => stdout.match(new RegExp(`^${name}:\\s*(.+)$`, 'm'))?.[1].trim();
  if (field('Database cluster state') !== 'shut down') return null;
  const lsn = field('Latest checkpoint location');
  if (!lsn) throw new Error(`pg_controldata -D ${node.dataDir}: no "Latest checkpoint location" in its output`);
  return lsn;
}

/**
 * Wait until the standby on `port` has replayed the WAL record at `lsn` (its replay position is past
 * it); throws after timeoutMs with where the standby stands.
 */
export async function waitReplayed(port, lsn, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await withClient(port, 'postgres', (c) =>
      c.query(
        'SELECT pg_last_wal_replay_lsn() > $1::pg_lsn AS done, pg_last_wal_replay_lsn()::text AS replayed, pg_last_wal_receive_lsn()::text AS received',
        [lsn],
      ),
    )
      .then((r) => r.rows[0])
      .catch((e) => ({ done: false, error: e.message }));
    if (last?.done) return last;
    if (Date.now() > deadline) {
      throw new Error(
        `the standby on port ${port} has not replayed up to ${lsn} after ${timeoutMs} ms: ${JSON.stringify(last)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Promote a standby to primary and wait until it accepts writes. */
export async function promote(env, node) {
  await runPgTool(env, 'pg_ctl', ['promote', '-w', '-t', '60', '-D', node.dataDir]);
}

/** Stop a server with pg_ctl (mode smart|fast|immediate); a server that is not running counts as stopped. */
export async function stop(env, node, mode = 'fast') {
  await stopPostgres(env.binDir, node.dataDir, mode, { cwd: env.root });
}

/** pg_dump a database of `node` (custom format) into `file`. */
export async function dump(env, node, file, database = 'connectkit') {
  const bin = path.join(env.binDir, 'pg_dump');
  await new Promise((resolve, reject) =>
    execFile(bin, ['-h', '127.0.0.1', '-p', String(node.port), '-U', 'postgres', '-Fc', '-f', file, database], (e) =>
      e ? reject(e) : resolve(undefined),
    ),
  );
  return file;
}

/** Run `fn` with a short-lived client connected to 127.0.0.1:port. */
export async function withClient(port, database, fn) {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}
