// The machine's PostgreSQL server binaries: find them, run their tools (as the `postgres` user when
// we are root), read and stop a data dir's server. Plain ESM without dependencies, shared by the
// sandbox (spawned without a build) and the postgres driver in src/ (which turns these plain errors
// into GamedayErrors with stable codes).

import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const POSTGRES_MISSING_MESSAGE =
  'PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin and PATH): install them with "apt-get install -y postgresql"';

export const POSTGRES_USER_MISSING_MESSAGE =
  'running as root, but user "postgres" does not exist: initdb and pg_ctl refuse to run as root';

const REQUIRED = ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres'];

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Directory of the server binaries: the newest /usr/lib/postgresql/<v>/bin, else one on PATH. */
export function findPostgresBinDir(env = process.env) {
  const root = env.GAMEDAY_PG_BIN_ROOT ?? '/usr/lib/postgresql';
  /** @type {string[]} */
  const candidates = [];
  try {
    const versions = fs
      .readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((x, y) => Number(y) - Number(x));
    for (const v of versions) candidates.push(path.join(root, v, 'bin'));
  } catch {
    // No versioned install; fall back to PATH.
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) if (dir) candidates.push(dir);
  const found = candidates.find((dir) => REQUIRED.every((b) => isExecutable(path.join(dir, b))));
  if (found === undefined) throw new Error(POSTGRES_MISSING_MESSAGE);
  return found;
}

/**
 * uid/gid of the `postgres` user when we are root, else null (servers then run as ourselves). Why:
 * initdb and pg_ctl refuse to run as root, so as root the servers run as `postgres` on dirs it owns.
 */
export function postgresOwner() {
  if (process.getuid?.() !== 0) return null;
  try {
    return {
      uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
      gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
    };
  } catch (cause) {
    throw new Error(POSTGRES_USER_MISSING_MESSAGE, { cause });
  }
}

/**
 * Run a PostgreSQL tool; it fails with its stderr in the message. Why runuser: initdb and pg_ctl
 * refuse to run as root, so as root they run as the `postgres` user (created by the Debian package).
 * @param {string} binDir @param {string} tool @param {string[]} args
 * @param {{ cwd?: string, timeoutMs?: number, signal?: AbortSignal }} [opts]
 * @returns {Promise<{ stdout: string, stderr: string }>}
 */
export function runPostgresTool(binDir, tool, args, opts = {}) {
  const bin = path.join(binDir, tool);
  const asRoot = process.getuid?.() === 0;
  const cmd = asRoot ? 'runuser' : bin;
  const argv = asRoot ? ['-u', 'postgres', '--', bin, ...args] : args;
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      argv,
      { cwd: opts.cwd, timeout: opts.timeoutMs ?? 120_000, signal: opts.signal, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const detail = String(stderr || stdout || error.message).trim();
          reject(new Error(`${tool} ${args.join(' ')} failed: ${detail}`, { cause: error }));
        } else resolve({ stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** The postmaster pid of a data dir, or null when no server is running there. */
export function readPostmasterPid(dataDir) {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0) return null;
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

/**
 * Stop the server of a data dir with pg_ctl (mode smart|fast|immediate); a server that is not running
 * counts as stopped. Runs in the data dir's parent unless `opts.cwd` says otherwise.
 */
export async function stopPostgres(binDir, dataDir, mode = 'fast', opts = {}) {
  if (readPostmasterPid(dataDir) === null) return;
  await runPostgresTool(binDir, 'pg_ctl', ['stop', '-w', '-t', '60', '-m', mode, '-D', dataDir], {
    cwd: path.dirname(dataDir),
    ...opts,
  });
}
