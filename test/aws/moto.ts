// moto on loopback for one test file: start in beforeAll, stop in afterAll. Fake credentials only, and
// every client is pinned to 127.0.0.1 — no test can reach AWS, and the IMDS credential source is never probed.

import { rmSync } from 'node:fs';
import { startMoto, stopMoto, INSTALL_HINT, type MotoState } from '../../infra-fixtures/aws/lib/moto.mjs';
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

/** The environment of a spawned CLI: fake credentials, no IMDS, no shared config files, every service on `endpoint`. */
export function fakeAwsCliEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/gameday-aws-credentials',
    AWS_CONFIG_FILE: '/nonexistent/gameday-aws-config',
    AWS_ENDPOINT_URL: endpoint,
  };
}

export interface Moto {
  endpoint: string;
  state: MotoState;
  stop(): Promise<void>;
  /** Forget everything moto stores (between tests). */
  reset(): Promise<void>;
}

/** Start moto; fails (never skips) with the exact install command when moto cannot run. */
export async function startMotoForTests(): Promise<Moto> {
  useFakeAwsEnv();
  let state: MotoState;
  try {
    // Owned by this test process: a test run killed before afterAll still leaves nothing running.
    state = await startMoto({ timeoutMs: 60_000, ownerPid: process.pid });
  } catch (error) {
    throw new Error(`the AWS tests need moto on loopback; install it with: ${INSTALL_HINT}\n${String(error)}`);
  }
  return {
    endpoint: state.endpoint,
    state,
    stop: async () => {
      await stopMoto(state.stateDir);
      rmSync(state.stateDir, { recursive: true, force: true });
    },
    reset: async () => {
      await fetch(`${state.endpoint}/moto-api/reset`, { method: 'POST' });
    },
  };
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

/** A driver for tests: loopback only, fake credentials, optionally recording every command. */
export function testDriver(target: AwsTargetConfig, calls?: AwsCall[]): AwsDriver {
  return createAwsDriver(target, {
    credentials: CREDENTIALS,
    loopbackOnly: true,
    ...(calls ? { onCommand: (c: AwsCall) => calls.push(c) } : {}),
  });
}
