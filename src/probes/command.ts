// Command probe: runs a program (array: no shell) or a shell line (string: /bin/sh -c); healthy on the
// expected exit code and, optionally, output matching a pattern.

import { spawn } from 'node:child_process';
import type { CheckOutcome, Probe } from './types.js';
import { errorCode, firstLine, truncate } from './detail.js';

export interface CommandCheckConfig {
  run: string | string[];
  cwd?: string;
  expectExitCode: number;
  outputMatches?: string;
}

/** Output kept per check; enough for a pattern and a detail line, bounded so a chatty command cannot grow memory. */
const MAX_OUTPUT_BYTES = 64 * 1024;
/** After a kill, how long to wait for the pipes to close before reporting anyway (a grandchild may hold them). */
const CLOSE_GRACE_MS = 500;

/** Build a command probe. */
export function createCommandProbe(
  name: string,
  config: CommandCheckConfig,
  timing: { intervalMs: number; timeoutMs: number },
): Probe {
  const pattern = config.outputMatches === undefined ? undefined : new RegExp(config.outputMatches);
  const [file, args] = Array.isArray(config.run)
    ? [config.run[0] ?? '', config.run.slice(1)]
    : ['/bin/sh', ['-c', config.run]];

  function check(signal: AbortSignal): Promise<CheckOutcome> {
    return new Promise((resolve) => {
      if (signal.aborted) {
        resolve({ ok: false, detail: 'aborted' });
        return;
      }
      // Own process group, so a timeout kills the whole tree (a shell and what it started), not just the shell.
      const child = spawn(file, args, {
        cwd: config.cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let output = '';
      let settled = false;
      let killed = false;
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      let graceTimer: NodeJS.Timeout | undefined;

      const collect = (chunk: Buffer): void => {
        if (output.length < MAX_OUTPUT_BYTES) output += chunk.toString('utf8');
      };
      child.stdout?.on('data', collect);
      child.stderr?.on('data', collect);

      const settle = (outcome: CheckOutcome): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        if (graceTimer) clearTimeout(graceTimer);
        child.stdout?.destroy();
        child.stderr?.destroy();
        resolve(outcome);
      };
      const killTree = (): void => {
        if (killed || child.pid === undefined || exit) return;
        killed = true;
        // A probe command holds no state worth a graceful stop: SIGKILL the group so nothing outlives the check.
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          try {
            child.kill('SIGKILL');
          } catch {
            // Already gone.
          }
        }
      };
      const onAbort = (): void => {
        killTree();
        graceTimer = setTimeout(() => settle({ ok: false, detail: 'aborted' }), CLOSE_GRACE_MS);
      };
      signal.addEventListener('abort', onAbort, { once: true });

      child.once('error', (error) => settle({ ok: false, detail: truncate(`${errorCode(error)}: ${file}`, 200) }));
      child.once('exit', (code, sig) => {
        exit = { code, signal: sig };
        // Reap whatever the command left in its group (backgrounded helpers) before reporting.
        if (child.pid !== undefined) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // The group is already empty.
          }
        }
      });
      child.once('close', (code: number | null, sig: NodeJS.Signals | null) => {
        if (signal.aborted) {
          settle({ ok: false, detail: 'aborted' });
          return;
        }
        const line = firstLine(output);
        const status = code === null ? `killed by ${sig ?? 'signal'}` : `exit ${code}`;
        const detail = truncate(line ? `${status}: ${line}` : status, 200);
        if (code !== config.expectExitCode) {
          settle({ ok: false, detail, ...(code === null ? {} : { value: code }) });
          return;
        }
        if (pattern && !pattern.test(output)) {
          settle({
            ok: false,
            detail: truncate(`${status}, output does not match /${config.outputMatches}/`, 200),
            value: code,
          });
          return;
        }
        settle({ ok: true, detail, value: code });
      });
    });
  }

  return { name, kind: 'command', intervalMs: timing.intervalMs, timeoutMs: timing.timeoutMs, check };
}
