// Running one program to completion for actions and their undos: its own process group (a timeout
// stops the whole tree), bounded output, SIGTERM then SIGKILL after a grace period.

import { spawn } from 'node:child_process';

/** Output kept per command; enough for a detail line, bounded so a chatty command cannot grow memory. */
const MAX_OUTPUT_BYTES = 64 * 1024;
/** After SIGTERM, how long the command gets to stop before SIGKILL. */
const KILL_GRACE_MS = 2_000;

export interface CommandSpec {
  /** Program and arguments (no shell), or a shell command line (/bin/sh -c). */
  run: string | string[];
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface CommandOutcome {
  /** null when the command was killed or could not start. */
  exitCode: number | null;
  /** stdout and stderr interleaved, at most MAX_OUTPUT_BYTES. */
  output: string;
  durationMs: number;
  /** Why the command did not run to its own end: "timed out after 1m", "aborted", "spawn ENOENT". */
  error?: string;
}

/** Run a command to completion; never throws (failures are in the outcome). */
export function runCommand(spec: CommandSpec): Promise<CommandOutcome> {
  const [file, args] = Array.isArray(spec.run) ? [spec.run[0] ?? '', spec.run.slice(1)] : ['/bin/sh', ['-c', spec.run]];
  const started = performance.now();
  return new Promise((resolve) => {
    let output = '';
    let stopReason: string | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const child = spawn(file, args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const collect = (chunk: Buffer): void => {
      if (output.length < MAX_OUTPUT_BYTES) output += chunk.toString('utf8');
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const signalGroup = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // The group is gone already.
      }
    };
    const stop = (reason: string): void => {
      if (stopReason !== undefined) return;
      stopReason = reason;
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => stop(`timed out after ${Math.round(spec.timeoutMs / 100) / 10}s`), spec.timeoutMs);
    const onAbort = (): void => stop('aborted');
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    if (spec.signal?.aborted) onAbort();
    const finish = (exitCode: number | null, error?: string): void => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      spec.signal?.removeEventListener('abort', onAbort);
      const outcome: CommandOutcome = { exitCode, output, durationMs: performance.now() - started };
      const why = stopReason ?? error;
      if (why !== undefined) outcome.error = why;
      resolve(outcome);
    };
    child.once('error', (error: NodeJS.ErrnoException) => finish(null, `${error.code ?? 'error'}: ${file}`));
    child.once('close', (code) => {
      // Whatever the command left running in its group goes with it.
      signalGroup('SIGKILL');
      finish(stopReason === undefined ? code : null);
    });
  });
}
