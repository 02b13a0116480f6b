// moto on loopback for one test file: start in beforeAll, stop in afterAll. Fake credentials only, and
// every client is pinned to 127.0.0.1 — no test can reach AWS, and the IMDS credential source is never probed.

import { rmSync } from 'node:fs';
import {
  createIamUser,
  resetMoto,
  startMoto,
  stopMoto,
  INSTALL_HINT,
  type AwsKeys,
  type MotoState,
} from '../../infra-fixtures/aws/lib/moto.mjs';
import { createAwsDriver, type AwsCall, type AwsDriver } from '../../src/drivers/aws/index.js';
import type { AwsTargetConfig } from '../../src/drivers/aws/types.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-west-2';
export const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** Fake credentials in the environment (undo handlers use the default chain); no IMDS, no shared config files. */
export function useFakeAwsEnv(): void {
  process.env['AWS_ACCESS_KEY_ID'] = 'testing';
  process.env['AWS_SECRET_ACCESS_KEY'] = 'testing';
  process.env['AWS_SESSION_TOKEN'] = 'testing';
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
  process.env['AWS_SHARED_CREDENTIALS_FILE'] = '/nonexistent/gameday-aws-credentials';
  process.env['AWS_CONFIG_FILE'] = '/nonexistent/gameday-aws-config';
  delete process.env['AWS_PROFILE'];
  delete process.env['AWS_ENDPOINT_URL'];
}

/** The environment of a spawned CLI: fake credentials, no IMDS or shared config, every service on `endpoint`. */
export function fakeAwsCliEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/gameday-aws-credentials',
    AWS_CONFIG_FILE: '/nonexistent/gameday-aws-config',
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCOUNT_ID: ACCOUNT,
  };
}

export interface Moto {
  endpoint: string;
  state: MotoState;
  /** With IAM enforced: the admin user's keys (everything allowed); without, the fake `testing` keys. */
  admin: AwsKeys;
  stop(): Promise<void>;
  /** Forget everything moto stores (between tests); with IAM enforced, the admin is bootstrapped again. */
  reset(): Promise<void>;
  /** With IAM enforced: an IAM user holding exactly `policy`, created by the admin; returns its keys. */
  principal(userName: string, policy: object): Promise<AwsKeys>;
}

/** Start moto (with IAM enforced when asked); fails (never skips) with the install command when moto cannot run. */
export async function startMotoForTests(opts: { iam?: boolean } = {}): Promise<Moto> {
  useFakeAwsEnv();
  let state: MotoState;
  try {
    // Owned by this test process: a test run killed before afterAll still leaves nothing running.
    state = await startMoto({ timeoutMs: 60_000, ownerPid: process.pid, ...(opts.iam ? { iam: true } : {}) });
  } catch (error) {
    throw new Error(`the AWS tests need moto on loopback; install it with: ${INSTALL_HINT}\n${String(error)}`, {
      cause: error,
    });
  }
  const moto: Moto = {
    endpoint: state.endpoint,
    state,
    admin: state.iam?.admin ?? CREDENTIALS,
    stop: async () => {
      await stopMoto(state.stateDir);
      rmSync(state.stateDir, { recursive: true, force: true });
    },
    reset: async () => {
      const admin = await resetMoto(state);
      if (admin) moto.admin = admin;
    },
    principal: (userName, policy) => createIamUser(state.endpoint, moto.admin, userName, policy),
  };
  return moto;
}

/** A resolved targets.aws pointing every service at `endpoint`. */
export function testTarget(endpoint: string, overrides: Partial<AwsTargetConfig> = {}): AwsTargetConfig {
  return {
    region: REGION,
    regions: [REGION],
    accounts: [ACCOUNT],
    endpoint,
    retryMode: 'adaptive',
    maxAttempts: 3,
    fisRoleArn: `arn:aws:iam::${ACCOUNT}:role/gameday-fis`,
    ...overrides,
  };
}

/** A driver for tests: loopback only, fake credentials (or `credentials`), optionally recording every command. */
export function testDriver(target: AwsTargetConfig, calls?: AwsCall[], credentials: AwsKeys = CREDENTIALS): AwsDriver {
  return createAwsDriver(target, {
    credentials,
    loopbackOnly: true,
    ...(calls ? { onCommand: (c: AwsCall) => calls.push(c) } : {}),
  });
}

/**
 * How moto moves FIS experiments along (its state manager, model fis::experiment). moto's default is one
 * state per GetExperiment: pending → initiating → running → completed, and stopping → stopped after a
 * StopExperiment. `null` restores that default.
 */
export async function setFisProgression(
  endpoint: string,
  transition: { progression: 'manual'; times: number } | { progression: 'time'; seconds: number } | null,
): Promise<void> {
  const path = transition === null ? 'unset-transition' : 'set-transition';
  const res = await fetch(`${endpoint}/moto-api/state-manager/${path}`, {
    method: 'POST',
    body: JSON.stringify({ model_name: 'fis::experiment', ...(transition ? { transition } : {}) }),
  });
  if (!res.ok) throw new Error(`moto state manager ${path}: HTTP ${res.status} ${await res.text()}`);
}

/** Every FIS experiment moto holds, as ListExperiments reports it (this read moves no experiment on). */
export async function motoExperiments(
  endpoint: string,
): Promise<Array<{ id: string; status: string; templateId: string; tags: Record<string, string> }>> {
  const { FisClient, ListExperimentsCommand } = await import('@aws-sdk/client-fis');
  const client = new FisClient({ region: REGION, endpoint, credentials: CREDENTIALS });
  try {
    const out = await client.send(new ListExperimentsCommand({}));
    return (out.experiments ?? []).map((e) => ({
      id: e.id ?? '',
      status: e.state?.status ?? '',
      templateId: e.experimentTemplateId ?? '',
      tags: e.tags ?? {},
    }));
  } finally {
    client.destroy();
  }
}

/** Poll moto until `pick` finds an experiment (bounded; for waiting on a run in this or another process). */
async function untilExperiment(
  endpoint: string,
  pick: (e: { id: string; status: string }) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await motoExperiments(endpoint)).find(pick);
    if (found) return found.id;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Hold moto's next FIS experiment in `running`, as a long FIS action (a spot notice, an AZ power
 * interruption) keeps it there, and let a stop finish once one is requested:
 * - `running()`: experiments move one state every `seconds` (slow enough for this poll to see `running`);
 *   once one runs, moto is frozen so it stays running however often it is polled.
 * - `stopWhenRequested()`: once StopExperiment put it in `stopping`, moto moves it on again (→ stopped).
 * Why not moto's default: one state per GetExperiment ends a 20 ms poll loop's experiment in 60 ms.
 */
export async function holdFisRunning(
  endpoint: string,
  seconds = 2,
): Promise<{ running(): Promise<string>; stopWhenRequested(): Promise<string> }> {
  await setFisProgression(endpoint, { progression: 'time', seconds });
  return {
    async running() {
      const id = await untilExperiment(endpoint, (e) => e.status === 'running', 'a running FIS experiment');
      await setFisProgression(endpoint, { progression: 'manual', times: 1_000_000_000 });
      const now = (await motoExperiments(endpoint)).find((e) => e.id === id);
      if (now?.status !== 'running') {
        throw new Error(`moto moved experiment ${id} on to ${now?.status} before it was held; raise \`seconds\``);
      }
      return id;
    },
    async stopWhenRequested() {
      const id = await untilExperiment(endpoint, (e) => e.status === 'stopping', 'a stop request');
      await setFisProgression(endpoint, null);
      return id;
    },
  };
}
