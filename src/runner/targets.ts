// Targets: connect to (or start) what the scenario acts on, and fill in the run-time variables.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SandboxClient, startSandbox, type SandboxHandle } from '../drivers/sandbox/index.js';
import { GamedayError } from '../errors.js';
import { connectKubernetes, type KubernetesConnection } from '../faults/kubernetes/connect.js';
import { preflightRunbookKubernetes } from '../faults/kubernetes/runbook-preflight.js';
import { sandboxStartedDetail } from '../faults/vanished.js';
import type { Scenario } from '../scenario/types.js';
import { RUNTIME_VARIABLES } from '../scenario/types.js';
import type { Journal } from './journal.js';
import { connectAws, type AwsConnection } from './targets-aws.js';
import type { TargetIdentity } from './targets-identity.js';
import type { SharedLockSpec } from './lock/index.js';
import { awsLockSpec, kubernetesLockSpec } from './targets-shared-lock.js';

export interface SandboxConnection {
  client: SandboxClient;
  controlUrl: string;
  apiUrl: string;
  databaseUrl: string | null;
  /** Set when this run started the sandbox (and so stops it at rollback). */
  owned?: SandboxHandle;
  /** The sandbox's state directory (its instance), when known. */
  stateDir?: string;
}

export interface ConnectedTargets {
  sandbox?: SandboxConnection;
  /** The kubernetes target: preflight passed, informers running (closed by the runner after rollback). */
  kubernetes?: KubernetesConnection;
  /** The aws target: identity guard passed, driver ready (closed by the runner after rollback). */
  aws?: AwsConnection;
  /** Values of RUNTIME_VARIABLES for this run. */
  vars: Record<string, string>;
  /** Every system the run acts on: the key its target lock is taken on, and its identity for the journal. */
  systems: TargetSystem[];
}

/** One system a run acts on. */
export interface TargetSystem {
  /** The target lock key: "sandbox:<control URL>", "kubernetes:<API server>", "aws:<account>:<region>". */
  key: string;
  identity: TargetIdentity;
  /** Where its shared lock lives (a Lease, an S3 object); absent: a local lock file. */
  shared?: SharedLockSpec;
}

export interface ConnectOptions {
  journal: Journal;
  signal: AbortSignal;
  /** Attach to this running sandbox instead of starting one (GAMEDAY_SANDBOX_URL, or `gameday demo`'s shared sandbox). */
  sandboxUrl?: string;
  startSandbox?: typeof startSandbox;
  log(message: string): void;
}

/** Connect every target of the scenario. A sandbox started here is journaled (undo: stop it) before it starts. */
export async function connectTargets(scenario: Scenario, opts: ConnectOptions): Promise<ConnectedTargets> {
  // Why first: the AWS identity guard must pass before any mutation of any target (starting a sandbox is one).
  const aws = scenario.targets.aws
    ? await connectAws(scenario.targets.aws, { signal: opts.signal, log: opts.log })
    : undefined;
  let connected: ConnectedTargets;
  try {
    // Why before the local targets: the runbook's other kube contexts (the DR cluster) must be reachable
    // and grant what its steps need before any target is touched (starting a sandbox is a mutation).
    await preflightRunbookKubernetes(scenario, { log: opts.log });
    connected = await connectLocalTargets(scenario, opts);
  } catch (error) {
    aws?.close();
    throw error;
  }
  if (!aws) return connected;
  const shared = awsLockSpec(aws.config);
  const system: TargetSystem = { key: aws.lockKey, identity: aws.journalIdentity, ...(shared ? { shared } : {}) };
  return { ...connected, aws, systems: [...connected.systems, system] };
}

async function connectLocalTargets(scenario: Scenario, opts: ConnectOptions): Promise<ConnectedTargets> {
  const k8s = scenario.targets.kubernetes
    ? await connectKubernetes(scenario, { signal: opts.signal, log: opts.log })
    : undefined;
  let connected: ConnectedTargets;
  try {
    connected = await connectSandbox(scenario, opts);
  } catch (error) {
    await k8s?.close();
    throw error;
  }
  if (!k8s) return connected;
  return {
    ...connected,
    kubernetes: k8s,
    systems: [
      ...connected.systems,
      {
        key: k8s.lockKey,
        identity: k8s.identity,
        // Why the target namespace: the Lease lives where gameday's Role already reaches.
        shared: kubernetesLockSpec(k8s.identity, scenario.targets.kubernetes?.namespace ?? 'default'),
      },
    ],
  };
}

async function connectSandbox(scenario: Scenario, opts: ConnectOptions): Promise<ConnectedTargets> {
  const cfg = scenario.targets.sandbox;
  if (!cfg) return { vars: {}, systems: [] };
  const url = opts.sandboxUrl ?? cfg.url;
  let conn: SandboxConnection;
  if (url) {
    const client = new SandboxClient(url);
    const status = await client.status(opts.signal);
    if (cfg.database && !status.db) {
      throw new GamedayError(`the sandbox at ${url} runs without a database, and this scenario needs one`, {
        kind: 'invalid-input',
        code: 'NO_DATABASE',
        hint: 'start the sandbox with its database (npm run fixture:sandbox -- up) or let gameday start its own',
      });
    }
    conn = {
      client,
      controlUrl: url,
      apiUrl: status.apiUrl,
      databaseUrl: status.db?.writerUrl ?? null,
      ...(status.stateDir === undefined ? {} : { stateDir: status.stateDir }),
    };
  } else {
    const stateDir = mkdtempSync(join(tmpdir(), 'gameday-sandbox-'));
    const id = await opts.journal.intent('targets', 'start sandbox', `sandbox ${stateDir}`, {
      driver: 'sandbox',
      op: 'stop',
      args: { stateDir },
    });
    opts.log(
      `starting the sandbox: ${cfg.replicas} replicas in zones ${cfg.zones.join(', ')}${cfg.database ? ' + PostgreSQL primary/standby' : ''}`,
    );
    const start = opts.startSandbox ?? startSandbox;
    const handle = await start({
      replicas: cfg.replicas,
      zones: cfg.zones,
      startupDelayMs: cfg.startupDelayMs,
      database: cfg.database,
      ...(cfg.regions ? { regions: cfg.regions } : {}),
      ...(cfg.replicationLagMs ? { replicationLagMs: cfg.replicationLagMs } : {}),
      stateDir,
      signal: opts.signal,
    });
    opts.journal.applied(id, sandboxStartedDetail(handle.controlUrl, handle.databaseUrl));
    conn = {
      client: handle.client,
      controlUrl: handle.controlUrl,
      apiUrl: handle.apiUrl,
      databaseUrl: handle.databaseUrl,
      owned: handle,
      stateDir,
    };
  }
  const vars: Record<string, string> = { SANDBOX_URL: conn.controlUrl, SANDBOX_API_URL: conn.apiUrl };
  if (conn.databaseUrl) vars['SANDBOX_DATABASE_URL'] = conn.databaseUrl;
  const identity: TargetIdentity = {
    kind: 'sandbox',
    controlUrl: conn.controlUrl,
    ...(conn.stateDir === undefined ? {} : { stateDir: conn.stateDir }),
  };
  return { sandbox: conn, vars, systems: [{ key: `sandbox:${conn.controlUrl}`, identity }] };
}

/** Journal the identity of every system the run acts on (rollback checks it reaches these same ones). */
export function journalSystems(journal: Journal, systems: readonly TargetSystem[]): void {
  for (const t of systems)
    journal.append({ type: 'target', at: new Date().toISOString(), key: t.key, identity: t.identity });
}

const RUNTIME_RE = new RegExp(`\\$\\{(${RUNTIME_VARIABLES.join('|')})\\}`, 'g');

/** Replace ${SANDBOX_…} run-time variables in every string of `value` (a deep copy is returned). */
export function fillRuntimeVariables<T>(value: T, vars: Record<string, string>): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      return v.replace(RUNTIME_RE, (_m, name: string) => {
        const filled = vars[name];
        if (filled === undefined) {
          throw new GamedayError(`\${${name}} is not available for this run`, {
            kind: 'invalid-input',
            code: 'RUNTIME_VARIABLE',
            hint:
              name === 'SANDBOX_DATABASE_URL'
                ? 'the sandbox runs without a database: set targets.sandbox.database: true'
                : 'it is provided by the sandbox target',
          });
        }
        return filled;
      });
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}
