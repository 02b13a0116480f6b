// The k6 child process: started in its own process group with an owner watchdog (so it cannot outlive
// gameday, even after a SIGKILL), its output redacted into k6.log, and stopped in steps: k6's REST API
// (PATCH /v1/status stopped: true, which still writes its summary), then SIGTERM, then SIGKILL.

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { K6_PID_FILE, sameProcessAlive, processStartTime, writeK6Pid } from '../../infra-fixtures/shared/k6-guard.mjs';
import { startOwnerWatchdog } from '../../infra-fixtures/shared/watchdog.mjs';
import { redactText } from '../util/redact.js';
import { k6Env } from './k6-binary.js';

const GUARD_MODULE = fileURLToPath(new URL('../../infra-fixtures/shared/k6-guard.mjs', import.meta.url));
/** Lines of k6's stderr kept for error messages. */
const TAIL_LINES = 40;

export interface K6Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface K6ProcessOptions {
  binary: string;
  args: string[];
  /** Run directory: k6.log and k6.pid go here. */
  dir: string;
  /** k6's REST API address (host:port). */
  address: string;
  env?: NodeJS.ProcessEnv;
  /** Watch this pid and stop k6 when it is gone (default: this process). */
  ownerPid?: number;
}

/** A running k6. */
export class K6Process {
  readonly child: ChildProcess;
  readonly exited: Promise<K6Exit>;
  readonly stderrTail: string[] = [];
  private readonly start: string | null;
  private stopping: Promise<void> | undefined;
  /** Set once gameday asked k6 to stop (its exit then is not a failure). */
  stopRequested = false;

  constructor(private readonly opts: K6ProcessOptions) {
    const log = createWriteStream(join(opts.dir, 'k6.log'), { flags: 'a' });
    // Why detached: k6 leads its own process group, so a Ctrl-C meant for gameday does not stop the load
    // behind gameday's back; gameday stops it itself, and the watchdog below if gameday cannot.
    this.child = spawn(opts.binary, opts.args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: k6Env(opts.env),
    });
    const pid = this.child.pid;
    this.start = pid === undefined ? null : processStartTime(pid);
    if (pid !== undefined) {
      writeK6Pid(opts.dir, pid);
      startOwnerWatchdog({
        ownerPid: opts.ownerPid ?? process.pid,
        stateDir: opts.dir,
        marker: join(opts.dir, K6_PID_FILE),
        module: GUARD_MODULE,
        exportName: 'stopK6',
        logFile: join(opts.dir, 'k6-watchdog.log'),
        intervalMs: 250,
      });
    }
    const lines = (stream: NodeJS.ReadableStream | null, keep: boolean): void => {
      let rest = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        for (const line of parts) {
          const clean = redactText(line);
          log.write(`${clean}\n`);
          if (keep) {
            this.stderrTail.push(clean);
            if (this.stderrTail.length > TAIL_LINES) this.stderrTail.shift();
          }
        }
      });
    };
    lines(this.child.stdout, false);
    lines(this.child.stderr, true);
    this.exited = new Promise<K6Exit>((resolve) => {
      this.child.once('error', (error) => {
        this.stderrTail.push(redactText(error.message));
        resolve({ code: null, signal: null });
      });
      this.child.once('close', (code, signal) => resolve({ code, signal }));
    }).then((exit) => {
      log.end();
      // The pid file is the watchdog's marker: removing it ends the watchdog.
      rmSync(join(opts.dir, K6_PID_FILE), { force: true });
      return exit;
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Stop k6: REST API first (k6 then ends the test and writes its summary), SIGTERM, SIGKILL. */
  stop(graceMs = 5000): Promise<void> {
    this.stopRequested = true;
    this.stopping ??= this.escalate(graceMs);
    return this.stopping;
  }

  private async escalate(graceMs: number): Promise<void> {
    const gone = (ms: number): Promise<boolean> =>
      Promise.race([this.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
    if (await this.patchStopped().catch(() => false)) {
      if (await gone(graceMs)) return;
    }
    this.signal('SIGTERM');
    if (await gone(3000)) return;
    this.signal('SIGKILL');
    await gone(5000);
  }

  /** PATCH /v1/status {stopped: true}; true when k6 accepted it. */
  private async patchStopped(): Promise<boolean> {
    const res = await request(`http://${this.opts.address}/v1/status`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: { type: 'status', id: 'default', attributes: { stopped: true } } }),
      signal: AbortSignal.timeout(2000),
    });
    await res.body.dump();
    return res.statusCode === 200;
  }

  private signal(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined || !sameProcessAlive(pid, this.start)) return;
    try {
      process.kill(-pid, signal);
    } catch {
      this.child.kill(signal);
    }
  }
}
