// Managing local PostgreSQL servers from the machine's binaries: find them, run their tools (as
// the `postgres` user when we are root), read and stop a data dir's server.

import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GamedayError } from '../../errors.js';

export const POSTGRES_MISSING_MESSAGE =
  'PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin and PATH): install them with "apt-get install -y postgresql"';

const REQUIRED = ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres'];

export type ShutdownMode = 'smart' | 'fast' | 'immediate';

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Directory of the server binaries: the newest /usr/lib/postgresql/<v>/bin, else one on PATH. */
export function findPostgresBinDir(env: NodeJS.ProcessEnv = process.env): string {
  const root = env.GAMEDAY_PG_BIN_ROOT ?? '/usr/lib/postgresql';
  const candidates: string[] = [];
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
  if (found === undefined) {
    throw new GamedayError(POSTGRES_MISSING_MESSAGE, { kind: 'runtime', code: 'POSTGRES_NOT_FOUND' });
  }
  return found;
}

export interface RunToolOptions {
  cwd?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Run a PostgreSQL tool. Why runuser: initdb and pg_ctl refuse to run as root, so as root they run
 * as the `postgres` user (created by the Debian package), on data dirs that user owns.
 */
export function runPostgresTool(
  binDir: string,
  tool: string,
  args: string[],
  opts: RunToolOptions = {},
): Promise<{ stdout: string; stderr: string }> {
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
          reject(
            new GamedayError(`${tool} ${args.join(' ')} failed: ${detail}`, {
              kind: 'runtime',
              code: 'POSTGRES_TOOL_FAILED',
              cause: error,
            }),
          );
        } else resolve({ stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** The postmaster pid of a data dir, or null when no server is running there. */
export function readPostmasterPid(dataDir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0) return null;
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

/** Stop the server of a data dir with pg_ctl; a server that is not running counts as stopped. */
export async function stopPostgres(
  binDir: string,
  dataDir: string,
  mode: ShutdownMode = 'fast',
  opts: RunToolOptions = {},
): Promise<void> {
  if (readPostmasterPid(dataDir) === null) return;
  await runPostgresTool(binDir, 'pg_ctl', ['stop', '-w', '-t', '60', '-m', mode, '-D', dataDir], {
    cwd: path.dirname(dataDir),
    ...opts,
  });
}
