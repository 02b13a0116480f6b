// Starting and stopping a sandbox supervisor as a detached process.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GamedayError } from '../../errors.js';
import { SandboxClient } from './client.js';
import { isAlive, stopSandboxFromState, waitGone } from './teardown.js';
import type { SandboxRegionConfig, SandboxStateFile } from './types.js';

// This file is src/drivers/sandbox/process.ts, compiled to dist/drivers/sandbox/process.js:
// both are three levels under the package root.
const packageRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const SUPERVISOR_SCRIPT = path.join(packageRoot, 'infra-fixtures', 'sandbox', 'supervisor.mjs');

export interface StartSandboxOptions {
  replicas: number;
  zones: string[];
  startupDelayMs: number;
  database: boolean;
  /**
   * Opt-in regions (1 or 2): the first holds the PostgreSQL primary and serves traffic, the second
   * holds the standby (DR). Default: one region with `replicas` over `zones`, as without regions.
   */
  regions?: SandboxRegionConfig[];
  /**
   * One-way delay of the link each standby streams over (default 0: direct). A regional outage
   * loses what is on the link, so `immediate` failovers lose acknowledged writes as cross-region
   * asynchronous replication does.
   */
  replicationLagMs?: number;
  /** Where state, logs and ground truth go; default a new temp dir, removed again by stop(). */
  stateDir?: string;
  /** How long to wait for the fleet to be whole (default 120 s). */
  readyTimeoutMs?: number;
  /** Balancer health-check interval (default 100 ms). */
  healthIntervalMs?: number;
  signal?: AbortSignal;
  /**
   * Keep the sandbox running after this process exits (default false: the supervisor shuts itself
   * down, PostgreSQL included, when its starter is gone without calling stop()).
   */
  outliveStarter?: boolean;
  /** Environment of the supervisor (default process.env); a test seam. */
  env?: NodeJS.ProcessEnv;
}

export interface SandboxHandle {
  controlUrl: string;
  apiUrl: string;
  databaseUrl: string | null;
  stateDir: string;
  pid: number;
  client: SandboxClient;
  /** Shut the sandbox down (idempotent): ask, wait, force-kill after a grace period, verify. */
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 15_000;

function logTail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Start a sandbox and resolve once its fleet is whole (its sandbox.json exists). */
export async function startSandbox(opts: StartSandboxOptions): Promise<SandboxHandle> {
  const ownsDir = opts.stateDir === undefined;
  const stateDir = opts.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'gameday-sandbox-'));
  fs.mkdirSync(stateDir, { recursive: true });
  const configFile = path.join(stateDir, 'config.json');
  const config = {
    stateDir,
    replicas: opts.replicas,
    zones: opts.zones,
    startupDelayMs: opts.startupDelayMs,
    database: opts.database,
    healthIntervalMs: opts.healthIntervalMs ?? 100,
    ownerPid: opts.outliveStarter === true ? null : process.pid,
    ...(opts.regions ? { regions: opts.regions } : {}),
    ...(opts.replicationLagMs ? { replicationLagMs: opts.replicationLagMs } : {}),
  };
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  const logFile = path.join(stateDir, 'supervisor.log');
  const log = fs.openSync(logFile, 'a');
  // Why detached with output to a file: the sandbox must survive (and stay stoppable from its state
  // dir) if this process dies, and must never block on a pipe nobody reads.
  const child = spawn(process.execPath, [SUPERVISOR_SCRIPT, configFile], {
    detached: true,
    stdio: ['ignore', log, log],
    env: opts.env ?? process.env,
  });
  fs.closeSync(log);
  child.unref();
  let exitCode: number | null | undefined;
  child.once('exit', (code) => (exitCode = code));
  const pid = child.pid ?? 0;

  const stateFile = path.join(stateDir, 'sandbox.json');
  const timeoutMs = opts.readyTimeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  let failure: GamedayError | null = null;
  while (!fs.existsSync(stateFile)) {
    if (exitCode !== undefined || (pid > 0 && !isAlive(pid))) {
      const tail = logTail(logFile);
      failure = new GamedayError(`sandbox failed to start: ${tail || `supervisor exited with code ${exitCode}`}`, {
        kind: 'runtime',
        code: 'SANDBOX_START_FAILED',
        target: stateDir,
      });
    } else if (opts.signal?.aborted) {
      failure = new GamedayError('sandbox start-up was aborted', {
        kind: 'aborted',
        code: 'SANDBOX_ABORTED',
        cause: opts.signal.reason,
      });
    } else if (Date.now() > deadline) {
      failure = new GamedayError(`sandbox was not ready within ${timeoutMs} ms; supervisor log:\n${logTail(logFile)}`, {
        kind: 'runtime',
        code: 'SANDBOX_START_TIMEOUT',
        hint: 'Raise readyTimeoutMs or lower the replica count / start-up delay.',
        target: stateDir,
      });
    }
    if (failure) {
      await stopSandboxFromState(stateDir, { graceMs: 3000 }).catch(() => undefined);
      if (ownsDir) fs.rmSync(stateDir, { recursive: true, force: true });
      throw failure;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }

  const state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as SandboxStateFile;
  const client = new SandboxClient(state.controlUrl);
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await client.shutdown().catch(() => undefined);
      if ((await waitGone([pid], STOP_GRACE_MS)).length > 0) {
        // The supervisor leads its own process group (detached): take its replicas down with it.
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      // Anything the supervisor could not stop (PostgreSQL after a SIGKILL) is stopped from the state dir.
      await stopSandboxFromState(stateDir, { graceMs: 1000 });
      if (ownsDir) fs.rmSync(stateDir, { recursive: true, force: true });
    })();
    return stopping;
  };
  return {
    controlUrl: state.controlUrl,
    apiUrl: state.apiUrl,
    databaseUrl: state.databaseUrl,
    stateDir,
    pid: state.pid,
    client,
    stop,
  };
}
