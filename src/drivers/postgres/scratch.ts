// Throwaway PostgreSQL for restore drills: a whole server in a temp dir on a free loopback port, or a
// scratch database on an existing server. Each is journaled before it is created, and its removal is
// idempotent and works from a new process (gameday rollback) after the creator was killed.

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { GamedayError, describeError } from '../../errors.js';
import type { Journal } from '../../runner/journal.js';
import { sleep } from '../../util/clock.js';
import { describeDbUrl, redactUrl } from '../../util/redact.js';
import { findPostgresBinDir, postgresOwner, readPostmasterPid, runPostgresTool } from './server.js';

/** Written into every dir gameday creates, so an undo never removes a dir it did not make. */
const OWNED_MARK = '.gameday-owned';
const SCRATCH_DIR_RE = /^gameday-(scratch|drill)-[0-9a-f]{12}$/;
const SCRATCH_DB_RE = /^gameday_drill_[a-z0-9_]{1,40}$/;

export interface ScratchPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust auth, loopback only). */
  url: string;
  port: number;
  /** The temp dir holding data dir and log. */
  dir: string;
  dataDir: string;
  /** Stop the server and remove its dir; idempotent. Marks the journal entry undone. */
  stop(): Promise<string>;
}

export interface StartScratchOptions {
  journal?: Journal;
  /** Journal step name (default "drill"). */
  step?: string;
  signal?: AbortSignal;
  /** Parent of the temp dir (default os.tmpdir()); the `postgres` user must be able to traverse it. */
  parentDir?: string;
  /** Extra postgresql.conf settings. */
  settings?: Record<string, string>;
  binDir?: string;
  /**
   * Called once the server is journaled, before anything exists, with its idempotent stop. Why: a start
   * that fails or is aborted half way (initdb running, pg_ctl waiting) must still be removable by the
   * caller's cleanup, even when the start's own attempt to remove it failed.
   */
  onJournaled?(stop: () => Promise<string>): void;
}

/** Settings for a server that lives for one drill: fast bulk loads, nothing durable, loopback only. */
function scratchSettings(port: number, extra: Record<string, string>): string {
  const settings: Record<string, string> = {
    listen_addresses: "'127.0.0.1'",
    port: String(port),
    // Why no Unix socket: clients connect over TCP, and a socket path under a deep TMPDIR would pass
    // the 107-byte limit of socket addresses and keep the server from starting.
    unix_socket_directories: "''",
    max_connections: '50',
    shared_buffers: "'128MB'",
    maintenance_work_mem: "'256MB'",
    max_wal_size: "'4GB'",
    checkpoint_timeout: "'30min'",
    // Why fsync off and minimal WAL: the copy is thrown away after the drill; a crash loses nothing of value,
    // and production restores are measured on production-like servers (the RDS source), not this one.
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    wal_level: 'minimal',
    max_wal_senders: '0',
    autovacuum: 'off',
    log_min_messages: "'warning'",
    ...extra,
  };
  const lines = Object.entries(settings).map(([k, v]) => `${k} = ${v}`);
  return ['', '# gameday scratch server', ...lines, ''].join('\n');
}

/** Ask the OS for a free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** A new, not yet existing temp dir path named gameday-<kind>-<random>. */
export function newOwnedDirPath(kind: 'scratch' | 'drill', parentDir = tmpdir()): string {
  return path.join(parentDir, `gameday-${kind}-${randomBytes(6).toString('hex')}`);
}

/** Create a dir made by gameday (with its ownership mark); `path` comes from newOwnedDirPath. */
export function createOwnedDir(dir: string): void {
  fs.mkdirSync(dir, { mode: 0o700 });
  fs.writeFileSync(path.join(dir, OWNED_MARK), JSON.stringify({ pid: process.pid, at: new Date().toISOString() }));
}

/**
 * Remove a dir made by gameday; a missing dir counts as removed. Why the checks: the path comes from
 * a journal file, and a damaged or edited journal must never turn rollback into `rm -rf` of something else.
 */
export function removeOwnedDir(dir: string): string {
  if (!SCRATCH_DIR_RE.test(path.basename(dir)) || !path.isAbsolute(dir)) {
    throw new GamedayError(`refusing to remove ${dir}: not a gameday temp dir`, {
      kind: 'rollback-incomplete',
      code: 'UNDO_UNSAFE_PATH',
      hint: 'remove it by hand if it is a leftover of a drill',
    });
  }
  if (!fs.existsSync(dir)) return `${dir} already gone`;
  if (!fs.existsSync(path.join(dir, OWNED_MARK))) {
    throw new GamedayError(`refusing to remove ${dir}: it has no ${OWNED_MARK} mark`, {
      kind: 'rollback-incomplete',
      code: 'UNDO_UNSAFE_PATH',
      hint: 'remove it by hand if it is a leftover of a drill',
    });
  }
  // Why retries: a process that was just killed may still be releasing files in it (ENOTEMPTY, EBUSY).
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  if (fs.existsSync(dir)) {
    throw new GamedayError(`${dir} is still there after removing it`, {
      kind: 'rollback-incomplete',
      code: 'SCRATCH_REMOVE_FAILED',
      hint: `remove ${dir} by hand`,
    });
  }
  return `${dir} removed`;
}

/** Start a throwaway server. Journaled before the dir exists; on any failure it is removed again. */
export async function startScratchPostgres(opts: StartScratchOptions = {}): Promise<ScratchPostgres> {
  const binDir = opts.binDir ?? findPostgresBinDir();
  const dir = newOwnedDirPath('scratch', opts.parentDir);
  const pgRoot = path.join(dir, 'pg');
  const dataDir = path.join(pgRoot, 'data');
  const id = await opts.journal?.intent(opts.step ?? 'drill', 'start scratch postgres', dir, {
    driver: 'postgres',
    op: 'remove-scratch-server',
    args: { dir },
  });
  let stopped = false;
  const stop = async (): Promise<string> => {
    if (stopped) return `${dir} already removed`;
    const detail = await removeScratchServer(dir);
    stopped = true;
    if (id !== undefined) opts.journal?.undone(id, detail);
    return detail;
  };
  opts.onJournaled?.(stop);
  try {
    createOwnedDir(dir);
    fs.mkdirSync(pgRoot, { recursive: true });
    const owner = postgresOwner();
    if (owner) {
      // The server runs as `postgres`: it must traverse the temp dir and own its own subtree.
      fs.chmodSync(dir, 0o711);
      fs.chownSync(pgRoot, owner.uid, owner.gid);
    }
    const run = { cwd: pgRoot, ...(opts.signal ? { signal: opts.signal } : {}) };
    await runPostgresTool(
      binDir,
      'initdb',
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--locale=C'],
      run,
    );
    const conf = path.join(dataDir, 'postgresql.conf');
    const baseConf = fs.readFileSync(conf, 'utf8');
    let lastError: unknown;
    // Why retries: the free port can be taken between asking for it and the server binding it.
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      fs.writeFileSync(conf, baseConf + scratchSettings(port, opts.settings ?? {}));
      try {
        await runPostgresTool(
          binDir,
          'pg_ctl',
          ['start', '-w', '-t', '60', '-D', dataDir, '-l', path.join(pgRoot, 'server.log')],
          run,
        );
        if (id !== undefined) opts.journal?.applied(id, `port ${port}`);
        return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, dir, dataDir, stop };
      } catch (error) {
        lastError = error;
        if (opts.signal?.aborted) break;
      }
    }
    throw new GamedayError(`scratch PostgreSQL did not start: ${describeError(lastError)}`, {
      kind: 'runtime',
      code: 'SCRATCH_START_FAILED',
      hint: `see ${path.join(pgRoot, 'server.log')} (kept only while the drill runs)`,
      cause: lastError,
    });
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

/**
 * Whether `pid` runs. Why /proc: a stopped postmaster is re-parented to PID 1, which may reap it only
 * seconds later; until then kill(pid, 0) succeeds on the zombie (and pg_ctl stop -w waits for it too).
 */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

/** Whether `pid` is the postmaster of `dataDir` (its command line names the data dir). */
function isPostmasterOf(pid: number, dataDir: string): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(dataDir);
  } catch {
    return true; // no /proc: the pid file is all we have
  }
}

/**
 * Processes other than this one whose working directory is `dir` or inside it. Every process a scratch
 * server start runs (runuser, initdb, its bootstrap backend, pg_ctl, the postmaster) works inside its dir.
 */
function processesWorkingIn(dir: string): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return []; // no /proc: the pid file is all we have
  }
  const found: number[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) continue;
    let cwd: string;
    try {
      cwd = fs.readlinkSync(`/proc/${pid}/cwd`).replace(/ \(deleted\)$/, '');
    } catch {
      continue;
    }
    if ((cwd === dir || cwd.startsWith(`${dir}/`)) && isProcessRunning(pid)) found.push(pid);
  }
  return found;
}

async function waitStopped(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (!isProcessRunning(pid)) return true;
    await sleep(20);
  }
  return !isProcessRunning(pid);
}

/**
 * Undo of a scratch server: stop it and remove its dir. Idempotent; needs neither the process that
 * started it nor the PostgreSQL binaries. Why SIGQUIT (immediate shutdown) and not pg_ctl: the data is
 * disposable, and pg_ctl stop -w waits until PID 1 reaps the postmaster, which can take seconds.
 */
export async function removeScratchServer(dir: string): Promise<string> {
  const dataDir = path.join(dir, 'pg', 'data');
  const pid = readPostmasterPid(dataDir);
  let how = 'was not running';
  // Why the cmdline check: after a reboot the pid in a stale postmaster.pid may belong to anything.
  if (pid !== null && isProcessRunning(pid) && isPostmasterOf(pid, dataDir)) {
    const signal = (sig: NodeJS.Signals): void => {
      try {
        process.kill(pid, sig);
      } catch {
        // Gone meanwhile.
      }
    };
    // SIGQUIT: the postmaster makes every backend quit, waits for them, and exits.
    signal('SIGQUIT');
    how = 'stopped';
    if (!(await waitStopped(pid, 15_000))) {
      signal('SIGKILL');
      how = 'killed';
      if (!(await waitStopped(pid, 15_000))) {
        throw new GamedayError(`scratch PostgreSQL (pid ${pid}) in ${dir} does not stop`, {
          kind: 'rollback-incomplete',
          code: 'SCRATCH_STOP_FAILED',
          hint: `kill ${pid} and remove ${dir} by hand`,
        });
      }
    }
  }
  // Why: a start stopped half way leaves processes that never wrote a pid file (initdb and its bootstrap
  // backend, a postmaster still starting); removing the dir under them fails or lets them write on.
  const strays = processesWorkingIn(dir);
  if (strays.length > 0) {
    for (const stray of strays) {
      try {
        process.kill(stray, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
    for (const stray of strays) await waitStopped(stray, 15_000);
    how = how === 'was not running' ? `was starting (${strays.length} processes killed)` : how;
  }
  const removed = removeOwnedDir(dir);
  return `scratch server ${how}; ${removed}`;
}

export interface ScratchDatabase {
  /** URL of the new database (same credentials as the server URL). */
  url: string;
  database: string;
  /** Drop the database; idempotent. Marks the journal entry undone. */
  drop(): Promise<string>;
}

/** A scratch database name: gameday_drill_<utc yyyymmddhhmmss>_<random>. */
export function scratchDatabaseName(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `gameday_drill_${stamp}_${randomBytes(3).toString('hex')}`;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Create a scratch database on an existing server (`serverUrl` names a database to connect to for
 * CREATE/DROP, usually `postgres`). Journaled first, with the URL redacted.
 */
export async function createScratchDatabase(opts: {
  serverUrl: string;
  journal?: Journal;
  step?: string;
  signal?: AbortSignal;
  name?: string;
}): Promise<ScratchDatabase> {
  const database = opts.name ?? scratchDatabaseName();
  if (!SCRATCH_DB_RE.test(database)) {
    throw new GamedayError(`scratch database name "${database}" must match ${SCRATCH_DB_RE.source}`, {
      kind: 'invalid-input',
      code: 'SCRATCH_DB_NAME',
    });
  }
  const id = await opts.journal?.intent(opts.step ?? 'drill', 'create scratch database', database, {
    driver: 'postgres',
    op: 'drop-scratch-database',
    // Why redacted: the journal is a file anyone with the report may read; PGPASSWORD supplies it at rollback.
    args: { url: redactUrl(opts.serverUrl), database },
  });
  let dropped = false;
  const drop = async (): Promise<string> => {
    if (dropped) return `database ${database} already dropped`;
    const detail = await dropScratchDatabase({ url: opts.serverUrl, database });
    dropped = true;
    if (id !== undefined) opts.journal?.undone(id, detail);
    return detail;
  };
  try {
    await withClient(opts.serverUrl, (c) => c.query(`CREATE DATABASE "${database}"`));
    if (id !== undefined) opts.journal?.applied(id);
  } catch (error) {
    await drop().catch(() => undefined);
    throw new GamedayError(`cannot create scratch database on ${describeDbUrl(opts.serverUrl)}`, {
      kind: 'runtime',
      code: 'SCRATCH_DB_CREATE',
      hint: 'the user needs CREATEDB on that server',
      cause: error,
    });
  }
  return { url: withDatabase(opts.serverUrl, database), database, drop };
}

/** Undo of a scratch database: DROP DATABASE … WITH (FORCE); only gameday_drill_* names. */
export async function dropScratchDatabase(opts: { url: string; database: string }): Promise<string> {
  if (!SCRATCH_DB_RE.test(opts.database)) {
    throw new GamedayError(`refusing to drop database "${opts.database}": not a gameday scratch database`, {
      kind: 'rollback-incomplete',
      code: 'UNDO_UNSAFE_DATABASE',
    });
  }
  let url = opts.url;
  if (url.includes(':***@')) {
    const password = process.env['PGPASSWORD'];
    if (password === undefined) {
      throw new GamedayError(`dropping ${opts.database} on ${describeDbUrl(url)} needs a password`, {
        kind: 'rollback-incomplete',
        code: 'SCRATCH_DB_PASSWORD',
        hint: 'set PGPASSWORD and run gameday rollback again',
      });
    }
    url = url.replace(':***@', `:${encodeURIComponent(password)}@`);
  }
  // Why FORCE: a killed pg_restore may still hold connections to the scratch copy.
  await withClient(url, (c) => c.query(`DROP DATABASE IF EXISTS "${opts.database}" WITH (FORCE)`));
  return `database ${opts.database} dropped`;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
