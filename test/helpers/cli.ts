// Spawning the real CLI, as users and CI do.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = `${ROOT}bin/gameday.js`;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Start `gameday <args>`; the promise resolves when it exits. */
/**
 * `opts.host`: run it in a UTS namespace of its own with that host name (unshare --uts, as root), as on
 * another machine; unshare and sh exec, so the child's pid is gameday's.
 */
export function startCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  opts: { host?: string } = {},
): { child: ChildProcess; done: Promise<CliResult> } {
  const argv = [process.execPath, BIN, ...args];
  const [command, ...rest] =
    opts.host === undefined
      ? argv
      : ['unshare', '--uts', '--', 'sh', '-c', 'hostname "$0" && exec "$@"', opts.host, ...argv];
  const child = spawn(command as string, rest, {
    cwd: ROOT,
    env: { ...process.env, ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return startCli(args, env).done;
}

/** Poll `check` until it returns a value or the time runs out (bounded; for waiting on real processes). */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
