// pg_dump, pg_restore and psql as child processes: progress through a callback, cancellation through
// an AbortSignal (the whole process group is killed), stderr captured into errors, passwords kept
// off the command line.

import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { GamedayError } from '../../errors.js';
import { describeDbUrl, redactText } from '../../util/redact.js';
import { findPostgresBinDir } from './server.js';

/** Progress of one tool run: bytes written (pg_dump) or fed in (restore from a stream). */
export interface ToolProgress {
  tool: string;
  bytes: number;
  /** Total bytes when known (the size of the file being restored), else null. */
  totalBytes: number | null;
  elapsedMs: number;
}

export interface ToolOptions {
  signal?: AbortSignal;
  onProgress?(progress: ToolProgress): void;
  /** How often progress is reported (default 500 ms). */
  progressIntervalMs?: number;
  /** Directory of the client binaries (default: the newest installed PostgreSQL). */
  binDir?: string;
}

export interface ToolResult {
  durationMs: number;
  /** stderr of the tool (warnings), redacted. */
  stderr: string;
}

const STDERR_LIMIT = 64 * 1024;
const KILL_GRACE_MS = 3_000;

/**
 * Split a connection URL into what may be shown (the URL without its password, passed as `-d`) and
 * the password, passed through PGPASSWORD. Why: a command line is visible to every user in `ps`.
 */
export function connectionArgs(url: string): { dbArg: string; env: Record<string, string> } {
  let u: URL;
  try {
    u = new URL(url);
  } catch (error) {
    throw new GamedayError(`not a PostgreSQL connection URL: ${redactText(url)}`, {
      kind: 'invalid-input',
      code: 'BAD_DATABASE_URL',
      hint: 'use postgres://user[:password]@host[:port]/database',
      cause: error,
    });
  }
  const env: Record<string, string> = {};
  if (u.password !== '') env['PGPASSWORD'] = decodeURIComponent(u.password);
  u.password = '';
  return { dbArg: u.toString(), env };
}

/** Path of a client tool (pg_dump, pg_restore, psql) in the server's bin dir, so versions match. */
export function pgClientTool(tool: string, binDir?: string): string {
  return path.join(binDir ?? findPostgresBinDir(), tool);
}

interface SpawnSpec {
  tool: string;
  args: string[];
  env: Record<string, string>;
  /** Fed to the tool's stdin (a decompressing stream, for example). */
  stdin?: Readable;
  /** A file whose size is the progress (pg_dump's output). */
  progressFile?: string;
  totalBytes?: number | null;
  /** What the error message names, e.g. "127.0.0.1:5432/connectkit". */
  target: string;
  errorCode: string;
}

/** Run one tool in its own process group; reject with its stderr when it fails or is aborted. */
function runTool(spec: SpawnSpec, opts: ToolOptions): Promise<ToolResult> {
  const signal = opts.signal;
  if (signal?.aborted) return Promise.reject(abortError(spec, signal.reason));
  const bin = pgClientTool(spec.tool, opts.binDir);
  const started = performance.now();
  return new Promise<ToolResult>((resolve, reject) => {
    // Why detached: the tool and the workers it forks (pg_restore -j) form one process group that an
    // abort kills at once; no worker may keep writing into a database that cleanup is about to drop.
    const child = spawn(bin, spec.args, {
      detached: true,
      stdio: [spec.stdin ? 'pipe' : 'ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...spec.env, PGAPPNAME: 'gameday-drill' },
    });
    let stderr = '';
    let fedBytes = 0;
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < STDERR_LIMIT) stderr += d.toString();
    });
    const killGroup = (sig: NodeJS.Signals): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, sig);
      } catch {
        // Already gone.
      }
    };
    const onAbort = (): void => {
      aborted = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    if (spec.stdin && child.stdin) {
      spec.stdin.on('data', (chunk: Buffer) => (fedBytes += chunk.length));
      spec.stdin.on('error', (error) => {
        stderr += `\ninput stream failed: ${error.message}`;
        killGroup('SIGTERM');
      });
      // The tool may stop reading early (pg_restore -l reads only the table of contents).
      child.stdin.on('error', () => spec.stdin?.unpipe());
      spec.stdin.pipe(child.stdin);
    }

    const report = (): void => {
      if (!opts.onProgress) return;
      let bytes = fedBytes;
      if (spec.progressFile) {
        try {
          bytes = statSync(spec.progressFile).size;
        } catch {
          bytes = 0;
        }
      }
      opts.onProgress({
        tool: spec.tool,
        bytes,
        totalBytes: spec.totalBytes ?? null,
        elapsedMs: performance.now() - started,
      });
    };
    const ticker = opts.onProgress ? setInterval(report, opts.progressIntervalMs ?? 500) : undefined;

    child.on('error', (error) => {
      stderr += `\n${error.message}`;
    });
    child.on('close', (code, sig) => {
      if (ticker) clearInterval(ticker);
      if (killTimer) clearTimeout(killTimer);
      signal?.removeEventListener('abort', onAbort);
      spec.stdin?.destroy();
      const durationMs = performance.now() - started;
      const text = redactText(stderr.trim());
      if (aborted) {
        reject(abortError(spec, signal?.reason));
      } else if (code === 0) {
        report();
        resolve({ durationMs, stderr: text });
      } else {
        reject(
          new GamedayError(
            `${spec.tool} on ${spec.target} failed (${code === null ? `signal ${sig}` : `exit ${code}`}): ${lastLines(text)}`,
            { kind: 'runtime', code: spec.errorCode, target: spec.target },
          ),
        );
      }
    });
  });
}

function abortError(spec: SpawnSpec, reason: unknown): GamedayError {
  return new GamedayError(`${spec.tool} on ${spec.target} was stopped: ${describeReason(reason)}`, {
    kind: 'aborted',
    code: 'TOOL_ABORTED',
    target: spec.target,
    cause: reason,
  });
}

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.name === 'TimeoutError' ? 'time limit reached' : reason.message;
  return String(reason ?? 'aborted');
}

function lastLines(text: string, n = 8): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines.length === 0 ? '(no output)' : lines.slice(-n).join(' | ');
}

/** pg_dump a database in custom format (-Fc) into `file`. */
export function pgDump(opts: ToolOptions & { url: string; file: string; extraArgs?: string[] }): Promise<ToolResult> {
  const { dbArg, env } = connectionArgs(opts.url);
  return runTool(
    {
      tool: 'pg_dump',
      args: ['-Fc', '--no-password', '-f', opts.file, ...(opts.extraArgs ?? []), '-d', dbArg],
      env,
      progressFile: opts.file,
      target: describeDbUrl(opts.url),
      errorCode: 'PG_DUMP_FAILED',
    },
    opts,
  );
}

export interface PgRestoreOptions extends ToolOptions {
  /** Database to restore into. */
  url: string;
  /** A custom-format archive file, or `stdin` with a stream of one (then jobs must be 1). */
  file?: string;
  stdin?: Readable;
  jobs: number;
  /** Bytes of the input, for progress. */
  totalBytes?: number | null;
  extraArgs?: string[];
}

/**
 * pg_restore -j N --no-owner --no-acl into an existing database. Why --no-owner/--no-acl: a scratch
 * copy has none of production's roles; ownership and grants are not what a restore drill checks.
 */
export function pgRestore(opts: PgRestoreOptions): Promise<ToolResult> {
  if (opts.file === undefined && opts.stdin === undefined) {
    throw new GamedayError('pg_restore needs a file or an input stream', { kind: 'runtime', code: 'RESTORE_INPUT' });
  }
  if (opts.stdin && opts.jobs > 1) {
    throw new GamedayError('pg_restore cannot run parallel jobs from a stream', {
      kind: 'runtime',
      code: 'RESTORE_INPUT',
      hint: 'decompress to a file first, or use jobs: 1',
    });
  }
  const { dbArg, env } = connectionArgs(opts.url);
  const args = ['--no-owner', '--no-acl', '--no-password', '-j', String(opts.jobs), ...(opts.extraArgs ?? [])];
  args.push('-d', dbArg);
  if (opts.file !== undefined) args.push(opts.file);
  return runTool(
    {
      tool: 'pg_restore',
      args,
      env,
      ...(opts.stdin ? { stdin: opts.stdin } : {}),
      totalBytes: opts.totalBytes ?? null,
      target: describeDbUrl(opts.url),
      errorCode: 'PG_RESTORE_FAILED',
    },
    opts,
  );
}

/** Run a plain-SQL script with psql (ON_ERROR_STOP), from a file or a stream. */
export function psqlScript(
  opts: ToolOptions & { url: string; file?: string; stdin?: Readable; totalBytes?: number | null },
): Promise<ToolResult> {
  const { dbArg, env } = connectionArgs(opts.url);
  const args = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--no-password', '-d', dbArg];
  if (opts.file !== undefined) args.push('-f', opts.file);
  return runTool(
    {
      tool: 'psql',
      args,
      env,
      ...(opts.stdin ? { stdin: opts.stdin } : {}),
      totalBytes: opts.totalBytes ?? null,
      target: describeDbUrl(opts.url),
      errorCode: 'PSQL_FAILED',
    },
    opts,
  );
}

/** One entry of an archive's table of contents (pg_restore -l). */
export interface TocEntry {
  /** e.g. "TABLE", "TABLE DATA", "INDEX". */
  type: string;
  schema: string;
  name: string;
}

/** Read the table of contents of a custom-format archive (file or stream); no database needed. */
export function pgRestoreList(opts: ToolOptions & { file?: string; stdin?: Readable }): Promise<TocEntry[]> {
  const bin = pgClientTool('pg_restore', opts.binDir);
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['-l', ...(opts.file !== undefined ? [opts.file] : [])], {
      stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    if (opts.stdin && child.stdin) {
      child.stdin.on('error', () => opts.stdin?.unpipe());
      opts.stdin.on('error', () => undefined);
      opts.stdin.pipe(child.stdin);
    }
    child.on('error', (error) => reject(error));
    child.on('close', (code) => {
      opts.stdin?.destroy();
      if (code !== 0) {
        reject(
          new GamedayError(`pg_restore -l failed: ${lastLines(err)}`, {
            kind: 'runtime',
            code: 'ARTIFACT_UNREADABLE',
            hint: 'the artifact is not a pg_dump custom-format archive (or it is truncated)',
          }),
        );
        return;
      }
      resolve(parseToc(out));
    });
  });
}

/** Parse `pg_restore -l` lines: "215; 1259 16385 TABLE public contacts postgres". */
export function parseToc(text: string): TocEntry[] {
  const entries: TocEntry[] = [];
  const types = ['TABLE DATA', 'TABLE', 'SEQUENCE SET', 'SEQUENCE', 'INDEX', 'CONSTRAINT', 'SCHEMA', 'VIEW'];
  for (const line of text.split('\n')) {
    const m = /^\d+;\s+\d+\s+\d+\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const rest = m[1] as string;
    const type = types.find((t) => rest.startsWith(`${t} `));
    if (type === undefined) continue;
    const parts = rest.slice(type.length + 1).split(' ');
    if (parts.length < 2) continue;
    entries.push({ type, schema: parts[0] as string, name: parts[1] as string });
  }
  return entries;
}
