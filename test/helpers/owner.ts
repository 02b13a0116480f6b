// Fixtures owned by a process: start one from a child node process (the owner), SIGKILL the child, and
// check what is left. Used by the k8s and aws tiers' owner tests.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { eventually } from './cli.js';

export interface OwnerChild {
  child: ChildProcess;
  /** Everything the child wrote to stderr so far (its fixture's progress lines). */
  stderr(): string;
  /** Resolves with the JSON the child printed after `READY `; rejects if the child exits first. */
  ready(timeoutMs: number): Promise<unknown>;
}

/**
 * Run `code` (an ES module body; `process.argv[1..]` are `args`) in a child node process that starts a
 * fixture owned by itself and prints `READY <json>` when it is up.
 */
export function startOwnerChild(code: string, args: string[]): OwnerChild {
  const child = spawn(process.execPath, ['--input-type=module', '-e', code, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += String(d)));
  child.stderr?.on('data', (d: Buffer) => (err += String(d)));
  return {
    child,
    stderr: () => err,
    ready: (timeoutMs) =>
      eventually(
        () => {
          const line = out.split('\n').find((l) => l.startsWith('READY '));
          if (line) return JSON.parse(line.slice('READY '.length)) as unknown;
          if (child.exitCode !== null || child.signalCode !== null) {
            throw new Error(
              `the owner exited (${child.exitCode ?? child.signalCode}) before its fixture was up:\n${err}`,
            );
          }
          return undefined;
        },
        timeoutMs,
        'the owner to start its fixture',
      ),
  };
}

/** True while `pid` is a live process (a zombie is not). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

/** Live processes (other than this one) whose command line contains `text`, e.g. a fixture's state dir. */
export function processesMentioning(text: string): Array<{ pid: number; cmdline: string }> {
  const found: Array<{ pid: number; cmdline: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(text)) found.push({ pid: Number(entry), cmdline });
    } catch {
      // exited meanwhile
    }
  }
  return found;
}
